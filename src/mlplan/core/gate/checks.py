"""The gate's checks on the candidate alone: test-set integrity, constraints and floors.

``test_set``
    The test ids and labels are those the champion was accepted on (``fail`` otherwise).
``constraint.<m>``
    The policy's constraints hold at the candidate's operating point; a miss is a
    ``regression`` when the whole bootstrap interval misses, else ``inconclusive``.
``floor.<m>``
    The candidate's value meets the floor (a ceiling for lower-is-better metrics).
    With ``floors_on: estimate`` the point estimate decides (pass or regression);
    with ``lower_bound`` the interval does: its near bound clearing the floor
    passes, its far bound missing it is a regression, straddling it is inconclusive.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.gate.paired import (
    POLICY_KEY,
    gate_direction,
    gate_metric_name,
    gate_table,
    model_at,
)
from mlplan.core.gate.points import Point
from mlplan.core.gate.rules import failed_to_compute, fmt
from mlplan.core.metrics import MetricPolicy, standard_metrics
from mlplan.core.metrics.constraints import Constraint
from mlplan.core.metrics.definitions import COST_METRICS, THRESHOLD_FREE
from mlplan.errors import MetricError
from mlplan.records.gate import Contender, RuleResult, RuleStatus, TestSetCheck
from mlplan.records.paired import PairedModel
from mlplan.schema.plan import GateSection

__all__ = ["constraint_rule", "constraint_rules", "floor_rule", "test_set_rule"]


def test_set_rule(check: TestSetCheck) -> RuleResult:
    """Pass when the test fingerprint matches the reference (or none exists yet)."""
    base: dict[str, Any] = {
        "id": "test_set",
        "kind": "test_set",
        "title": "test ids + labels unchanged",
        "decided_by": "fingerprint of test ids + labels",
    }
    if check.reference is None:
        message = f"no reference test set yet; fingerprint {check.current} recorded"
    elif check.reference == check.current:
        message = f"same test set as {check.reference_source} ({check.current})"
    elif check.accepted:
        message = (
            f"test set changed ({check.reference} -> {check.current}) and was accepted "
            "with --accept-new-test-set; the decision is stored"
        )
    else:
        return RuleResult(
            status="fail",
            **base,
            message=f"the test set changed since {check.reference_source} was accepted "
            f"(fingerprint {check.reference} -> {check.current}): comparisons with the "
            "champion are no longer valid; rerun with --accept-new-test-set to accept the "
            "new test set",
        )
    return RuleResult(status="pass", **base, message=message)


def _where(point: Point) -> str:
    return "at the operating point" + (
        f" {point.threshold:.4g}" if point.threshold is not None else ""
    )


def value_at(
    name: str, y: NDArray[Any], labels: NDArray[Any], cand: Contender, policy: MetricPolicy
) -> float:
    """The candidate's value of one metric at its operating point (no interval)."""
    if name in COST_METRICS:
        if name not in cand.costs:
            raise MetricError(
                f"{name} of the candidate was not given (pass costs={{{name!r}: ...}})"
            )
        return float(cand.costs[name])
    if name in THRESHOLD_FREE:
        if cand.score is None:
            raise MetricError(f"{name} needs scores; the candidate has labels only")
        m = standard_metrics(
            policy.task, y, y_pred=cand.pred, y_score=cand.score, averaging=policy.averaging
        )
        if name not in m:
            raise MetricError(f"{name} is undefined on these rows")
        return float(m[name])
    model = PairedModel(name=cand.name, pred=labels, costs=cand.costs)
    (found,) = gate_table(
        y, model, model, [name], policy=policy, section=GateSection(), n_resamples=0
    )
    if found.error:
        raise MetricError(found.error)
    return found.value_b


def constraint_rules(
    policy: MetricPolicy,
    point: Point,
    y: NDArray[Any],
    cand: Contender,
    section: GateSection | None = None,
) -> list[RuleResult]:
    """One rule per constraint of the policy, checked at the candidate's operating point.

    A constraint measured on the test rows is an estimate like any other: it passes
    when its value holds, is a regression when its whole bootstrap interval misses
    the bound, and is inconclusive when only the point misses (within noise).
    """
    section = section or GateSection()
    rules: list[RuleResult] = []
    where = _where(point)
    for con in policy.constraints:
        rule_id, title = f"constraint.{con.name}", f"{con} {where}"
        lo = hi = None
        try:
            if not point.reachable:
                raise MetricError(f"no threshold meets the constraints ({point.note})")
            value = value_at(con.name, y, point.labels, cand, policy)
            if not np.isfinite(value):
                raise MetricError(f"{con.name} is undefined")
            if not con.holds(value) and con.name not in COST_METRICS:
                lo, hi = _interval(con.name, y, point.labels, cand, policy, section)
        except MetricError as exc:
            rules.append(failed_to_compute(rule_id, "constraint", title, str(exc), metric=con.name))
            continue
        rules.append(constraint_rule(con, value, lo, hi, where, section.confidence))
    return rules


