"""The ranked table for the terminal (Rich), built from a :class:`PortfolioResult`."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from mlplan.records.portfolio import DriverScore, PortfolioResult

__all__ = ["rich_report"]

_MARK = {"judged": " ", "modelled": "~", "measured": "✓"}


def _cell(driver: DriverScore) -> str:
    return f"{driver.value:.2f}{_MARK[driver.source]}"


def _share(p: float) -> str:
    if 0 < p < 0.001:
        return "<0.1%"
    if 0.999 < p < 1:
        return ">99.9%"
    return f"{p:.1%}"


def rich_report(result: PortfolioResult) -> Group:
    """The ranked table, a legend and the files written, as one Rich renderable."""
    w = result.weights
    table = Table(
        title=f"{result.name}: {len(result.ideas)} ideas by priority "
        f"({result.n_draws} Monte-Carlo draws, seed {result.seed})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("#", justify="right")
    table.add_column("idea", min_width=14)
    table.add_column("score", justify="right", no_wrap=True)
    for header in ("impact", "data", "acc.", "diff."):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("P(1st)", justify="right", no_wrap=True)
    table.add_column(f"P(top{result.top_k})", justify="right", no_wrap=True)
    for idea in result.ideas:
        table.add_row(
            str(idea.rank),
            idea.name,
            f"{idea.score:.2f}",
            _cell(idea.impact),
            *(_cell(d) for d in idea.drivers),
            _share(idea.p_first),
            _share(idea.p_top_k),
        )
    legend = Text(
        "scores 1 (worst) – 5 (best); score = "
        + " + ".join(f"{w[k]:.2f}×{k}" for k in ("impact", "data", "accuracy", "difficulty"))
        + " (acc.: accuracy requirement, diff.: problem difficulty); ~ from the cost-vs-"
        "accuracy model, ✓ measured in a linked mlplan project; 5–95 % bands in --json "
        "and the one-pagers",
        style="dim",
    )
    parts: list[Table | Text] = [table, legend]
    for idea in result.ideas:
        for note in idea.notes:
            parts.append(Text(f"· {idea.name}: {note}", style="dim"))
    if result.outputs:
        chart = result.outputs.get("chart_png", "")
        pages = sum(1 for key in result.outputs if key.endswith(".md"))
        folder = chart.rsplit("/", 1)[0] if chart else ""
        parts.append(
            Text(
                f"wrote the chart (PNG, SVG), {pages} one-pagers (Markdown, HTML) "
                f"and portfolio.json into {folder}"
            )
        )
    return Group(*parts)
