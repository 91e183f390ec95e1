"""Showing advice: a Rich renderable for the terminal and Markdown for reports."""

from __future__ import annotations

from mlplan.records.advice import Advice

__all__ = ["advice_markdown"]

HEADINGS = {
    "issue": "Issues",
    "tip": "Tips",
    "muted": "Muted by the plan",
    "passed": "Passed (for reference)",
    "not_applicable": "Not applicable",
}


def advice_markdown(advice: Advice, level: int = 2) -> str:
    """The advice as Markdown (a section with one subsection per group)."""
    h = "#" * level
    lines = [f"{h} Advice", "", advice.summary() + ".", ""]
    for outcome in ("issue", "tip", "muted"):
        findings = advice.group(outcome)
        if not findings:
            continue
        lines += [f"{h}# {HEADINGS[outcome]}", ""]
        for f in findings:
            move = f" → stage **{f.stage}**" if f.stage and f.stage != advice.stage else ""
            lines.append(f"- **{f.code} {f.title}**{move}: {f.message}")
            if f.close_when:
                lines.append(f"  *Closes when:* {f.close_when}.")
        lines.append("")
    for outcome in ("passed", "not_applicable"):
        findings = advice.group(outcome)
        if findings:
            lines += [f"{h}# {HEADINGS[outcome]}", ""]
            lines += [f"- {f.code} {f.title}: {f.message}" for f in findings]
            lines.append("")
    return "\n".join(lines)
