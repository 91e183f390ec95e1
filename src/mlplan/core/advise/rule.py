"""The shape of an advice rule: a stable code, a title, a severity, a stage, one check.

A rule looks at the :class:`~mlplan.core.advise.evidence.Evidence` of a run and
either *fires* (its situation is present: the finding is an issue or a tip), or
*passes* (the situation is absent; the message still shows the numbers for
reference), or raises :class:`NotApplicable` saying why it cannot judge
(no requirement in the plan, no scripted baseline, ...).
"""

from __future__ import annotations

from typing import Any, ClassVar

from mlplan.records.advice import Finding, Severity
from mlplan.records.evidence import Evidence
from mlplan.schema.plan import Stage

__all__ = ["Finding", "NotApplicable", "Rule", "Severity"]


class NotApplicable(Exception):
    """Raised by :meth:`Rule.check` when the rule cannot judge this evidence.

    Parameters
    ----------
    reason : str
        One line saying what is missing (shown in the "not applicable" group).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Rule:
    """Base class of advice rules.

    Subclasses set the class attributes and implement :meth:`check`, returning
    ``self.fire(...)`` or ``self.passed(...)``, or raising :class:`NotApplicable`.

    Attributes
    ----------
    code : str
        Stable identifier, ``ADV`` and three digits; never reused.
    title : str
        A few words naming the situation.
    severity : {"issue", "tip"}
        ``issue``: something is wrong; ``tip``: a next step.
    stage : {"planning", "data", "training", "deployment"}
        The stage the project should move to when the rule fires (a finding may
        name another stage when the evidence decides, e.g. more data vs tuning).
    close_when : str
        The evidence that would close the finding.
    """

    code: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    stage: ClassVar[Stage]
    close_when: ClassVar[str] = ""

    def check(self, evidence: Evidence) -> Finding:
        """Judge the evidence; raise :class:`NotApplicable` when the rule cannot."""
        raise NotImplementedError

    def fire(
        self,
        message: str,
        *,
        stage: Stage | None = None,
        subject: str | None = None,
        **numbers: Any,
    ) -> Finding:
        """The finding when the rule's situation is present.

        ``subject`` names the model or rung whose next stage it decides (None: the
        whole run).
        """
        return Finding(
            code=self.code,
            title=self.title,
            severity=self.severity,
            outcome=self.severity,
            stage=stage or self.stage,
            message=message,
            close_when=self.close_when,
            numbers=numbers,
            subject=subject,
        )

    def passed(self, message: str, **numbers: Any) -> Finding:
        """The finding when the situation is absent (the message keeps the numbers)."""
        return Finding(
            code=self.code,
            title=self.title,
            severity=self.severity,
            outcome="passed",
            stage=None,
            message=message,
            close_when=self.close_when,
            numbers=numbers,
        )

    def not_applicable(self, reason: str) -> Finding:
        """The finding when :meth:`check` raised :class:`NotApplicable`."""
        return Finding(
            code=self.code,
            title=self.title,
            severity=self.severity,
            outcome="not_applicable",
            stage=None,
            message=reason,
            close_when=self.close_when,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}: {self.title}>"
