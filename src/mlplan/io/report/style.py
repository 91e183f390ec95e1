"""One visual language for every chart: colours by role, legends outside the data.

Roles keep their colour across charts and pages: the ladder's trained rungs are
blue, models trained elsewhere orange, declared references (requirement,
published, human) and scripted rules are grey-green lines, never model rows.
The HTML templates use the same colours (``report.css``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "GRID",
    "INK",
    "MUTED",
    "REFERENCE_STYLE",
    "STATUS_COLOURS",
    "colours",
    "legend_below",
]

INK = "#1f2328"
MUTED = "#59636e"
GRID = "#d1d9e0"
#: Shades per role: the first is the role's own colour, the rest tell models apart.
_SHADES = {
    "rung": ("#0969da", "#54aeff", "#0a3069", "#218bff", "#80ccff"),
    "model": ("#d4570e", "#fb8f44", "#953800", "#e16f24", "#ffb77c"),
    "champion": ("#8250df",),
}
#: Reference lines: (colour, line style) per kind of declared reference.
REFERENCE_STYLE = {
    "requirement": ("#1a7f37", "--"),
    "published": ("#6639ba", ":"),
    "human": ("#9a6700", "-."),
    "scripted": ("#57606a", (0, (5, 2, 1, 2))),
    "declared": ("#57606a", ":"),
}
STATUS_COLOURS = {
    "pass": "#1a7f37",
    "regression": "#cf222e",
    "fail": "#82071e",
    "inconclusive": "#9a6700",
    "skip": "#8c959f",
}


def colours(role: str) -> Iterator[str]:
    """An endless cycle of the role's shades (``rung``, ``model``; others get rung shades)."""
    shades = _SHADES.get(role, _SHADES["rung"])
    while True:
        yield from shades


def legend_below(figure: Figure, *axes: Axes, columns: int = 3) -> None:
    """One legend for ``axes`` under the figure, outside every plot (labels shown once).

    Needs a figure with constrained layout (:func:`~mlplan.io.report.figures.new_figure`).
    """
    handles: list[Any] = []
    labels: list[str] = []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels and not label.startswith("_"):
                handles.append(handle)
                labels.append(label)
    if handles:
        figure.legend(
            handles,
            labels,
            loc="outside lower center",
            ncol=max(1, min(columns, len(handles))),
            frameon=False,
            fontsize=8,
        )
