"""Declared rungs: the requirement, published results and human performance.

They are not trained; the plan states their numbers.  Each becomes an
:class:`~mlplan.core.evaluation.Evaluation` with ``source="declared"`` on the same axis
as the trained rungs: its value of the plan's metric when the declared numbers
determine it, else None with a note saying which numbers are missing.  Human
baselines measured on ``n_examples`` get a Wilson interval for proportion metrics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scipy import stats

from mlplan._text import join_notes
from mlplan.core.metrics import MetricPolicy
from mlplan.schema.plan import BaselinesSection

if TYPE_CHECKING:
    from mlplan.records.evaluation import Evaluation

__all__ = ["declared_evaluations", "declared_value"]

_PROPORTIONS = frozenset(
    {
        "accuracy",
        "balanced_accuracy",
        "precision",
        "recall",
        "specificity",
        "f1",
        "npv",
        "tpr",
        "tnr",
        "sensitivity",
    }
)


def declared_value(
    policy: MetricPolicy, numbers: Mapping[str, float]
) -> tuple[float | None, bool, str]:
    """The plan's metric from declared numbers: (value, constraints met, note)."""
    missing: list[str] = []

    def get(name: str) -> float | None:
        if name in numbers:
            return float(numbers[name])
        missing.append(name)
        return None

    value: float | None = None
    if policy.kind in ("single", "constrained") and policy.optimise:
        value = get(policy.optimise)
    elif policy.kind in ("average", "weighted"):
        parts = [(get(n), w) for n, w in policy.components]
        known = [(v, w) for v, w in parts if v is not None]
        if len(known) == len(parts):
            value = sum(v * w for v, w in known) / sum(w for _, w in known)
    elif policy.kind == "fbeta":
        if "fbeta" in numbers:
            value = float(numbers["fbeta"])
        else:
            p, r = get("precision"), get("recall")
            if p is not None and r is not None:
                b2 = policy.beta**2
                value = (1 + b2) * p * r / (b2 * p + r) if (b2 * p + r) > 0 else 0.0
                missing.clear()
    elif policy.formula is not None:
        env = {n: get(n) for n in sorted(policy.formula.names)}
        given = {n: v for n, v in env.items() if v is not None}
        if len(given) == len(env):
            value = float(policy.formula.evaluate(given))
    met = True
    notes = []
    for constraint in policy.constraints:
        bound = numbers.get(constraint.name)
        if bound is None:
            notes.append(f"{constraint.name} not declared: constraint not checked")
        elif not bool(constraint.holds(float(bound))):
            met = False
            notes.append(
                f"declared {constraint.name} {bound:g} fails {constraint.op} {constraint.bound:g}"
            )
    if value is None:
        declared = ", ".join(sorted(numbers)) or "nothing"
        notes.insert(0, f"declares {declared}; the plan's metric needs {', '.join(missing)}")
    return value, met, "; ".join(notes)


def declared_evaluations(
    section: BaselinesSection, policy: MetricPolicy, *, confidence: float = 0.95
) -> tuple[Evaluation, ...]:
    """The plan's requirement, published and human baselines as evaluations."""
    from mlplan.records.evaluation import Evaluation

    out: list[Evaluation] = []
    if section.requirement:
        value, met, note = declared_value(policy, section.requirement)
        out.append(
            Evaluation(
                name="requirement",
                source="declared",
                metric=policy.name,
                value=value,
                reachable=met,
                metrics=dict(section.requirement),
                note=join_notes("the accuracy the business needs (a target, not a model)", note),
            )
        )
    for item in section.published:
        numbers = _numbers(item.model_extra or {})
        value, met, note = declared_value(policy, numbers)
        out.append(
            Evaluation(
                name=item.name,
                source="declared",
                metric=policy.name,
                value=value,
                reachable=met,
                metrics=numbers,
                note=join_notes(
                    f"published{f' ({item.source})' if item.source else ''}",
                    _fairness(item.same_data, item.same_split),
                    item.note or "",
                    note,
                ),
            )
        )
    for human in section.human:
        numbers = _numbers(human.model_extra or {})
        value, met, note = declared_value(policy, numbers)
        lo = hi = None
        if value is not None and human.n_examples and policy.optimise in _PROPORTIONS:
            lo, hi = _wilson(value, human.n_examples, confidence)
        cost = (
            f"costs {human.cost_per_example:g} per example"
            if human.cost_per_example is not None
            else "cost per example not declared"
        )
        measured = (
            f"measured on {human.n_examples} examples"
            if human.n_examples
            else "number of examples not declared (no interval)"
        )
        out.append(
            Evaluation(
                name=human.name,
                source="declared",
                metric=policy.name,
                value=value,
                lo=lo,
                hi=hi,
                reachable=met,
                metrics=numbers,
                costs={"cost_per_example": human.cost_per_example}
                if human.cost_per_example is not None
                else {},
                note=join_notes(f"human performance, {measured}, {cost}", note),
            )
        )
    return tuple(out)


def _numbers(extra: Mapping[str, Any]) -> dict[str, float]:
    return {
        k: float(v)
        for k, v in extra.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v))
    }


def _fairness(same_data: bool | None, same_split: bool | None) -> str:
    if same_data and same_split:
        return "fair comparison: same data and split"
    if same_data is False:
        return "not directly comparable: different data"
    if same_split is False:
        return "not directly comparable: same data, different split"
    return "comparability unknown: same data and split not declared"


def _wilson(p: float, n: int, confidence: float) -> tuple[float, float]:
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
