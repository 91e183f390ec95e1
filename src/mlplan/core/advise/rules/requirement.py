"""Rules on the requirement and the constraints: ADV005, ADV006, ADV007, ADV009, ADV011."""

from __future__ import annotations

import math

from mlplan.core.advise.evidence import metric_direction
from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules._common import fmt, interval_text, pct
from mlplan.records.advice import Finding
from mlplan.records.evaluation import Evaluation
from mlplan.records.evidence import Evidence

__all__ = [
    "ConstraintUnreachable",
    "DummyMeetsRequirement",
    "HumanBelowRequirement",
    "RequirementMet",
    "RequirementMetByPointOnly",
]


def _target(evidence: Evidence) -> tuple[str, float]:
    target = evidence.requirement_target()
    if target is None:
        names = ", ".join(evidence.requirement) or "none"
        raise NotApplicable(
            f"the plan states no requirement on its metric {evidence.metric} "
            f"(baselines.requirement: {names})"
        )
    return target


def _bound(evidence: Evidence, e: Evaluation) -> float | None:
    """The pessimistic end of an evaluation's interval."""
    return e.lo if evidence.higher_is_better else e.hi


class RequirementMet(Rule):
    """The requirement is met by the interval's pessimistic bound: move to deployment."""

    code = "ADV005"
    title = "Requirement met with confidence"
    severity = "tip"
    stage = "deployment"
    close_when = "the project moved to deployment with a regression gate on the champion"

    def check(self, evidence: Evidence) -> Finding:
        name, target = _target(evidence)
        scored = [e for e in evidence.ml if e.value is not None and _bound(evidence, e) is not None]
        if not scored:
            raise NotApplicable("no ML model has an interval of the plan's metric")
        sign = 1.0 if evidence.higher_is_better else -1.0
        best = max(scored, key=lambda e: sign * _bound(evidence, e))  # type: ignore[operator]
        bound = _bound(evidence, best)
        assert bound is not None
        side = "lower" if evidence.higher_is_better else "upper"
        if evidence.beats(bound, target):
            return self.fire(
                f"{best.name} meets the requirement {name} {fmt(target)} with the {side} bound "
                f"of its {pct(evidence.confidence)} interval: {interval_text(best)}. Move to "
                f"deployment and set up the regression gate with {best.name} as the champion "
                "('mlplan gate').",
                subject=best.name,
                champion=best.name,
                requirement=target,
                bound=bound,
            )
        return self.passed(
            f"not met with confidence: the best {side} bound is {best.name}'s {fmt(bound)} "
            f"({interval_text(best)}) against the requirement {name} {fmt(target)}.",
            best=best.name,
            requirement=target,
            bound=bound,
        )


class RequirementMetByPointOnly(Rule):
    """The requirement is met by a point value but not by its interval: not yet."""

    code = "ADV006"
    title = "Requirement met only by the point value"
    severity = "tip"
    stage = "training"
    close_when = (
        "the interval's pessimistic bound meets the requirement (more test rows or a better model)"
    )

    def check(self, evidence: Evidence) -> Finding:
        name, target = _target(evidence)
        scored = [e for e in evidence.ml if e.value is not None]
        if not scored:
            raise NotApplicable("no ML model has a value of the plan's metric")
        meeting = [e for e in scored if evidence.beats(float(e.value), target)]  # type: ignore[arg-type]
        if not meeting:
            best = evidence.best(scored)
            assert best is not None
            return self.passed(
                f"no point value meets the requirement {name} {fmt(target)}; the best is "
                f"{best.name} at {interval_text(best)}.",
                best=best.name,
                requirement=target,
            )
        point_only = [
            e
            for e in meeting
            if _bound(evidence, e) is not None and not evidence.beats(_bound(evidence, e), target)  # type: ignore[arg-type]
        ]
        if len(point_only) < len(meeting) or not point_only:
            return self.passed(
                f"the requirement {name} {fmt(target)} is met with confidence (see ADV005).",
                requirement=target,
            )
        best = evidence.best(point_only)
        assert best is not None and best.value is not None and best.lo is not None
        assert best.hi is not None
        half = (best.hi - best.lo) / 2
        margin = abs(best.value - target)
        rows = (
            math.ceil(evidence.n_test * (half / margin) ** 2)
            if margin > 0 and evidence.n_test
            else None
        )
        more = (
            f" At this margin, about {rows} test rows (now {evidence.n_test}) would narrow the "
            "interval enough, if the point value holds."
            if rows
            else ""
        )
        return self.fire(
            f"{best.name} meets the requirement {name} {fmt(target)} only by its point value: "
            f"{interval_text(best)} still includes values that miss it. Not yet ready for "
            "deployment: improve the model or measure on more test rows." + more,
            subject=best.name,
            best=best.name,
            requirement=target,
            test_rows_needed=rows,
        )


