"""Showing advice: a Rich renderable for the terminal and Markdown for reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from mlplan.advise.engine import Advice

__all__ = ["advice_markdown", "advice_rich"]

_HEADINGS = {
    "issue": "Issues",
    "tip": "Tips",
    "muted": "Muted by the plan",
    "passed": "Passed (for reference)",
    "not_applicable": "Not applicable",
}
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
            title=_HEADINGS[outcome],
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
            lines = Text(f"{_HEADINGS[outcome]}:", style=_STYLES[outcome])
            for f in findings:
                lines.append(f"\n  {f.code} {f.title}: ", style=_STYLES[outcome])
                lines.append(f.message, style="dim")
            parts.append(lines)
    if advice.open:
        parts.append(
            Text(
                "accept a proposal with: mlplan advise --accept " + advice.open[0].code,
                style="dim",
            )
        )
    return Group(*parts)


def advice_markdown(advice: Advice, level: int = 2) -> str:
    """The advice as Markdown (a section with one subsection per group)."""
    h = "#" * level
    lines = [f"{h} Advice", "", advice.summary() + ".", ""]
    for outcome in ("issue", "tip", "muted"):
        findings = advice.group(outcome)
        if not findings:
            continue
        lines += [f"{h}# {_HEADINGS[outcome]}", ""]
        for f in findings:
            move = f" → stage **{f.stage}**" if f.stage and f.stage != advice.stage else ""
            lines.append(f"- **{f.code} {f.title}**{move}: {f.message}")
            if f.close_when:
                lines.append(f"  *Closes when:* {f.close_when}.")
        lines.append("")
    for outcome in ("passed", "not_applicable"):
        findings = advice.group(outcome)
        if findings:
            lines += [f"{h}# {_HEADINGS[outcome]}", ""]
            lines += [f"- {f.code} {f.title}: {f.message}" for f in findings]
            lines.append("")
    return "\n".join(lines)
