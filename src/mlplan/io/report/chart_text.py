"""Text in charts is shown as written: no math-text, no LaTeX, bounded length.

Matplotlib reads text between two ``$`` as math (``$x^2$``), so a model called
``model $1 $2`` would be typeset, and a single ``$`` in an odd place makes the
math parser raise; with ``text.usetex`` in a user's matplotlibrc, ``_`` or ``%``
in a name break LaTeX. :func:`literal` escapes every ``$`` (matplotlib then shows
it as a dollar sign) and shortens very long names; :func:`plain_text` renders with
``usetex`` off whatever the user's settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

__all__ = ["MAX_LABEL", "literal", "plain_text"]

#: Longest label drawn; longer names end in "…" (the reports' tables show them whole).
MAX_LABEL = 60


def literal(text: object, limit: int = MAX_LABEL) -> str:
    """``text`` as a label matplotlib draws literally.

    Examples
    --------
    >>> literal("price in $ (v2)")
    'price in \\\\$ (v2)'
    """
    shown = str(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown.replace("$", r"\$")


@contextmanager
def plain_text() -> Iterator[None]:
    """Render with matplotlib's own text engine (``text.usetex`` off) inside the block."""
    with matplotlib.rc_context({"text.usetex": False}):
        yield
