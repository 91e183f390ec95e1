"""Run the gate's rules on arrays: candidate vs champion and baselines on the same test rows.

:func:`evaluate_gate` is pure (no files, no store): it takes the truth of the
frozen test rows, the candidate, the champion and the baseline rungs as
:class:`Contender` records, the plan's metric policy and ``gate:`` section, and
returns a :class:`GateResult`.  Each opponent costs one counting pass over the
rows plus ``resamples`` small multinomial draws shared by every metric
(:func:`mlplan.core.metrics.paired_table` through :mod:`mlplan.core.gate.paired`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.gate.paired import (
    POLICY_KEY,
    gate_direction,
    gate_metric_name,
    gate_table,
)
from mlplan.core.gate.rules import failed_to_compute, judge_must_beat, judge_non_inferiority
from mlplan.core.metrics import MetricPolicy, operating_point, standard_metrics
from mlplan.core.metrics.definitions import COST_METRICS, THRESHOLD_FREE
from mlplan.errors import MetricError
from mlplan.records.gate import Contender, GateResult, RuleResult, TestSetCheck
from mlplan.records.paired import PairedModel, PairedResult
from mlplan.schema.plan import GateSection

__all__ = ["Contender", "GateResult", "TestSetCheck", "evaluate_gate"]


@dataclass(frozen=True)
class _Point:
    threshold: float | None
    labels: NDArray[Any]
    reachable: bool
    note: str = ""


def _point(c: Contender, y: NDArray[Any], policy: MetricPolicy) -> _Point:
    """The contender's labels at its operating point."""
    if policy.task != "binary" or c.score is None:
        return _Point(None, np.asarray(c.pred), True)
    score = np.asarray(c.score)
    threshold = c.threshold
    reachable, note = True, ""
    if threshold is None:
        threshold = 0.5
        if (
            policy.kind == "constrained"
            and policy.optimise not in THRESHOLD_FREE
            and not any(k.name in THRESHOLD_FREE for k in policy.constraints)
        ):
            op = operating_point(
                y,
                score,
                policy.optimise or "recall",
                {k.name: f"{k.op} {k.bound!r}" for k in policy.constraints},
                costs=c.costs or None,
                beta=policy.beta,
            )
            if op.reachable:
                threshold = float(op.threshold)
            else:
                reachable, note = False, op.note
    return _Point(float(threshold), score >= threshold, reachable, note)


class _OpponentUnreachable(MetricError):
    """The opponent cannot meet the policy's constraints while the candidate can."""

    def __init__(self, name: str, note: str) -> None:
        super().__init__(f"{name} cannot meet the plan's constraints ({note})")
        self.name = name

    def rule(self, rule_id: str, kind: Any, title: str, cand: _Point) -> RuleResult:
        at = f" at threshold {cand.threshold:.4g}" if cand.threshold is not None else ""
        return RuleResult(
            id=rule_id,
            kind=kind,
            title=title,
            status="pass",
            against=self.name,
            better=True,
            decided_by="constraints: only the candidate meets them",
            message=f"{self}; the candidate meets them{at}",
        )


def _model(c: Contender, pt: _Point, keys: Sequence[str], policy: MetricPolicy) -> PairedModel:
    """What the engine's paired table sees of a contender: labels at its point, scores if used."""
    names = [gate_metric_name(k, policy) for k in keys]
    reads = set(policy.names) if None in names else set()
    needs_scores = bool((reads | set(names)) & THRESHOLD_FREE)
    return PairedModel(
        name=c.name, pred=pt.labels, score=c.score if needs_scores else None, costs=c.costs
    )


def _skip(rule_id: str, kind: Any, title: str, reason: str, **kw: Any) -> RuleResult:
    return RuleResult(id=rule_id, kind=kind, title=title, status="skip", message=reason, **kw)


def _test_set_rule(check: TestSetCheck) -> RuleResult:
    title = "test ids and labels unchanged"
    base: dict[str, Any] = {
        "id": "test_set",
        "kind": "test_set",
        "title": title,
        "decided_by": "fingerprint of test ids + labels",
    }
    if check.reference is None:
        return RuleResult(
            status="pass",
            **base,
            message=f"no reference test set yet; fingerprint {check.current} recorded",
        )
    if check.reference == check.current:
        return RuleResult(
            status="pass",
            **base,
            message=f"same test set as {check.reference_source} ({check.current})",
        )
    if check.accepted:
        return RuleResult(
            status="pass",
            **base,
            message=f"test set changed ({check.reference} -> {check.current}) and was accepted "
            "with --accept-new-test-set; the decision is stored",
        )
    return RuleResult(
        status="fail",
        **base,
        message=f"the test set changed since {check.reference_source} was accepted "
        f"(fingerprint {check.reference} -> {check.current}): comparisons with the champion are "
        "no longer valid; rerun with --accept-new-test-set to accept the new test set",
    )


