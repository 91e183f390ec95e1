"""Advice on the terminal: issues and tips in full, the rest one line each."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mlplan.io.report.advice import HEADINGS
from mlplan.records.advice import Advice

__all__ = ["advice_rich"]

_STYLES = {
    "issue": "bold red",
    "tip": "yellow",
    "muted": "dim",
    "passed": "green",
    "not_applicable": "dim",
}


def advice_rich(advice: Advice) -> Any:
    """Issues and tips in full; passed and not-applicable rules as one line each."""
    parts: list[Any] = [Text(advice.summary(), style="bold")]
    for outcome in ("issue", "tip", "muted"):
        findings = advice.group(outcome)
        if not findings:
            continue
        table = Table(
            title=HEADINGS[outcome],
            title_justify="left",
            show_header=False,
            expand=False,
            title_style=_STYLES[outcome],
        )
        table.add_column("code", no_wrap=True, style=_STYLES[outcome])
        table.add_column("advice", overflow="fold")
        for f in findings:
            move = f" → stage [b]{f.stage}[/b]" if f.stage and f.stage != advice.stage else ""
            body = Text.from_markup(f"[b]{f.title}[/b]{move}\n")
            body.append(f.message)
            if f.close_when:
                body.append(f"\ncloses when: {f.close_when}", style="dim")
            table.add_row(f.code, body)
        parts.append(table)
    for outcome in ("passed", "not_applicable"):
        findings = advice.group(outcome)
        if findings:
            lines = Text(f"{HEADINGS[outcome]}:", style=_STYLES[outcome])
            for f in findings:
                lines.append(f"\n  {f.code} {f.title}: ", style=_STYLES[outcome])
                lines.append(f.message, style="dim")
            parts.append(lines)
    # propose a finding that decides its own stage, not one on hold for another
    deciding = [f for f in advice.open if not f.numbers.get("deferred_to")] or list(advice.open)
    if deciding:
        parts.append(
            Text(
                "accept a proposal with: mlplan advise --accept " + deciding[0].code,
                style="dim",
            )
        )
    return Group(*parts)
