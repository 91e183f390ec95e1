"""Run the gate's rules on arrays: candidate vs champion and baselines on the same test rows.

:func:`evaluate_gate` is pure (no files, no store): it takes the truth of the
frozen test rows, the candidate, the champion and the baseline rungs as
:class:`Contender` records, the plan's metric policy and ``gate:`` section, and
returns a :class:`GateResult`.  The questions it asks by default:

* against the **champion**: non-inferiority with a margin (absolute, or relative
  to the champion's value; 2 % by default) -- pass, regression or inconclusive;
* against the **baselines**: is the candidate shown worse than the best rung on
  the test rows?  Only then is it a regression; equal within noise passes;
* ``must_beat`` rungs (only when the plan lists them): significant superiority;
* floors and constraints on the candidate alone; test-set integrity.

Each opponent costs one counting pass over the rows plus ``resamples`` small
multinomial draws shared by every metric (a streamed row bootstrap for regression
and threshold-free metrics; DeLong for ROC AUC), through
:func:`mlplan.core.metrics.paired_table`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.gate.checks import constraint_rules, floor_rule, test_set_rule
from mlplan.core.gate.paired import POLICY_KEY, gate_metric_name, gate_table, model_at
from mlplan.core.gate.points import Point, point_of
from mlplan.core.gate.rules import (
    failed_to_compute,
    fmt,
    judge_best_baseline,
    judge_must_beat,
    judge_non_inferiority,
)
from mlplan.core.metrics import MetricPolicy
from mlplan.errors import MetricError
from mlplan.records.evaluation import OPTIMISTIC, OPTIMISTIC_NOTE
from mlplan.records.gate import (
    Contender,
    GateResult,
    RuleKind,
    RuleResult,
    TestSetCheck,
)
from mlplan.records.paired import PairedResult
from mlplan.schema.plan import GateSection

__all__ = ["Contender", "GateResult", "TestSetCheck", "evaluate_gate"]

NO_CHAMPION = "no champion yet: promote one with 'mlplan gate --accept'"


class _OpponentUnreachable(MetricError):
    """The opponent cannot meet the policy's constraints while the candidate can."""

    def __init__(self, name: str, note: str) -> None:
        super().__init__(f"{name} cannot meet the plan's constraints ({note})")
        self.name = name

    def rule(self, rule_id: str, kind: RuleKind, title: str, cand: Point) -> RuleResult:
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


@dataclass
class _Comparer:
    """The candidate at its point, compared with any opponent on the same rows."""

    y: NDArray[Any]
    candidate: Contender
    point: Point
    policy: MetricPolicy
    section: GateSection
    n_classes: int | None

    def table(
        self, other: Contender, pt: Point, keys: list[str], resamples: int | None = None
    ) -> dict[str, PairedResult | str]:
        results = gate_table(
            self.y,
            self._model(self.candidate, self.point, keys),
            self._model(other, pt, keys),
            keys,
            policy=self.policy,
            section=self.section,
            n_classes=self.n_classes,
            n_resamples=resamples,
        )
        return {k: r.error or r for k, r in zip(keys, results, strict=True)}

    def _model(self, c: Contender, pt: Point, keys: list[str]) -> Any:
        return model_at(c.name, pt.labels, c.score, c.costs, keys, self.policy)

    def judged(
        self, key: str, found: PairedResult | str, other: Contender, pt: Point
    ) -> PairedResult:
        """The comparison, or why it cannot be judged (constraints out of reach, an error)."""
        delong = (
            self.policy.task == "binary" and gate_metric_name(POLICY_KEY, self.policy) == "roc_auc"
        )
        if key == POLICY_KEY and not delong:
            if not self.point.reachable:
                raise MetricError(f"{self.candidate.name} cannot meet the plan's constraints")
            if not pt.reachable:
                raise _OpponentUnreachable(other.name, pt.note)
        if isinstance(found, str):
            raise MetricError(found)
        return found


def _margin(section: GateSection, key: str, c: PairedResult, against: str) -> tuple[float, str]:
    """The absolute margin of a key and how it was set."""
    amount, relative = section.margin(key)
    default = "non_inferiority" not in section.model_fields_set
    origin = "the default margin" if default else "from gate.non_inferiority"
    if not relative:
        return amount, f"absolute, {origin}"
    margin = amount * abs(c.value_a)
    return margin, f"{amount * 100:g}% of {against}'s {fmt(c.value_a)}, {origin}"


