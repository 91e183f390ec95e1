"""A policy's operating threshold: chosen exactly on some scored rows, checked on others.

Every threshold-dependent policy (constrained, F-beta, single confusion metrics,
averages, weighted means and formulas of them) has an objective that is a function
of the confusion counts (:func:`policy_objective`), so its best threshold on a set
of scored rows is found exactly on their score curve by
:func:`~mlplan.core.metrics.operating_point.choose_candidate` (with its tie rule).
Where those rows come from -- out-of-fold predictions, a validation file, or, as a
marked last resort, the test rows -- is the caller's choice; :func:`choose_threshold`
only chooses.  :func:`constraint_checks` then checks the constraints on other rows
at that fixed threshold, each with its bootstrap interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics.bootstrap import interval, multinomial_replicates
from mlplan.core.metrics.bucketed import bucketed_curve
from mlplan.core.metrics.constraints import Constraint
from mlplan.core.metrics.counts import BinaryCounts, ScoreCurve, score_curve
from mlplan.core.metrics.definitions import COST_METRICS, THRESHOLD_FREE
from mlplan.core.metrics.objective import CountFunction, count_function, formula_count_function
from mlplan.core.metrics.operating_point import choose_candidate, unreachable_note
from mlplan.core.metrics.scores import (
    average_precision_from_curve,
    binary_brier,
    binary_log_loss,
    roc_auc_from_curve,
)
from mlplan.errors import MetricError
from mlplan.records.evaluation import ConstraintCheck

if TYPE_CHECKING:
    from mlplan.core.metrics.policy import MetricPolicy

__all__ = [
    "PROBABILITY_METRICS",
    "ThresholdChoice",
    "choose_threshold",
    "constraint_checks",
    "policy_constraints",
    "policy_objective",
    "threshold_free_values",
]

#: Threshold-free metrics that read scores as probabilities (undefined for margins).
PROBABILITY_METRICS = frozenset({"log_loss", "brier"})

Constraints = list[tuple[Constraint, CountFunction]]


@dataclass(frozen=True)
class ThresholdChoice:
    """The best threshold of a policy on one set of scored rows.

    Attributes
    ----------
    threshold : float or None
        A score value of those rows (exact as a Python float); None when no
        threshold meets the constraints.
    reachable : bool
    value : float or None
        The policy's value at the threshold on those rows (an in-sample value).
    note : str
        Why it is unreachable, naming the best values reached.
    """

    threshold: float | None
    reachable: bool
    value: float | None
    note: str = ""


def threshold_free_values(
    y: NDArray[np.bool_], s: NDArray[Any], curve: ScoreCurve | None = None, *, margin: bool = False
) -> dict[str, float]:
    """ROC AUC, average precision and (for probabilities) log loss and Brier of scores."""
    curve = score_curve(y, s) if curve is None else curve
    found = {
        "roc_auc": roc_auc_from_curve(curve),
        "average_precision": average_precision_from_curve(curve),
    }
    if not margin:
        found.update(log_loss=binary_log_loss(y, s), brier=binary_brier(y, s))
    return {k: float(v) for k, v in found.items() if v is not None}


def policy_objective(
    policy: MetricPolicy,
    *,
    costs: Mapping[str, float] | None = None,
    constants: Mapping[str, float] | None = None,
) -> CountFunction:
    """The policy's value as a function of the binary confusion counts.

    ``constants`` gives the threshold-free values (ROC AUC, ...) an average or a
    formula may mix in; cost metrics come from ``costs``.
    """
    beta = policy.beta

    def part(name: str) -> CountFunction:
        return count_function(name, beta=beta, costs=costs, constants=constants)

    if policy.kind in ("single", "constrained"):
        assert policy.optimise is not None
        return part(policy.optimise)
    if policy.kind == "fbeta":
        return part("fbeta")
    if policy.kind in ("average", "weighted"):
        parts = [(part(n), w) for n, w in policy.components]
        total = sum(w for _, w in parts)

        def mean(tp: Any, fp: Any, tn: Any, fn: Any) -> Any:
            return sum(w * f(tp, fp, tn, fn) for f, w in parts) / total

        return CountFunction(
            policy.name,
            mean,
            monotone=all(f.monotone for f, _ in parts),
            constant=all(f.constant for f, _ in parts),
        )
    assert policy.formula is not None
    return formula_count_function(policy.formula, beta=beta, costs=costs, constants=constants)


def policy_constraints(
    policy: MetricPolicy,
    *,
    costs: Mapping[str, float] | None = None,
    constants: Mapping[str, float] | None = None,
) -> Constraints:
    """The policy's constraints, each with the count function of its metric."""
    return [
        (c, count_function(c.name, beta=policy.beta, costs=costs, constants=constants))
        for c in policy.constraints
    ]


