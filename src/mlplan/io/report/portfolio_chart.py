"""The impact × feasibility chart: ideas as points with Monte-Carlo bands, quadrants labelled."""

from __future__ import annotations

import io
from typing import Any, Literal

import matplotlib

from mlplan.io.report.chart_text import literal, plain_text
from mlplan.io.report.figures import new_figure
from mlplan.records.portfolio import PortfolioResult

__all__ = ["QUADRANTS", "portfolio_chart"]

MIDPOINT = 3.0
QUADRANTS = {
    "top right": "high impact, feasible:\ndo first",
    "top left": "high impact, hard:\nde-risk, research first",
    "bottom right": "low impact, feasible:\nquick win if cheap",
    "bottom left": "low impact, hard:\navoid",
}


def portfolio_chart(
    result: PortfolioResult, *, fmt: Literal["png", "svg"] = "png", highlight: str | None = None
) -> bytes:
    """Render the impact × feasibility chart.

    Parameters
    ----------
    result : PortfolioResult
        The ranked portfolio.
    fmt : {"png", "svg"}, default "png"
        Image format.
    highlight : str, optional
        An idea's name: drawn larger, the others faded (its one-pager's chart).

    Returns
    -------
    bytes
        The image. Bars span the 5th–95th percentiles of the Monte-Carlo draws;
        filled markers are ideas with measured inputs. Names are drawn as written.
    """
    with plain_text():
        return _render(result, fmt, highlight)


def _render(result: PortfolioResult, fmt: Literal["png", "svg"], highlight: str | None) -> bytes:
    fig = new_figure(8.0, 6.0)
    ax = fig.subplots()
    ax.set_xlim(1, 5)
    ax.set_ylim(1, 5)
    ax.axvline(MIDPOINT, color="#8c959f", linewidth=0.8)
    ax.axhline(MIDPOINT, color="#8c959f", linewidth=0.8)
    ax.fill_between([MIDPOINT, 5], MIDPOINT, 5, color="#2da44e", alpha=0.07, linewidth=0)
    ax.fill_between([1, MIDPOINT], 1, MIDPOINT, color="#cf222e", alpha=0.05, linewidth=0)
    style: dict[str, Any] = {"fontsize": 8, "color": "#57606a", "style": "italic"}
    ax.text(4.95, 4.95, QUADRANTS["top right"], ha="right", va="top", **style)
    ax.text(1.05, 4.95, QUADRANTS["top left"], ha="left", va="top", **style)
    ax.text(4.95, 1.05, QUADRANTS["bottom right"], ha="right", va="bottom", **style)
    ax.text(1.05, 1.05, QUADRANTS["bottom left"], ha="left", va="bottom", **style)
    colours = matplotlib.colormaps["tab10"]
    for i, idea in enumerate(result.ideas):
        x, y = idea.feasibility, idea.impact.value
        xlo, xhi = idea.feasibility_band
        ylo, yhi = idea.impact_band
        colour = colours(i % 10)
        faded = highlight is not None and idea.name != highlight
        ax.errorbar(
            x,
            y,
            xerr=[[max(x - xlo, 0.0)], [max(xhi - x, 0.0)]],
            yerr=[[max(y - ylo, 0.0)], [max(yhi - y, 0.0)]],
            fmt="o" if idea.is_measured else "s",
            markersize=13 if idea.name == highlight else 9,
            color=colour,
            alpha=0.3 if faded else 1.0,
            markerfacecolor=colour if idea.is_measured else "white",
            markeredgewidth=2,
            capsize=4,
            elinewidth=1.2,
            zorder=3,
        )
        label = f"{idea.rank}. {literal(idea.name)}" + (" (measured)" if idea.is_measured else "")
        right_side = x > 3.6
        ax.annotate(
            label,
            (x, y),
            xytext=(-8, 8) if right_side else (8, 8),
            textcoords="offset points",
            ha="right" if right_side else "left",
            va="bottom",
            zorder=2,
            fontsize=9,
            color=colour,
            fontweight="bold",
            alpha=0.45 if faded else 1.0,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    ax.set_xlabel("feasibility (1 hard – 5 easy): data, accuracy requirement, difficulty")
    ax.set_ylabel("impact (1 – 5)")
    ax.set_title(
        f"{literal(result.name)}: impact × feasibility\n"
        f"bars: 5th–95th percentile of {result.n_draws} draws (seed {result.seed}); "
        "filled: measured",
        fontsize=10,
    )
    ax.grid(alpha=0.2)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