def _champion_rules(
    cmp: _Comparer, champion: Contender | None, note: str
) -> tuple[list[RuleResult], list[str]]:
    section, policy = cmp.section, cmp.policy
    rules: list[RuleResult] = []
    notes: list[str] = []
    found: dict[str, PairedResult | str] = {}
    champ_pt = point_of(champion, cmp.y, policy) if champion is not None else None
    if champion is not None and champ_pt is not None:
        found = cmp.table(champion, champ_pt, list(section.non_inferiority))
        if champ_pt.source == OPTIMISTIC:
            notes.append(f"the champion's threshold {champ_pt.threshold:.4g} is {OPTIMISTIC_NOTE}")
    for key in section.non_inferiority:
        label = policy.name if key == POLICY_KEY else key
        rule_id = f"non_inferiority.{key}"
        title = f"{label}: candidate - champion >= -margin"
        if champion is None or champ_pt is None:
            rules.append(
                RuleResult(
                    id=rule_id,
                    kind="non_inferiority",
                    title=title,
                    status="skip",
                    metric=label,
                    message=note,
                )
            )
            continue
        try:
            c = cmp.judged(key, found[key], champion, champ_pt)
        except _OpponentUnreachable as exc:
            rules.append(exc.rule(rule_id, "non_inferiority", title, cmp.point))
            continue
        except MetricError as exc:
            rules.append(
                failed_to_compute(
                    rule_id, "non_inferiority", title, str(exc), metric=label, against=champion.name
                )
            )
            continue
        margin, how = _margin(section, key, c, champion.name)
        if "default" in how:
            notes.append(
                f"margin of {label}: {fmt(margin)} = {how}: 2% is above the spread of a "
                "retrained pipeline and below a 5% flip of correct predictions "
                "(docs/ci.md); set gate.non_inferiority to change it"
            )
        rules.append(
            judge_non_inferiority(
                c,
                key=key,
                margin=margin,
                margin_note=how,
                against=champion.name,
                confidence=section.confidence,
                power=section.power,
            )
        )
    return rules, notes


def _best_baseline(cmp: _Comparer, baselines: Sequence[Contender], note: str) -> RuleResult:
    """The candidate against the rung with the best value of the plan's metric on the test rows."""
    title = f"{cmp.policy.name}: not worse than the best baseline"
    if not baselines:
        reason = note or "no baselines stored: 'mlplan run' stores the ladder's predictions"
        return RuleResult(
            id="best_baseline", kind="best_baseline", title=title, status="skip", message=reason
        )
    scored: list[tuple[float, Contender, Point]] = []
    for base in baselines:
        pt = point_of(base, cmp.y, cmp.policy)
        if not pt.reachable:
            continue
        found = cmp.table(base, pt, [POLICY_KEY], resamples=0)[POLICY_KEY]
        if isinstance(found, PairedResult) and np.isfinite(found.value_a):
            scored.append((found.value_a, base, pt))
    if not scored:
        return failed_to_compute(
            "best_baseline",
            "best_baseline",
            title,
            "no baseline has a value of the plan's metric here",
            metric=cmp.policy.name,
        )
    sign = 1.0 if cmp.policy.higher_is_better else -1.0
    _, best, pt = max(scored, key=lambda item: sign * item[0])
    try:
        c = cmp.judged(POLICY_KEY, cmp.table(best, pt, [POLICY_KEY])[POLICY_KEY], best, pt)
    except MetricError as exc:
        return failed_to_compute(
            "best_baseline",
            "best_baseline",
            title,
            str(exc),
            metric=cmp.policy.name,
            against=best.name,
        )
    return judge_best_baseline(
        c, against=best.name, confidence=cmp.section.confidence, among=len(scored)
    )


