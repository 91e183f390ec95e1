"""Figures drawn with matplotlib's object API: no pyplot, no backend switch, no global state.

A notebook user's plotting backend stays as it was; each chart is a
:class:`~matplotlib.figure.Figure` rendered straight to bytes.
"""

from __future__ import annotations

import io
from typing import Literal

from matplotlib.figure import Figure

__all__ = ["ImageFormat", "new_figure", "to_bytes"]

ImageFormat = Literal["png", "svg"]


def new_figure(width: float, height: float, *, dpi: int = 110) -> Figure:
    """A figure of ``width`` × ``height`` inches, not registered with pyplot.

    Its layout is constrained, so a legend placed ``"outside ..."`` sits beside the
    plots instead of over the data.
    """
    return Figure(figsize=(width, height), dpi=dpi, layout="constrained")


def to_bytes(figure: Figure, image_format: ImageFormat = "png") -> bytes:
    """The figure as PNG or SVG bytes (cropped to what is drawn; no timestamp in SVG)."""
    buffer = io.BytesIO()
    metadata = {"Date": None} if image_format == "svg" else None
    figure.savefig(buffer, format=image_format, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()
