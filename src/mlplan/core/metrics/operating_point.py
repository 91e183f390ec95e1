"""The exact constrained operating point of scored binary predictions.

Candidates are the distinct score values (scikit-learn's ``precision_recall_curve``
thresholds); a row is positive iff ``score >= threshold``.  The chosen point
maximises the objective (minimises a lower-is-better one) among candidates that
meet every constraint; among equal objective values the *deepest* (lowest)
threshold wins.  With ``optimise="recall"`` this is the lowest threshold meeting
the constraints.  When no candidate meets them the result is explicitly
unreachable (``threshold is None``) and its note names the best value reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlplan.core.metrics._validate import as_binary_labels, as_scores, check_lengths
from mlplan.core.metrics.bucketed import bucketed_curve
from mlplan.core.metrics.constraints import Constraint, parse_constraint
from mlplan.core.metrics.counts import BinaryCounts, ScoreCurve, score_curve
from mlplan.core.metrics.definitions import higher_is_better
from mlplan.core.metrics.objective import CountFunction, Counts, count_function
from mlplan.core.metrics.standard import binary_count_metrics
from mlplan.errors import MetricError

__all__ = ["OperatingPoint", "choose_candidate", "operating_point", "unreachable_note"]


@dataclass(frozen=True)
class OperatingPoint:
    """A chosen threshold and every metric there.

    Attributes
    ----------
    threshold : numpy floating scalar or None
        A score value in the input dtype; None when the constraints are unreachable.
    reachable : bool
    optimise : str
        The objective's label.
    value : float or None
        The objective at the threshold.
    metrics : dict of str to float
        Every binary confusion metric and count at the threshold (empty if unreachable).
    counts : BinaryCounts or None
    note : str
        Empty, or why the point is unreachable and the best values reached.
    """

    threshold: Any
    reachable: bool
    optimise: str
    value: float | None
    metrics: dict[str, float] = field(default_factory=dict)
    counts: BinaryCounts | None = None
    note: str = ""


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def choose_candidate(
    tp: Counts,
    fp: Counts,
    n_pos: float | Counts,
    n_neg: float | Counts,
    objective: CountFunction,
    higher_is_better: bool,
    constraints: Sequence[tuple[Constraint, CountFunction]],
) -> int | None:
    """Index of the best feasible candidate (deepest among ties), or None."""
    tn = n_neg - fp
    fn = n_pos - tp
    feasible = np.ones(tp.shape, dtype=bool)
    for con, f in constraints:
        feasible &= con.holds(f(tp, fp, tn, fn))
    if not feasible.any():
        return None
    v = objective(tp, fp, tn, fn)
    v = np.broadcast_to(v, tp.shape)
    feasible &= ~np.isnan(v)
    if not feasible.any():
        return None
    best = v[feasible].max() if higher_is_better else v[feasible].min()
    return int(np.flatnonzero(feasible & (v == best))[-1])


def unreachable_note(
    tp: Counts,
    fp: Counts,
    n_pos: float,
    n_neg: float,
    constraints: Sequence[tuple[Constraint, CountFunction]],
) -> str:
    """Explain why no candidate meets the constraints, naming the best values reached."""
    tn, fn = n_neg - fp, n_pos - tp
    parts = []
    failing = []
    for con, f in constraints:
        vals = f(tp, fp, tn, fn)
        best = (
            float(np.nanmax(vals) if con.wants_high else np.nanmin(vals))
            if vals.size
            else float("nan")
        )
        if f.constant:
            parts.append(f"{con.name} is {_fmt(best)} (needs {con.op} {con.bound:g})")
        else:
            parts.append(f"best {con.name} reached {_fmt(best)} (needs {con.op} {con.bound:g})")
        if not bool(con.holds(best)):
            failing.append(parts[-1])
    if failing:
        return "unreachable: " + "; ".join(failing)
    return "unreachable: no threshold meets all constraints together; " + "; ".join(parts)


def _constraints(
    subject_to: Mapping[str, str] | None,
    costs: Mapping[str, float] | None,
    beta: float,
) -> list[tuple[Constraint, CountFunction]]:
    out = []
    for name, text in (subject_to or {}).items():
        con = parse_constraint(name, text)
        out.append((con, count_function(name, beta=beta, costs=costs)))
    return out


def point_at(
    curve: ScoreCurve,
    index: int | None,
    objective: CountFunction,
    note: str = "",
) -> OperatingPoint:
    """Assemble the :class:`OperatingPoint` of candidate ``index`` of ``curve``."""
    if index is None:
        return OperatingPoint(None, False, objective.label, None, {}, None, note)
    counts = curve.counts(index)
    x = counts.as_array().astype(np.float64)
    value = float(objective(x[0], x[1], x[2], x[3]))
    return OperatingPoint(
        threshold=curve.thresholds[index],
        reachable=True,
        optimise=objective.label,
        value=value,
        metrics=binary_count_metrics(counts),
        counts=counts,
        note=note,
    )


def operating_point(
    y_true: Any,
    y_score: Any,
    optimise: str = "recall",
    subject_to: Mapping[str, str] | None = None,
    *,
    costs: Mapping[str, float] | None = None,
    beta: float = 1.0,
) -> OperatingPoint:
    """Choose the exact operating threshold: optimise one metric subject to the others.

    Parameters
    ----------
    y_true : array_like of 0/1
    y_score : array_like of float
        Scores of class 1 (float32 and float64 kept; the threshold has this dtype).
    optimise : str, default "recall"
        A binary confusion metric (precision, recall, f1, fbeta, accuracy,
        balanced_accuracy, specificity, npv, mcc, kappa) or count.
    subject_to : mapping of str to str, optional
        Constraints such as ``{"precision": ">= 0.9", "latency_ms": "<= 50"}``;
        cost metrics take their value from ``costs``.
    costs : mapping of str to float, optional
        Measured ``fit_seconds``, ``latency_ms``, ``model_mb``.
    beta : float, default 1.0
        Beta of ``fbeta``.

    Returns
    -------
    OperatingPoint

    Raises
    ------
    MetricError
        On invalid labels or scores, unknown metrics, unreadable constraints,
        or a cost metric used but not given.

    Examples
    --------
    >>> op = operating_point([0, 0, 1, 1, 1], [0.1, 0.6, 0.55, 0.8, 0.9],
    ...                      optimise="recall", subject_to={"precision": ">= 0.9"})
    >>> float(op.threshold), op.metrics["recall"]
    (0.8, 0.6666666666666666)
    """
    y = as_binary_labels(y_true)
    s = as_scores(y_score)
    check_lengths("operating_point", y_true=y, y_score=s)
    objective = count_function(optimise, beta=beta, costs=costs)
    if objective.constant:
        raise MetricError(
            f"optimise: {optimise!r} does not depend on the threshold; optimise a metric of the "
            "predictions and put cost metrics in subject_to"
        )
    hib = higher_is_better(optimise)
    cons = _constraints(subject_to, costs, beta)
    # monotone policies sort only the score range that can hold the optimum
    curve = bucketed_curve(y, s, objective, hib, cons)
    if curve is None:
        curve = score_curve(y, s)
    tp, fp = curve.tps, curve.fps
    idx = choose_candidate(tp, fp, curve.n_pos, curve.n_neg, objective, hib, cons)
    note = "" if idx is not None else unreachable_note(tp, fp, curve.n_pos, curve.n_neg, cons)
    return point_at(curve, idx, objective, note)
