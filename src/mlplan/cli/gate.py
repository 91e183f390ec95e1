"""The gate's verdict on the terminal: one row per rule, then why each non-pass did not pass."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mlplan.io.report.gate import (
    MARK,
    change,
    headline,
    interval,
    num,
    p_cell,
    resolution_cell,
    rows_cell,
)
from mlplan.records.gate import GateResult

__all__ = ["rich_report"]

_STYLE = {
    "pass": "green",
    "regression": "bold red",
    "inconclusive": "bold yellow",
    "fail": "bold red",
    "skip": "dim",
}


def rich_report(result: GateResult) -> Group:
    """A Rich renderable: headline, one row per rule, the reasons, the notes."""
    pct = f"{result.confidence:.0%}"
    style = _STYLE[result.outcome] if not result.passed else "green"
    table = Table(title=Text(headline(result), style=style), title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("rule", min_width=26)
    table.add_column("candidate", justify="right", no_wrap=True)
    table.add_column("reference", justify="right", no_wrap=True)
    table.add_column("change", justify="right", no_wrap=True)
    table.add_column(f"{pct} interval", justify="right", no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("resolves", justify="right", no_wrap=True)
    table.add_column("rows for margin", justify="right", no_wrap=True)
    for rule in result.rules:
        better = " (better)" if rule.better and rule.kind != "floor" else ""
        table.add_row(
            Text(MARK[rule.status], style=_STYLE[rule.status]),
            rule.title + better,
            num(rule.candidate),
            num(rule.reference),
            change(rule),
            interval(rule),
            p_cell(rule),
            resolution_cell(rule),
            rows_cell(rule),
        )
    lines: list[Text | Table] = [table]
    for rule in result.rules:
        if rule.status != "pass":
            lines.append(
                Text(f"{MARK[rule.status]} {rule.id}: {rule.message}", style=_STYLE[rule.status])
            )
    for note in result.notes:
        lines.append(Text(f"· {note}", style="dim"))
    return Group(*lines)
