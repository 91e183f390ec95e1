"""Running the rules: evidence in, an :class:`Advice` record out, grouped and muted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from mlplan.core.advise.consistency import resolve
from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules import RULES
from mlplan.errors import PlanError, closest
from mlplan.records.advice import Advice
from mlplan.records.evidence import Evidence

__all__ = ["check_mute", "judge"]


def check_mute(codes: Sequence[str], rules: Sequence[Rule] = RULES) -> tuple[str, ...]:
    """Validate muted rule codes; unknown codes raise :class:`PlanError`."""
    known = [r.code for r in rules]
    out = []
    for code in codes:
        if code.upper() not in known:
            raise PlanError(
                f"advice.mute: unknown rule code '{code}'{closest(code.upper(), known)}; "
                f"known: {', '.join(known)}"
            )
        out.append(code.upper())
    return tuple(out)


def judge(evidence: Evidence, *, mute: Sequence[str] = (), rules: Sequence[Rule] = RULES) -> Advice:
    """Run every rule on the evidence.

    Parameters
    ----------
    evidence
        What the run measured.
    mute
        Rule codes whose firing is shown as ``muted`` instead of issue/tip.
    rules
        The rules to run (default: all of :data:`mlplan.core.advise.rules.RULES`).

    Muted findings are set aside first; the open ones are then made consistent
    (:func:`~mlplan.core.advise.consistency.resolve`): no model is sent to two
    stages, and a finding about the whole run (leakage, the metric) decides first.
    """
    findings = []
    for rule in rules:
        try:
            finding = rule.check(evidence)
        except NotApplicable as exc:
            finding = rule.not_applicable(exc.reason)
        findings.append(finding)
    advice = Advice(
        project=evidence.project,
        run_id=evidence.run_id,
        stage=evidence.stage,
        metric=evidence.metric,
        findings=tuple(findings),
    ).muted(check_mute(mute, rules))
    return replace(advice, findings=resolve(advice.findings))