def _must_beat_rule(
    cmp: _Comparer, name: str, by_name: Mapping[str, Contender], note: str
) -> RuleResult:
    rule_id, metric = f"must_beat.{name}", cmp.policy.name
    title = f"{metric}: significantly better than {name}"
    if name not in by_name:
        reason = note or (
            f"baseline {name!r} has no stored test predictions; "
            "run 'mlplan run' with it in baselines.ladder"
        )
        return failed_to_compute(rule_id, "must_beat", title, reason, metric=metric, against=name)
    base = by_name[name]
    pt = point_of(base, cmp.y, cmp.policy)
    try:
        c = cmp.judged(POLICY_KEY, cmp.table(base, pt, [POLICY_KEY])[POLICY_KEY], base, pt)
    except _OpponentUnreachable as exc:
        return exc.rule(rule_id, "must_beat", title, cmp.point)
    except MetricError as exc:
        return failed_to_compute(rule_id, "must_beat", title, str(exc), metric=metric, against=name)
    return judge_must_beat(
        c, against=name, confidence=cmp.section.confidence, power=cmp.section.power
    )


def evaluate_gate(
    y_true: NDArray[Any],
    candidate: Contender,
    *,
    policy: MetricPolicy,
    section: GateSection,
    champion: Contender | None = None,
    champion_note: str = NO_CHAMPION,
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
        Truth of the frozen test rows (0/1, class codes or real values), in test-id order.
    candidate : Contender
        Its ``threshold`` (with ``threshold_source``) when declared; otherwise one is
        chosen on the test rows and the result is marked optimistic.
    policy : MetricPolicy
        The plan's metric policy.
    section : GateSection
        Margins, ``on_inconclusive``, power, floors, must_beat, confidence, resamples, seed.
    champion : Contender, optional
        The model to stay non-inferior to (at its accepted threshold); without one the
        non-inferiority rules are skipped with ``champion_note``.
    baselines : sequence of Contender
        Ladder rungs' predictions on the same rows: the candidate must not be shown
        worse than the best of them.
    must_beat : sequence of str, optional
        Rungs the candidate must beat significantly (default: none).  A name without
        predictions fails (with ``baseline_note`` as the reason when given).
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
    rules: list[RuleResult] = []
    notes: list[str] = []
    if test_set is not None:
        rules.append(test_set_rule(test_set))
    cand_pt = point_of(candidate, y, policy)
    checks = constraint_rules(policy, cand_pt, y, candidate, section)
    rules.extend(checks)
    if cand_pt.reachable and any(r.failed for r in checks):
        failing = "; ".join(r.message for r in checks if r.failed)
        cand_pt = replace(cand_pt, reachable=False, note=failing)
    if not cand_pt.reachable:
        notes.append(f"the candidate cannot meet the plan's constraints: {cand_pt.note}")
    if cand_pt.source == OPTIMISTIC:
        notes.append(
            f"the candidate's threshold {cand_pt.threshold:.4g} is {OPTIMISTIC_NOTE}; "
            "give --threshold (or threshold: in the plan's models: entry) to judge it at a "
            "threshold chosen elsewhere"
        )
    cmp = _Comparer(y, candidate, cand_pt, policy, section, n_classes)
    champion_rules, champion_notes = _champion_rules(cmp, champion, champion_note)
    rules.extend(champion_rules)
    notes.extend(champion_notes)
    for key, floor in (floors or {}).items():
        rules.append(floor_rule(key, floor, y, candidate, cand_pt, policy, section))
    rules.append(_best_baseline(cmp, baselines, baseline_note))
    by_name = {c.name: c for c in baselines}
    rules.extend(_must_beat_rule(cmp, name, by_name, baseline_note) for name in must_beat or ())
    result = GateResult(
        candidate=candidate.name,
        champion=champion.name if champion is not None else None,
        metric=policy.name,
        threshold=cand_pt.threshold,
        threshold_source=cand_pt.source,
        n_test=int(y.shape[0]),
        test_fingerprint=test_set.current if test_set is not None else None,
        confidence=section.confidence,
        resamples=section.resamples,
        power=section.power,
        on_inconclusive=section.on_inconclusive,
        rules=tuple(rules),
    )
    if result.outcome == "inconclusive":
        verdict = "fails" if section.on_inconclusive == "fail" else "passes"
        notes.append(
            f"inconclusive: the test set cannot tell; the gate {verdict} "
            f"(gate.on_inconclusive: {section.on_inconclusive})"
        )
    return replace(result, notes=tuple(notes))