def _constraint_rules(
    policy: MetricPolicy, point: _Point, y: NDArray[Any], cand: Contender
) -> list[RuleResult]:
    rules: list[RuleResult] = []
    where = "at the operating point" + (
        f" {point.threshold:.4g}" if point.threshold is not None else ""
    )
    for con in policy.constraints:
        rule_id, title = f"constraint.{con.name}", f"{con} {where}"
        if not point.reachable:
            rules.append(
                failed_to_compute(
                    rule_id,
                    "constraint",
                    title,
                    f"no threshold meets the constraints ({point.note})",
                    metric=con.name,
                )
            )
            continue
        try:
            value = _value_at(con.name, y, point.labels, cand, policy)
        except MetricError as exc:
            rules.append(failed_to_compute(rule_id, "constraint", title, str(exc), metric=con.name))
            continue
        if not np.isfinite(value):
            rules.append(
                failed_to_compute(
                    rule_id, "constraint", title, f"{con.name} is undefined", metric=con.name
                )
            )
            continue
        ok = bool(con.holds(value))
        rules.append(
            RuleResult(
                id=rule_id,
                kind="constraint",
                title=title,
                status="pass" if ok else "fail",
                metric=con.name,
                candidate=value,
                reference=con.bound,
                decided_by="point estimate",
                message=f"{con.name} = {value:.4f} {'meets' if ok else 'violates'} {con} {where}",
            )
        )
    return rules


def _value_at(
    name: str, y: NDArray[Any], labels: NDArray[Any], cand: Contender, policy: MetricPolicy
) -> float:
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


def evaluate_gate(
    y_true: NDArray[Any],
    candidate: Contender,
    *,
    policy: MetricPolicy,
    section: GateSection,
    champion: Contender | None = None,
    champion_note: str = "no champion yet: promote one with 'mlplan gate --accept'",
    baselines: Sequence[Contender] = (),
    must_beat: Sequence[str] | None = None,
    floors: Mapping[str, float] | None = None,
    test_set: TestSetCheck | None = None,
    n_classes: int | None = None,
    baseline_note: str = "",
) -> GateResult:
    """Judge the candidate with the plan's rules.

    Parameters
    ----------
    y_true : ndarray
        Truth of the frozen test rows (0/1 or class codes), in test-id order.
    candidate : Contender
    policy : MetricPolicy
        The plan's metric policy.
    section : GateSection
        Margins, floors, must_beat, confidence, resamples and seed.
    champion : Contender, optional
        The model to stay non-inferior to; without one the non-inferiority rules
        are skipped with ``champion_note``.
    baselines : sequence of Contender
        Ladder rungs' predictions on the same rows.
    must_beat : sequence of str, optional
        Baselines the candidate must beat; default every baseline given.  A name
        without predictions fails (with ``baseline_note`` as the reason when given).
    floors : mapping, optional
        Metric -> floor (a ceiling for lower-is-better metrics).
    test_set : TestSetCheck, optional
        Fingerprints of the test set now and at the champion's acceptance.
    n_classes : int, optional
        Number of classes (multiclass).

    Returns
    -------
    GateResult
    """
    y = np.asarray(y_true)
    conf, b = section.confidence, section.resamples
    rules: list[RuleResult] = []
    notes: list[str] = []
    if test_set is not None:
        rules.append(_test_set_rule(test_set))
    cand_pt = _point(candidate, y, policy)
    constraint_rules = _constraint_rules(policy, cand_pt, y, candidate)
    rules.extend(constraint_rules)
    if cand_pt.reachable and any(r.failed for r in constraint_rules):
        failing = "; ".join(r.message for r in constraint_rules if r.failed)
        cand_pt = replace(cand_pt, reachable=False, note=failing)
    if not cand_pt.reachable:
        notes.append(f"the candidate cannot meet the plan's constraints: {cand_pt.note}")

    delong_policy = policy.task == "binary" and gate_metric_name(POLICY_KEY, policy) == "roc_auc"

    def comparisons(other: Contender, pt: _Point, keys: list[str]) -> dict[str, PairedResult | str]:
        results = gate_table(
            y,
            _model(candidate, cand_pt, keys, policy),
            _model(other, pt, keys, policy),
            keys,
            policy=policy,
            section=section,
            n_classes=n_classes,
        )
        return {k: r.error or r for k, r in zip(keys, results, strict=True)}

    def judged(key: str, found: PairedResult | str, other: Contender, pt: _Point) -> PairedResult:
        if key == POLICY_KEY and not delong_policy:
            if not cand_pt.reachable:
                raise MetricError(f"{candidate.name} cannot meet the plan's constraints")
            if not pt.reachable:
                raise _OpponentUnreachable(other.name, pt.note)
        if isinstance(found, str):
            raise MetricError(found)
        return found

    # ---- non-inferiority against the champion
    found: dict[str, PairedResult | str] = {}
    if champion is not None:
        champ_pt = _point(champion, y, policy)
        found = comparisons(champion, champ_pt, list(section.non_inferiority))
    for key, margin in section.non_inferiority.items():
        label = policy.name if key == POLICY_KEY else key
        rule_id, title = f"non_inferiority.{key}", f"{label}: candidate - champion >= -{margin:g}"
        if champion is None:
            rules.append(_skip(rule_id, "non_inferiority", title, champion_note, metric=label))
            continue
        try:
            c = judged(key, found[key], champion, champ_pt)
        except _OpponentUnreachable as exc:
            rules.append(exc.rule(rule_id, "non_inferiority", title, cand_pt))
            continue
        except MetricError as exc:
            rules.append(
                failed_to_compute(
                    rule_id, "non_inferiority", title, str(exc), metric=label, against=champion.name
                )
            )
            continue
        rules.append(
            judge_non_inferiority(c, key=key, margin=margin, against=champion.name, confidence=conf)
        )
    # ---- floors (the requirement)
    for key, floor in (floors or {}).items():
        rules.append(_floor_rule(key, floor, y, candidate, cand_pt, policy, section))
    # ---- baselines the candidate must beat
    by_name = {c.name: c for c in baselines}
    names = list(by_name) if must_beat is None else list(must_beat)
    for name in names:
        title = f"{policy.name}: candidate better than {name}"
        if name not in by_name:
            reason = (
                baseline_note
                or f"baseline {name!r} has no stored test predictions; "
                "run 'mlplan run' with it in baselines.ladder"
            )
            rules.append(
                failed_to_compute(
                    f"must_beat.{name}",
                    "must_beat",
                    title,
                    reason,
                    metric=policy.name,
                    against=name,
                )
            )
            continue
        base = by_name[name]
        pt = _point(base, y, policy)
        try:
            vs = comparisons(base, pt, [POLICY_KEY])
            c = judged(POLICY_KEY, vs[POLICY_KEY], base, pt)
        except _OpponentUnreachable as exc:
            rules.append(exc.rule(f"must_beat.{name}", "must_beat", title, cand_pt))
            continue
        except MetricError as exc:
            rules.append(
                failed_to_compute(
                    f"must_beat.{name}",
                    "must_beat",
                    title,
                    str(exc),
                    metric=policy.name,
                    against=name,
                )
            )
            continue
        rules.append(judge_must_beat(c, against=name, confidence=conf))
    return GateResult(
        passed=not any(r.failed for r in rules),
        candidate=candidate.name,
        champion=champion.name if champion is not None else None,
        metric=policy.name,
        threshold=cand_pt.threshold,
        n_test=int(y.size),
        test_fingerprint=test_set.current if test_set is not None else None,
        confidence=conf,
        resamples=b,
        rules=tuple(rules),
        notes=tuple(notes),
    )


