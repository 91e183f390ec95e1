"""The gate's verdict on the terminal: one row per rule."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mlplan.io.report.gate import MARK, change, headline, interval, num
from mlplan.records.gate import GateResult

__all__ = ["rich_report"]

_STYLE = {"pass": "green", "fail": "bold red", "skip": "dim"}


def rich_report(result: GateResult) -> Group:
    """A Rich renderable: headline, one row per rule, then why each failure failed."""
    pct = f"{result.confidence:.0%}"
    table = Table(title=headline(result), title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("rule")
    table.add_column("candidate", justify="right", no_wrap=True)
    table.add_column("reference", justify="right", no_wrap=True)
    table.add_column("change", justify="right", no_wrap=True)
    table.add_column(f"{pct} interval", justify="right", no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("decided by")
    for rule in result.rules:
        better = " (better)" if rule.better and rule.kind == "non_inferiority" else ""
        table.add_row(
            Text(MARK[rule.status], style=_STYLE[rule.status]),
            rule.title + better,
            num(rule.candidate),
            num(rule.reference),
            change(rule),
            interval(rule),
            "–" if rule.p_value is None else f"{rule.p_value:.3g}",
            rule.decided_by or "–",
        )
    lines: list[Text | Table] = [table]
    for rule in result.rules:
        if rule.status != "pass":
            style = _STYLE[rule.status]
            lines.append(Text(f"{MARK[rule.status]} {rule.id}: {rule.message}", style=style))
    for note in result.notes:
        lines.append(Text(f"· {note}", style="dim"))
    return Group(*lines)
