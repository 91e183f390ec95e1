"""Running the rules: evidence in, an :class:`Advice` record out, grouped and muted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlplan.advise.evidence import Evidence, build_evidence
from mlplan.advise.rule import Finding, NotApplicable, Rule
from mlplan.advise.rules import RULES
from mlplan.data.dataset import Dataset
from mlplan.data.split import Split
from mlplan.errors import PlanError, closest
from mlplan.plan.load import PlanFile
from mlplan.plan.schema import Stage
from mlplan.project import Project

__all__ = ["Advice", "advise", "advise_run", "judge", "record_advice"]

GROUPS = ("issue", "tip", "muted", "passed", "not_applicable")


@dataclass(frozen=True, kw_only=True)
class Advice:
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

    def to_markdown(self) -> str:
        """The advice as a Markdown section."""
        from mlplan.advise.render import advice_markdown

        return advice_markdown(self)

    def __rich__(self) -> Any:
        from mlplan.advise.render import advice_rich

        return advice_rich(self)


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
        The rules to run (default: all of :data:`mlplan.advise.rules.RULES`).
    """
    muted = set(check_mute(mute, rules))
    findings = []
    for rule in rules:
        try:
            finding = rule.check(evidence)
        except NotApplicable as exc:
            finding = rule.not_applicable(exc.reason)
        if finding.fired and rule.code in muted:
            from dataclasses import replace

            finding = replace(finding, outcome="muted")
        findings.append(finding)
    return Advice(
        project=evidence.project,
        run_id=evidence.run_id,
        stage=evidence.stage,
        metric=evidence.metric,
        findings=tuple(findings),
    )


def record_advice(project: Project, advice: Advice) -> None:
    """Store the advice as an ``advice`` event (what ``mlplan status`` shows)."""
    with project.store.transaction() as tx:
        tx.add_event("advice", {**advice.to_dict(), "summary": advice.summary()})


def advise(plan: str | Path | PlanFile | None = None, *, run_id: int | None = None) -> Advice:
    """Judge a run of the plan (default: the latest) with every advice rule.

    Parameters
    ----------
    plan : str or Path, optional
        The plan file or its folder (default ``./mlplan.yaml``).
    run_id : int, optional
        The run to judge (default: the latest).

    Returns
    -------
    Advice
        Findings grouped as issues, tips, muted, passed and not applicable.

    Examples
    --------
    >>> advice = advise("examples/flights")          # doctest: +SKIP
    >>> [f.code for f in advice.open]                # doctest: +SKIP
    ['ADV004', 'ADV013']
    """
    with Project(plan) as project:
        evidence = build_evidence(project, run_id)
        advice = judge(evidence, mute=_plan_mute(project))
        return advice


def advise_run(
    project: Project,
    run_id: int,
    *,
    dataset: Dataset | None = None,
    split: Split | None = None,
    leakage: Any = None,
    record: bool = True,
) -> Advice:
    """Advice for a run just stored (used at the end of ``mlplan run``).

    Reuses the loaded data and split, judges the ladder's leakage warnings, and
    stores the advice as an ``advice`` event when ``record`` is true.
    """
    evidence = build_evidence(project, run_id, dataset=dataset, split=split, leakage=leakage)
    advice = judge(evidence, mute=_plan_mute(project))
    if record:
        record_advice(project, advice)
    return advice


def _plan_mute(project: Project) -> tuple[str, ...]:
    section = getattr(project.plan_file.plan, "advice", None)
    return tuple(getattr(section, "mute", ()) or ())