def _floor_rule(
    key: str,
    floor: float,
    y: NDArray[Any],
    cand: Contender,
    pt: _Point,
    policy: MetricPolicy,
    section: GateSection,
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
    value: float | None
    lo = hi = None
    try:
        if key in COST_METRICS:
            value = _value_at(key, y, pt.labels, cand, policy)
        elif policy.task == "binary" and gate_metric_name(key, policy) == "roc_auc":
            value = _value_at("roc_auc", y, pt.labels, cand, policy)
        else:
            if key == POLICY_KEY and not pt.reachable:
                raise MetricError(f"the candidate cannot meet the plan's constraints ({pt.note})")
            model = _model(cand, pt, [key], policy)
            (own,) = gate_table(y, model, model, [key], policy=policy, section=section)
            if own.error:
                raise MetricError(own.error)
            value, lo, hi = own.value_b, own.candidate_lo, own.candidate_hi
    except MetricError as exc:
        return failed_to_compute(rule_id, "floor", title, str(exc), metric=label)
    if value is None or not np.isfinite(value):
        return failed_to_compute(
            rule_id, "floor", title, f"{label} is undefined here", metric=label
        )
    on_bound = section.floors_on == "lower_bound"
    if on_bound and (lo is None or hi is None):
        return failed_to_compute(rule_id, "floor", title, f"no interval for {label}", metric=label)
    judged = (lo if higher else hi) if on_bound else value
    assert judged is not None
    ok = judged >= floor if higher else judged <= floor
    pct = f"{section.confidence:.0%}"
    ci = f", {pct} interval [{lo:.4f}, {hi:.4f}]" if lo is not None and hi is not None else ""
    decided = (
        f"{'lower' if higher else 'upper'} bound of the {pct} bootstrap interval"
        if on_bound
        else "point estimate"
    )
    return RuleResult(
        id=rule_id,
        kind="floor",
        title=title,
        status="pass" if ok else "fail",
        metric=label,
        candidate=value,
        reference=floor,
        difference=value - floor,
        lo=lo,
        hi=hi,
        decided_by=decided,
        message=f"{label} = {value:.4f}{ci}; {decided} {judged:.4f} "
        f"{'meets' if ok else 'misses'} {op} {floor:g}",
    )
