"""Images as pixel columns: every image is a row of columns named ``px{H}x{W}x{C}_{i}``.

Row-major, channels last, so the tabular rungs read pixels as numbers and the CNN
rung recovers the shape from the names (:func:`image_shape`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["image_columns", "image_shape"]

_PIXEL = re.compile(r"^px(\d+)x(\d+)x(\d+)_\d+$")


def image_columns(shape: tuple[int, int, int]) -> list[str]:
    """Column names for images of ``(height, width, channels)``."""
    height, width, depth = shape
    return [f"px{height}x{width}x{depth}_{i}" for i in range(height * width * depth)]


def image_shape(columns: Sequence[str]) -> tuple[int, int, int] | None:
    """The ``(height, width, channels)`` encoded in pixel column names, else None.

    Every name must be a pixel column of the same shape; a subset is fine (the
    tabular profile drops constant pixels, the CNN reads them all back).

    Examples
    --------
    >>> image_shape(image_columns((2, 2, 1)))
    (2, 2, 1)
    >>> image_shape(["age", "income"]) is None
    True
    """
    if not columns:
        return None
    shapes = set()
    for column in columns:
        match = _PIXEL.match(str(column))
        if match is None:
            return None
        shapes.add((int(match[1]), int(match[2]), int(match[3])))
    return shapes.pop() if len(shapes) == 1 else None