class DummyMeetsRequirement(Rule):
    """The dummy already meets the requirement: the metric is meaningless, change it."""

    code = "ADV007"
    title = "The dummy meets the requirement"
    severity = "issue"
    stage = "planning"
    close_when = "a metric and requirement the dummy does not meet"

    def check(self, evidence: Evidence) -> Finding:
        if not evidence.requirement:
            raise NotApplicable("the plan states no requirement (baselines.requirement)")
        dummy = evidence.dummy
        if dummy is None:
            raise NotApplicable("the ladder did not run the dummy rung")
        met, checked = [], []
        for name, target in evidence.requirement.items():
            if name in (evidence.metric, evidence.optimise) and dummy.value is not None:
                value: float | None = dummy.value
                higher = evidence.higher_is_better
            else:
                value = dummy.metrics.get(name)
                higher = metric_direction(name)
            if value is None:
                continue
            checked.append(f"{name} {fmt(value)} vs {fmt(target)}")
            if (value >= target) if higher else (value <= target):
                met.append((name, value, target))
        if not checked:
            raise NotApplicable("the dummy has no value for any requirement metric")
        if met:
            name, value, target = met[0]
            majority = max(evidence.class_shares.items(), key=lambda kv: kv[1], default=None)
            why = (
                f" It predicts the majority class {majority[0]!r}, {majority[1]:.0%} of the "
                "test rows."
                if majority
                else ""
            )
            return self.fire(
                f"the dummy already meets the requirement: {name} {fmt(value)} against "
                f"{fmt(target)}.{why} The metric cannot tell a useful model from a constant: "
                "back to planning to change it (e.g. recall subject to a precision floor, "
                "balanced accuracy or F1 of the rare class).",
                metric=name,
                dummy=value,
                requirement=target,
            )
        return self.passed(
            "the dummy misses every requirement (" + "; ".join(checked) + ").",
        )


class HumanBelowRequirement(Rule):
    """Declared human performance is below the requirement: re-scope."""

    code = "ADV009"
    title = "Human performance below the requirement"
    severity = "issue"
    stage = "planning"
    close_when = "a requirement that declared human performance meets (or better labels)"

    def check(self, evidence: Evidence) -> Finding:
        if not evidence.human:
            raise NotApplicable("the plan declares no human baseline (baselines.human)")
        if not evidence.requirement:
            raise NotApplicable("the plan states no requirement (baselines.requirement)")
        short, checked = [], []
        for human in evidence.human:
            for name, target in evidence.requirement.items():
                if name not in human.metrics:
                    continue
                value = human.metrics[name]
                higher = (
                    evidence.higher_is_better
                    if name in (evidence.metric, evidence.optimise)
                    else metric_direction(name)
                )
                checked.append(f"{human.name}: {name} {fmt(value)} vs {fmt(target)}")
                if (value < target) if higher else (value > target):
                    short.append((human.name, name, value, target))
        if not checked:
            raise NotApplicable("no human baseline states a requirement metric")
        if short:
            who, name, value, target = short[0]
            return self.fire(
                f"{who} reaches {name} {fmt(value)}, below the requirement {fmt(target)}. "
                "Either the requirement is out of reach or the labels are noisy: back to "
                "planning to re-scope (lower the requirement, narrow the task, or relabel).",
                human=who,
                metric=name,
                value=value,
                requirement=target,
            )
        return self.passed("human performance meets the requirement (" + "; ".join(checked) + ").")


class ConstraintUnreachable(Rule):
    """No ML model can meet the plan's constraints at any threshold."""

    code = "ADV011"
    title = "Constraint unreachable"
    severity = "issue"
    stage = "planning"
    close_when = "an ML model that meets every constraint at some threshold"

    def check(self, evidence: Evidence) -> Finding:
        if not evidence.constraints:
            raise NotApplicable("the plan's metric has no constraint (metric.subject_to)")
        if not evidence.ml:
            raise NotApplicable("no ML model was evaluated")
        unreachable = [e for e in evidence.ml if not e.reachable]
        constraint = " and ".join(evidence.constraints)
        if len(unreachable) == len(evidence.ml):
            notes = "; ".join(f"{e.name}: {e.note}" for e in unreachable if e.note)
            return self.fire(
                f"no ML model meets {constraint} at any threshold"
                + (f" ({notes})" if notes else "")
                + ". Relax the constraint, or change the approach (features, model family).",
                unreachable=[e.name for e in unreachable],
            )
        reachable = [e.name for e in evidence.ml if e.reachable]
        extra = f"; unreachable for {', '.join(e.name for e in unreachable)}" if unreachable else ""
        missed = [e for e in evidence.ml if e.reachable and e.violated]
        if missed:
            extra += "; at the threshold chosen before the test rows, " + "; ".join(
                f"{e.name} misses it on them: " + ", ".join(str(c) for c in e.violated)
                for e in missed
            )
        optimistic = [e.name for e in evidence.ml if e.reachable and e.optimistic]
        if optimistic:
            extra += (
                f"; {', '.join(optimistic)} meet it only at a threshold chosen on the test rows "
                "(optimistic: declare their threshold or give validation predictions)"
            )
        return self.passed(
            f"{constraint} is reachable by {', '.join(reachable)}{extra}.",
            reachable=reachable,
            missed_on_test=[e.name for e in missed],
            optimistic=optimistic,
        )
