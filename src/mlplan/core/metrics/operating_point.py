"""The exact constrained operating point of scored binary predictions.

Candidates are the distinct score values (scikit-learn's ``precision_recall_curve``
thresholds); a row is positive iff ``score >= threshold``.  The chosen point
maximises the objective (minimises a lower-is-better one) among candidates that
meet every constraint.  Among equal objective values the tie rule never returns a
dominated point (see :func:`choose_candidate` and ADR 0002): first the candidate
best on the policy's other metrics (the constraints, in the order written), then,
of points no other tied point dominates (at least as many true positives and at
most as many false positives), the deepest.  With ``optimise="recall"`` subject to
``precision >= p`` this is the highest threshold reaching the best recall, as "best
recall, then highest threshold" on scikit-learn's ``precision_recall_curve``.  When
no candidate meets the constraints the result is explicitly unreachable
(``threshold is None``) and its note names the best value reached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics._validate import as_binary_labels, as_scores, check_lengths
from mlplan.core.metrics.bucketed import bucketed_curve
from mlplan.core.metrics.constraints import Constraint, parse_constraint
from mlplan.core.metrics.counts import BinaryCounts, ScoreCurve, score_curve
from mlplan.core.metrics.definitions import higher_is_better
from mlplan.core.metrics.objective import CountFunction, Counts, count_function
from mlplan.core.metrics.standard import binary_count_metrics
from mlplan.errors import MetricError

__all__ = [
    "OperatingPoint",
    "choose_candidate",
    "operating_point",
    "tie_tolerance",
    "unreachable_note",
]


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
    present: NDArray[np.bool_] | None = None,
) -> int | None:
    """Index of the best feasible candidate, or None when none meets the constraints.

    Candidates are cumulative counts from the highest threshold down (``tp`` and
    ``fp`` never decrease with the index).  The tie rule, among candidates with
    the best objective value:

    1. the best on each constraint metric in the order written (higher for a
       lower bound ``>=``/``>``, lower for an upper bound); constant (cost)
       constraints are skipped;
    2. of the remaining ties, drop every dominated point (another tied point has
       at least as many true positives and at most as many false positives, one
       of them strictly);
    3. the deepest (lowest threshold) of the rest.

    Values within :func:`tie_tolerance` of each other are tied: float rounding must
    not break a tie that is exact in fractions.  ``present`` masks candidates out
    (thresholds absent from a bootstrap resample).
    """
    tn = n_neg - fp
    fn = n_pos - tp
    feasible = np.ones(tp.shape, dtype=bool) if present is None else present.copy()
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
    near = np.abs(v - best) <= tie_tolerance(best)
    idx = np.flatnonzero(feasible & near)
    if idx.size == 1:
        return int(idx[0])
    return int(_break_ties(idx, tp, fp, n_pos, n_neg, constraints))


def _break_ties(
    idx: NDArray[np.intp],
    tp: Counts,
    fp: Counts,
    n_pos: float | Counts,
    n_neg: float | Counts,
    constraints: Sequence[tuple[Constraint, CountFunction]],
) -> int:
    """The tie rule of :func:`choose_candidate` on the tied indices ``idx`` (increasing)."""
    for con, f in constraints:
        if f.constant or idx.size == 1:
            continue
        t, p = tp[idx], fp[idx]
        w = np.broadcast_to(f(t, p, _at(n_neg, idx) - p, _at(n_pos, idx) - t), idx.shape)
        top = w.max() if con.wants_high else w.min()
        idx = idx[np.abs(w - top) <= tie_tolerance(top)]
    if idx.size > 1:
        t, p = tp[idx], fp[idx]
        dominated = np.zeros(idx.size, dtype=bool)
        # along the curve tp and fp never decrease: a deeper tie with the same false
        # positives has more true positives; a shallower one with the same true
        # positives has fewer false positives
        dominated[:-1] |= (p[1:] == p[:-1]) & (t[1:] > t[:-1])
        dominated[1:] |= (t[1:] == t[:-1]) & (p[1:] > p[:-1])
        idx = idx[~dominated]
    return int(idx[-1])


def tie_tolerance(value: float) -> float:
    """Values this close count as equal: one formula on two count tuples that are equal
    as fractions (balanced accuracy (0.2 + 1.0) / 2 and (0.4 + 0.8) / 2) may round apart."""
    return 1e-12 * max(1.0, abs(float(value)))


def _at(total: float | Counts, idx: NDArray[np.intp]) -> Any:
    """A class total at the tied indices (a scalar, or per candidate)."""
    return total[idx] if isinstance(total, np.ndarray) and total.ndim else total


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