def constraint_rule(
    con: Constraint,
    value: float,
    lo: float | None,
    hi: float | None,
    where: str,
    confidence: float,
) -> RuleResult:
    """The verdict on one constraint from its value and, when it misses, its interval.

    Met by the value: pass.  Missed with no interval (a cost measured once):
    regression.  Missed by the whole interval: regression; by the point only:
    inconclusive (within noise).  The in-memory and the out-of-core gate share it.
    """
    pct = f"{confidence:.0%}"
    status: RuleStatus
    shown, why = f"{con.name} = {value:.4f}", ""
    if con.holds(value):
        status, verb, decided = "pass", "meets", "point estimate"
    elif lo is None or hi is None:
        status, verb, decided = "regression", "violates", "point estimate"
    else:
        best = hi if con.wants_high else lo  # the interval's end nearest to holding
        status = "inconclusive" if con.holds(best) else "regression"
        decided = f"{pct} bootstrap interval"
        shown += f" [{fmt(lo)}, {fmt(hi)}]"
        verb = "misses" if status == "inconclusive" else "violates"
        why = (
            f": by its point value only, the {pct} interval reaches the bound (within noise)"
            if status == "inconclusive"
            else f": the whole {pct} interval misses"
        )
    return RuleResult(
        id=f"constraint.{con.name}",
        kind="constraint",
        title=f"{con} {where}",
        status=status,
        metric=con.name,
        candidate=value,
        reference=con.bound,
        lo=lo,
        hi=hi,
        decided_by=decided,
        message=f"{shown} {verb} {con} {where}{why}",
    )


def _interval(
    name: str,
    y: NDArray[Any],
    labels: NDArray[Any],
    cand: Contender,
    policy: MetricPolicy,
    section: GateSection,
) -> tuple[float | None, float | None]:
    """The bootstrap interval of one metric of the candidate at its operating point."""
    model = model_at(cand.name, labels, cand.score, cand.costs, [name], policy)
    (own,) = gate_table(y, model, model, [name], policy=policy, section=section)
    if own.error:
        return None, None
    return own.candidate_lo, own.candidate_hi


def floor_rule(
    key: str,
    floor: float,
    y: NDArray[Any],
    cand: Contender,
    pt: Point,
    policy: MetricPolicy,
    section: GateSection,
) -> RuleResult:
    """The candidate's value against a floor (a ceiling for lower-is-better metrics)."""
    label = policy.name if key == POLICY_KEY else key
    rule_id = f"floor.{key}"
    try:
        higher = gate_direction(key, policy)
    except MetricError as exc:
        return failed_to_compute(
            rule_id, "floor", f"{label} floor {floor:g}", str(exc), metric=label
        )
    op = ">=" if higher else "<="
    title = f"{label} {op} {floor:g}"
    lo = hi = None
    try:
        if key in COST_METRICS:
            value = value_at(key, y, pt.labels, cand, policy)
        elif policy.task == "binary" and gate_metric_name(key, policy) == "roc_auc":
            value = value_at("roc_auc", y, pt.labels, cand, policy)
        else:
            if key == POLICY_KEY and not pt.reachable:
                raise MetricError(f"the candidate cannot meet the plan's constraints ({pt.note})")
            model = model_at(cand.name, pt.labels, cand.score, cand.costs, [key], policy)
            (own,) = gate_table(y, model, model, [key], policy=policy, section=section)
            if own.error:
                raise MetricError(own.error)
            value, lo, hi = own.value_b, own.candidate_lo, own.candidate_hi
        if not np.isfinite(value):
            raise MetricError(f"{label} is undefined here")
    except MetricError as exc:
        return failed_to_compute(rule_id, "floor", title, str(exc), metric=label)
    pct = f"{section.confidence:.0%}"
    status: RuleStatus
    if section.floors_on == "lower_bound":
        if lo is None or hi is None:
            return failed_to_compute(
                rule_id, "floor", title, f"no interval for {label}", metric=label
            )
        near, far = (lo, hi) if higher else (hi, lo)
        meets = near >= floor if higher else near <= floor
        misses = far < floor if higher else far > floor
        status = "pass" if meets else ("regression" if misses else "inconclusive")
        side = "lower" if higher else "upper"
        decided = f"{side} bound of the {pct} bootstrap interval"
        verdict = {
            "pass": f"pass: the {side} bound {fmt(near)} meets {op} {floor:g}",
            "regression": f"regression: the whole interval misses {op} {floor:g}",
            "inconclusive": f"inconclusive: the interval straddles the floor {floor:g}; "
            "more test rows would narrow it",
        }[status]
    else:
        ok = value >= floor if higher else value <= floor
        status = "pass" if ok else "regression"
        decided = "point estimate"
        verdict = f"{'pass: meets' if ok else 'regression: misses'} {op} {floor:g}"
    ci = f", {pct} interval [{fmt(lo)}, {fmt(hi)}]" if lo is not None and hi is not None else ""
    return RuleResult(
        id=rule_id,
        kind="floor",
        title=title,
        status=status,
        metric=label,
        candidate=value,
        reference=floor,
        difference=value - floor if higher else floor - value,
        lo=lo,
        hi=hi,
        decided_by=decided,
        message=f"{label} = {fmt(value)}{ci}; {verdict}",
    )