def choose_threshold(
    policy: MetricPolicy,
    y: NDArray[np.bool_],
    s: NDArray[Any],
    *,
    costs: Mapping[str, float] | None = None,
    margin: bool = False,
) -> tuple[ThresholdChoice, ScoreCurve, int | None]:
    """Choose the policy's best threshold on scored rows ``(y, s)`` (validated arrays).

    Returns the choice, the score curve it was chosen on (possibly only the part
    that can hold the optimum, on large inputs) and the candidate's index in it.

    Raises
    ------
    MetricError
        When the policy does not depend on a threshold, or reads a threshold-free
        metric these scores do not define.
    """
    if not policy.threshold_dependent:
        raise MetricError(f"metric: {policy.name} does not depend on a threshold")
    needs = policy.names & THRESHOLD_FREE
    constants: dict[str, float] = {}
    if needs:
        constants = threshold_free_values(y, s, margin=margin)
        missing = needs - set(constants)
        if missing:
            raise MetricError(_undefined(missing, margin))
    objective = policy_objective(policy, costs=costs, constants=constants)
    cons = policy_constraints(policy, costs=costs, constants=constants)
    curve = bucketed_curve(y, s, objective, policy.higher_is_better, cons)
    if curve is None:
        curve = score_curve(y, s)
    tp, fp = curve.tps, curve.fps
    idx = choose_candidate(
        tp, fp, curve.n_pos, curve.n_neg, objective, policy.higher_is_better, cons
    )
    if idx is None:
        note = unreachable_note(tp, fp, curve.n_pos, curve.n_neg, cons)
        return ThresholdChoice(None, False, None, note), curve, None
    x = curve.counts(idx).as_array().astype(np.float64)
    value = float(objective(x[0], x[1], x[2], x[3]))
    return ThresholdChoice(float(curve.thresholds[idx]), True, value), curve, idx


def _undefined(names: set[str] | frozenset[str], margin: bool) -> str:
    listed = ", ".join(sorted(names))
    if margin and names & PROBABILITY_METRICS:
        return (
            f"evaluate: {listed} need probabilities; the plan says this score is a margin "
            "(score: margin), so they are not computed"
        )
    return f"evaluate: {listed} is undefined here (one class only, or scores outside [0, 1])"


def constraint_checks(
    constraints: Constraints,
    counts: BinaryCounts,
    *,
    n_resamples: int,
    confidence: float,
    rng: np.random.Generator,
    draws: NDArray[np.int64] | None = None,
) -> tuple[ConstraintCheck, ...]:
    """Each constraint checked at fixed confusion counts, with its bootstrap interval.

    Count metrics get a percentile interval from multinomial redraws of the four
    cells (``draws``, shape ``(B, 4)``, when the caller already has them); cost
    metrics and threshold-free constants are measured once and get none.
    """
    if not constraints:
        return ()
    x = counts.as_array().astype(np.float64)
    if draws is None and n_resamples > 0:
        draws = multinomial_replicates(counts.as_array(), n_resamples, rng)
    out = []
    for con, f in constraints:
        value = float(f(x[0], x[1], x[2], x[3]))
        lo = hi = None
        if not f.constant and draws is not None and con.name not in COST_METRICS:
            d = draws.astype(np.float64)
            reps = f(d[:, 0], d[:, 1], d[:, 2], d[:, 3])
            lo, hi = interval(reps, value, confidence)
        out.append(
            ConstraintCheck(
                name=con.name,
                op=con.op,
                bound=con.bound,
                value=value if np.isfinite(value) else None,
                lo=lo,
                hi=hi,
                holds=bool(con.holds(value)),
            )
        )
    return tuple(out)
