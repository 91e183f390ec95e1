"""Advice records: one finding per rule, and the advice of a run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from mlplan._json import json_ready
from mlplan.records.display import HtmlDisplay
from mlplan.schema.plan import Stage

__all__ = ["GROUPS", "Advice", "Finding", "Outcome", "Severity"]


@dataclass(frozen=True, kw_only=True)
class Finding:
    """What one rule concluded about one run.

    Attributes
    ----------
    code, title, severity
        The rule's identity (``ADV001``, "Worse than a simple baseline", ``issue``).
    outcome
        ``issue`` or ``tip`` when the rule fired (its severity), ``passed``,
        ``not_applicable`` or ``muted`` (fired, but muted by the plan).
    stage
        The lifecycle stage the finding sends the project to (None when it
        proposes no move: passed and not-applicable findings).
    message
        One paragraph with the evidence numbers and the next action.
    close_when
        The evidence that would close this finding.
    numbers
        The evidence numbers behind the message, for JSON consumers.
    subject
        The model or rung whose next stage the finding decides; None when it
        concerns the whole run (leakage, the metric, the requirement). The engine
        sends no subject to two stages (:func:`mlplan.core.advise.engine.judge`).
    """

    code: str
    title: str
    severity: Severity
    outcome: Outcome
    stage: Stage | None
    message: str
    close_when: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)
    subject: str | None = None

    @property
    def fired(self) -> bool:
        """True when the rule's situation is present (issue, tip, or muted)."""
        return self.outcome in ("issue", "tip", "muted")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "code": self.code,
            "title": self.title,
            "severity": self.severity,
            "outcome": self.outcome,
            "stage": self.stage,
            "message": self.message,
            "close_when": self.close_when,
            "numbers": json_ready(self.numbers),
            "subject": self.subject,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


GROUPS = ("issue", "tip", "muted", "passed", "not_applicable")


@dataclass(frozen=True, kw_only=True)
class Advice(HtmlDisplay):
    """What the rules concluded about one run, and the stage moves they propose.

    Attributes
    ----------
    project, run_id, stage, metric
        Which run was judged, at which stage, with which metric.
    findings
        One finding per rule, in code order.
    """

    project: str
    run_id: int | None
    stage: Stage
    metric: str
    findings: tuple[Finding, ...]

    def group(self, outcome: str) -> tuple[Finding, ...]:
        """Findings with this outcome (``issue``, ``tip``, ``muted``, ``passed``, ...)."""
        return tuple(f for f in self.findings if f.outcome == outcome)

    @property
    def issues(self) -> tuple[Finding, ...]:
        """Fired rules of severity ``issue``."""
        return self.group("issue")

    @property
    def tips(self) -> tuple[Finding, ...]:
        """Fired rules of severity ``tip``."""
        return self.group("tip")

    @property
    def open(self) -> tuple[Finding, ...]:
        """Issues then tips: what the team should act on."""
        return self.issues + self.tips

    def finding(self, code: str) -> Finding | None:
        """The finding of rule ``code``."""
        return next((f for f in self.findings if f.code == code.upper()), None)

    @property
    def next_stage(self) -> Stage | None:
        """The stage the first open finding proposes (issues first), if any."""
        return next((f.stage for f in self.open if f.stage is not None), None)

    def muted(self, codes: Iterable[str]) -> Advice:
        """This advice with the fired findings of ``codes`` shown as ``muted``.

        The one place muting happens: for advice just judged and for advice read
        back from the store (the plan's ``advice.mute`` may have changed since).
        """
        mute = {c.upper() for c in codes}
        findings = tuple(
            replace(f, outcome="muted") if f.code in mute and f.outcome in ("issue", "tip") else f
            for f in self.findings
        )
        return replace(self, findings=findings)

    def summary(self) -> str:
        """``"advice for run #3: 2 issues, 1 tip, 7 passed, 3 not applicable"``."""
        counts = {g: len(self.group(g)) for g in GROUPS}
        parts = [
            f"{counts['issue']} issue{'s' * (counts['issue'] != 1)}",
            f"{counts['tip']} tip{'s' * (counts['tip'] != 1)}",
        ]
        if counts["muted"]:
            parts.append(f"{counts['muted']} muted")
        parts += [f"{counts['passed']} passed", f"{counts['not_applicable']} not applicable"]
        return f"advice for run #{self.run_id}: " + ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, findings grouped."""
        return {
            "project": self.project,
            "run_id": self.run_id,
            "stage": self.stage,
            "metric": self.metric,
            "next_stage": self.next_stage,
            "summary": self.summary(),
            "findings": [f.to_dict() for f in self.findings],
            "groups": {g: [f.code for f in self.group(g)] for g in GROUPS},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Advice:
        """Inverse of :meth:`to_dict` (as stored in an ``advice`` event)."""
        return cls(
            project=data["project"],
            run_id=data.get("run_id"),
            stage=data["stage"],
            metric=data["metric"],
            findings=tuple(Finding.from_dict(f) for f in data["findings"]),
        )


Severity = Literal["issue", "tip"]


Outcome = Literal["issue", "tip", "passed", "not_applicable", "muted"]
