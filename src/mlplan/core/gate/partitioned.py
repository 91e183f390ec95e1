"""The gate on a prediction set read in parts: the rules it can decide on its own rows.

A partitioned set carries its own truth and is not row-aligned with the
champion's or the baselines' stored predictions, so the paired rules
(non-inferiority, must_beat) are skipped, saying why; the constraints at the
operating point and the floors (with count-bootstrap intervals at that point)
are judged exactly as on the frozen test rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mlplan.core.gate.checks import constraint_rule
from mlplan.core.gate.paired import POLICY_KEY, gate_direction
from mlplan.core.gate.rules import failed_to_compute
from mlplan.core.metrics.bootstrap import interval, multinomial_replicates
from mlplan.core.metrics.definitions import COST_METRICS
from mlplan.core.metrics.objective import count_function
from mlplan.core.metrics.outofcore import OutOfCoreResult
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.errors import MetricError
from mlplan.records.evaluation import OPTIMISTIC
from mlplan.records.gate import GateResult, RuleResult, RuleStatus
from mlplan.schema.plan import GateSection

__all__ = ["PAIRED_SKIP", "partitioned_gate"]

PAIRED_SKIP = (
    "a partitioned prediction set has its own rows; comparing with {who} needs both "
    "models' predictions on the same rows"
)


def partitioned_gate(
    name: str,
    found: OutOfCoreResult,
    policy: MetricPolicy,
    section: GateSection,
    *,
    floors: Mapping[str, float],
    costs: Mapping[str, float],
) -> GateResult:
    """Judge the constraints and floors of a set scored out of core."""
    result = found.result
    where = f"at the operating point {result.threshold:.4g}" if result.threshold else "at 0.5"
    rules: list[RuleResult] = []
    env = {**result.metrics, **{k: float(v) for k, v in costs.items()}}
    for con in policy.constraints:
        rule_id, title = f"constraint.{con.name}", f"{con} {where}"
        if not result.reachable or con.name not in env:
            reason = result.note or f"{con.name} was not given"
            rules.append(failed_to_compute(rule_id, "constraint", title, reason, metric=con.name))
            continue
        value = env[con.name]
        lo, hi = (
            (None, None) if con.holds(value) else _count_interval(con.name, found, policy, section)
        )
        rules.append(constraint_rule(con, value, lo, hi, where, section.confidence))
    for key, margin in section.non_inferiority.items():
        label = policy.name if key == POLICY_KEY else key
        rules.append(
            _skip(
                f"non_inferiority.{key}",
                "non_inferiority",
                f"{label}: vs champion >= -{margin}",
                "the champion",
            )
        )
    for key, floor in floors.items():
        rules.append(_floor(key, floor, found, policy, section, env))
    for base in section.must_beat or []:
        rules.append(
            _skip(f"must_beat.{base}", "must_beat", f"{policy.name}: better than {base}", base)
        )
    return GateResult(
        candidate=name,
        champion=None,
        metric=policy.name,
        threshold=result.threshold,
        n_test=found.n_rows,
        test_fingerprint=None,
        confidence=section.confidence,
        resamples=section.resamples,
        rules=tuple(rules),
        # the threshold is chosen on the very rows it is judged on
        threshold_source=OPTIMISTIC if result.threshold is not None else None,
        power=section.power,
        on_inconclusive=section.on_inconclusive,
        notes=(f"scored out of core: {found.n_rows} rows in {found.n_parts} parts",),
    )


def _skip(rule_id: str, kind: str, title: str, who: str) -> RuleResult:
    return RuleResult(
        id=rule_id,
        kind=kind,  # type: ignore[arg-type]
        title=title,
        status="skip",
        message=PAIRED_SKIP.format(who=who),
    )


def _count_interval(
    key: str, found: OutOfCoreResult, policy: MetricPolicy, section: GateSection
) -> tuple[float | None, float | None]:
    """The count-bootstrap interval of one confusion metric (none for costs or no counts)."""
    if key in COST_METRICS or found.counts is None:
        return None, None
    value = found.result.metrics.get(key)
    if value is None:
        return None, None
    f = count_function(key, beta=policy.beta)
    draws = multinomial_replicates(
        found.counts.as_array(), section.resamples, np.random.default_rng(section.seed)
    ).astype(np.float64)
    reps = f(draws[:, 0], draws[:, 1], draws[:, 2], draws[:, 3])
    return interval(reps, float(value), section.confidence)


def _floor(
    key: str,
    floor: float,
    found: OutOfCoreResult,
    policy: MetricPolicy,
    section: GateSection,
    env: Mapping[str, float],
) -> RuleResult:
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
    result = found.result
    if key == POLICY_KEY:
        value, lo, hi = result.value, result.lo, result.hi
    elif key in env and found.counts is not None:
        value = env[key]
        lo, hi = _count_interval(key, found, policy, section)
    else:
        return failed_to_compute(
            rule_id, "floor", title, f"{label} is not computed out of core", metric=label
        )
    if value is None or not np.isfinite(value):
        reason = result.note or f"{label} is undefined here"
        return failed_to_compute(rule_id, "floor", title, reason, metric=label)
    on_bound = section.floors_on == "lower_bound"
    if on_bound and (lo is None or hi is None):
        return failed_to_compute(rule_id, "floor", title, f"no interval for {label}", metric=label)
    judged = (lo if higher else hi) if on_bound else value
    assert judged is not None
    ok = judged >= floor if higher else judged <= floor
    far = (hi if higher else lo) if on_bound else value
    assert far is not None
    misses = far < floor if higher else far > floor
    status: RuleStatus = "pass" if ok else ("regression" if misses else "inconclusive")
    ci = (
        f", {section.confidence:.0%} interval [{lo:.4f}, {hi:.4f}]"
        if lo is not None and hi is not None
        else ""
    )
    decided = "bound of the interval" if on_bound else "point estimate"
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
        message=f"{label} = {value:.4f}{ci}; {decided} {judged:.4f} {'meets' if ok else 'misses'} {op} {floor:g}",
    )
