"""Binary prediction sets larger than memory: the plan's metric, its interval, the exact point.

The rows are read part by part (:mod:`mlplan.core.metrics.passes`); each pass
returns mergeable counts, so the same code runs over local chunks or, with a
:class:`~mlplan.core.distributed.Cluster`, one task per part on Dask workers.

* **One pass** gives the fixed-threshold confusion counts (labels at 0.5), the
  log-loss and Brier sums, and a histogram of the scores over the leading
  ``bits`` of an order-preserving key. The plan's metric at a fixed threshold
  and its count bootstrap (multinomial resamples of the four cells) need nothing
  more.
* **The exact constrained operating point** needs one more pass in the common
  case: from the histogram, every bucket whose end point or whose corner bound
  (for an objective and constraints monotone in tp and fp) can reach the best
  feasible value is kept -- ties included, whichever way the tie rule breaks
  them -- and the distinct scores of that key range are counted exactly. Their
  cumulative counts, offset by the rows above the range, are handed to the
  in-memory chooser (:func:`~mlplan.core.metrics.operating_point.choose_candidate`),
  so the threshold, its counts and metrics are the in-memory result bit for
  bit. A range holding more than ``max_rows`` rows is first split by a finer
  histogram pass (again and again if need be), so memory stays bounded; only
  when every bucket of a range can hold the optimum (a flat objective) is the
  whole range counted at once.

Memory is one chunk of each part (the reader's ``chunk_rows``) plus ``2 x 2**bits``
int64 counts (2 MiB for 16 bits) plus the distinct scores of the final range
(at most ``max_rows``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any

import numpy as np

from mlplan._text import join_notes
from mlplan.core.metrics.bootstrap import count_jackknife, interval, multinomial_replicates
from mlplan.core.metrics.constraints import Constraint, parse_constraint
from mlplan.core.metrics.counts import BinaryCounts, ScoreCurve
from mlplan.core.metrics.definitions import COST_METRICS, THRESHOLD_FREE
from mlplan.core.metrics.objective import CountFunction, count_function
from mlplan.core.metrics.operating_point import (
    OperatingPoint,
    choose_candidate,
    point_at,
    unreachable_note,
)
from mlplan.core.metrics.passes import (
    Groups,
    Histogram,
    Reader,
    Summary,
    groups_pass,
    histogram_pass,
    summary_pass,
)
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.core.metrics.policy_result import PolicyResult
from mlplan.core.metrics.standard import binary_count_metrics
from mlplan.errors import MetricError

if TYPE_CHECKING:
    from mlplan.core.distributed import Cluster

__all__ = ["DEFAULT_BITS", "MAX_ROWS", "OutOfCore", "OutOfCoreResult"]

#: Leading key bits of the first histogram (2**16 buckets, 2 MiB of counts).
DEFAULT_BITS = 16
#: A key range with at most this many rows is counted exactly; a larger one is split first.
MAX_ROWS = 2_000_000
Targets = Sequence[tuple[CountFunction, bool, Sequence[tuple[Constraint, CountFunction]]]]


@dataclass(frozen=True)
class OutOfCoreResult:
    """The plan's metric on a prediction set read in parts.

    Attributes
    ----------
    result : PolicyResult
        Value, interval (count bootstrap), threshold, metrics and note.
    n_rows, n_parts, passes : int
        Rows read, parts, and passes over the data.
    counts : BinaryCounts
        Confusion counts at the operating point (0.5 when none was chosen).
    """

    result: PolicyResult
    n_rows: int
    n_parts: int
    passes: int
    counts: BinaryCounts | None = None


@dataclass
class OutOfCore:
    """A binary prediction set as parts, read by ``read`` (here, or on ``cluster``).

    Parameters
    ----------
    parts : sequence
        What ``read`` opens (file paths, row groups), in input order.
    read : callable
        ``read(part)`` yields ``(y_true, y_score)`` chunks; a module-level function
        when a cluster runs it.
    cluster : Cluster, optional
        Count the parts on Dask workers (one task per part and pass).
    bits : int, default :data:`DEFAULT_BITS`
    max_rows : int, default :data:`MAX_ROWS`
    """

    parts: Sequence[Any]
    read: Reader
    cluster: Cluster | None = None
    bits: int = DEFAULT_BITS
    max_rows: int = MAX_ROWS
    passes: int = field(default=0, init=False)
    _summary: Summary | None = field(default=None, init=False, repr=False)

    # ------------------------------------------------------------ passes
    def _map(self, function: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        self.passes += 1
        if self.cluster is not None:
            return list(self.cluster.run(function, calls, shared=self.read))
        return [function(self.read, *call) for call in calls]

    def summary(self) -> Summary:
        """The first pass (once): counts at 0.5, sums and the score histogram."""
        if self._summary is None:
            calls = [(part, i, (0.5,), self.bits) for i, part in enumerate(self.parts)]
            self._summary = reduce(lambda a, b: a + b, self._map(summary_pass, calls))
            if self._summary.n == 0:
                raise MetricError("out of core: the prediction set has no rows")
        return self._summary

    def _histogram(self, lo: int, width: int) -> Histogram:
        size = 1 << self.bits
        calls = [(part, lo, width, size) for part in self.parts]
        return reduce(lambda a, b: a + b, self._map(histogram_pass, calls))

    def _groups(self, lo: int, hi: int) -> Groups:
        found = self._map(groups_pass, [(part, lo, hi) for part in self.parts])
        return reduce(lambda a, b: a + b, found)

    # ------------------------------------------------------ the exact point
    def curve(self, targets: Targets) -> ScoreCurve:
        """The score curve over the key range that can hold every target's optimum.

        ``targets`` are ``(function, maximise, constraints)``; the curve holds every
        candidate that can be best for one of them, with cumulative counts over all
        rows above each threshold.
        """
        top = self.summary()
        hist, above = top.histogram, (0, 0)
        p_tot, n_tot = top.n_pos, top.n - top.n_pos
        while True:
            pos, neg = hist.pos[::-1], hist.neg[::-1]  # decreasing scores
            kept = _keep(pos, neg, above, p_tot, n_tot, targets)
            size = len(pos)
            if kept is None:  # nothing can be best: an empty range
                j_top, j_bottom = 0, -1
            else:
                j_top, j_bottom = kept
            above = (above[0] + int(pos[:j_top].sum()), above[1] + int(neg[:j_top].sum()))
            first, last = size - 1 - j_bottom, size - 1 - j_top  # increasing buckets
            lo = hist.lo + first * hist.width
            hi = hist.lo + (last + 1) * hist.width - 1
            rows = int((pos[j_top : j_bottom + 1] + neg[j_top : j_bottom + 1]).sum())
            narrower = last - first + 1 < size  # else a finer pass would split nothing
            if rows <= self.max_rows or hist.width == 1 or kept is None or not narrower:
                groups = self._groups(lo, hi) if rows else _no_groups()
                return self._as_curve(groups, above, p_tot, n_tot)
            span = hi - lo + 1
            hist = self._histogram(lo, -(-span // (1 << self.bits)))

    def _as_curve(
        self, groups: Groups, above: tuple[int, int], p_tot: int, n_tot: int
    ) -> ScoreCurve:
        thresholds = groups.values[::-1].astype(self.summary().dtype or np.float64)
        zero = np.flatnonzero(thresholds == 0)
        last_zero = self.summary().last_zero
        if zero.size and last_zero is not None and last_zero[1]:
            thresholds = thresholds.copy()
            thresholds[zero[0]] = -thresholds.dtype.type(0.0)
        gpos, gneg = groups.pos[::-1], groups.neg[::-1]
        return ScoreCurve(
            thresholds=thresholds,
            tps=np.cumsum(gpos) + above[0],
            fps=np.cumsum(gneg) + above[1],
            group_pos=gpos,
            group_neg=gneg,
            n_pos=p_tot,
            n_neg=n_tot,
        )

    def operating_point(
        self,
        optimise: str = "recall",
        subject_to: Mapping[str, str] | None = None,
        *,
        costs: Mapping[str, float] | None = None,
        beta: float = 1.0,
    ) -> OperatingPoint:
        """What :func:`~mlplan.core.metrics.operating_point.operating_point` returns on all rows."""
        objective = count_function(optimise, beta=beta, costs=costs)
        cons = [
            (parse_constraint(name, text), count_function(name, beta=beta, costs=costs))
            for name, text in (subject_to or {}).items()
        ]
        return self._point(objective, cons)

    def _point(
        self, objective: CountFunction, cons: Sequence[tuple[Constraint, CountFunction]]
    ) -> OperatingPoint:
        if objective.constant:
            raise MetricError(
                f"optimise: {objective.label!r} does not depend on the threshold; optimise a "
                "metric of the predictions and put cost metrics in subject_to"
            )
        if not (objective.monotone and all(f.monotone or f.constant for _, f in cons)):
            raise MetricError(
                f"out of core: the exact operating point of {objective.label} needs an objective "
                "and constraints that never fall with tp nor rise with fp (precision, recall, "
                "f1, fbeta, accuracy, balanced_accuracy, specificity, npv); mcc, kappa and "
                "formulas need every row in memory"
            )
        curve = self.curve([(objective, True, cons)])
        p_tot, n_tot = curve.n_pos, curve.n_neg
        idx = None
        if curve.size:
            idx = choose_candidate(curve.tps, curve.fps, p_tot, n_tot, objective, True, cons)
        if idx is not None:
            return point_at(curve, idx, objective)
        # unreachable: the best value each constraint reaches, over every threshold
        notes = self.curve([(f, con.wants_high, ()) for con, f in cons if not f.constant])
        note = unreachable_note(notes.tps, notes.fps, p_tot, n_tot, cons)
        return point_at(notes, None, objective, note)

    # ------------------------------------------------------- the policy
    def evaluate(
        self,
        policy: MetricPolicy,
        *,
        costs: Mapping[str, float] | None = None,
        n_resamples: int | None = None,
        confidence: float | None = None,
        seed: int = 0,
    ) -> OutOfCoreResult:
        """The plan's metric with its count-bootstrap interval (``rechoose=False`` in memory).

        Constrained policies choose the exact threshold (:meth:`operating_point`);
        the others count at 0.5. The interval resamples the four cells at that
        threshold, as :meth:`MetricPolicy.evaluate` does with ``rechoose=False``.
        """
        if policy.task != "binary":
            raise MetricError(f"out of core: binary tasks only; this plan's task is {policy.task}")
        ranked = sorted(policy.names & {"roc_auc", "average_precision"})
        if ranked:
            raise MetricError(
                f"out of core: {', '.join(ranked)} need the full ranking of the scores; "
                "not computed on a partitioned prediction set"
            )
        if policy.names & THRESHOLD_FREE:
            raise MetricError(
                "out of core: log_loss and brier have no count bootstrap; use a confusion metric"
            )
        if policy.kind != "constrained" and (
            policy.tunes_on_test or policy.fixed_threshold not in (None, 0.5)
        ):
            raise MetricError(
                "out of core: this policy's threshold is tuned or set away from 0.5; the "
                "out-of-core engine chooses thresholds for constrained policies only and counts "
                "others at 0.5 (set metric.threshold: 0.5, or use optimise + subject_to)"
            )
        b = policy.resamples if n_resamples is None else int(n_resamples)
        conf = policy.confidence if confidence is None else float(confidence)
        top = self.summary()
        rng = np.random.default_rng(seed)
        threshold: float | None = None
        if policy.kind == "constrained":
            assert policy.optimise is not None
            objective = count_function(policy.optimise, beta=policy.beta, costs=costs)
            cons = [
                (c, count_function(c.name, beta=policy.beta, costs=costs))
                for c in policy.constraints
            ]
            point = self._point(objective, cons)
            if not point.reachable or point.counts is None:
                result = PolicyResult(None, None, None, None, False, {}, point.note)
                return OutOfCoreResult(result, top.n, len(self.parts), self.passes)
            counts, threshold = point.counts, float(point.threshold)
            stat = _stat(objective, as_float=True)
            note = ""  # the result says what its interval is: "threshold fixed"
        else:
            tp, k = top.tp[0], top.k[0]
            counts = BinaryCounts(
                tp=tp, fp=k - tp, tn=top.n - top.n_pos - (k - tp), fn=top.n_pos - tp
            )
            parts = {n: count_function(n, beta=policy.beta, costs=costs) for n in policy.names}

            def combined(tp: Any, fp: Any, tn: Any, fn: Any) -> Any:
                return policy.combine({n: f(tp, fp, tn, fn) for n, f in parts.items()})

            stat = _stat(combined, as_float=False)
            note = ""
            threshold = 0.5 if policy.threshold_dependent else None
        metrics = binary_count_metrics(counts, policy.beta if policy.beta != 1.0 else None)
        if policy.kind == "constrained":
            value = float(stat(counts.as_array()[None, :])[0])
        else:
            value = float(
                policy.combine({**metrics, **{k: float(v) for k, v in (costs or {}).items()}})
            )
        lo = hi = None
        if b > 0 and not (policy.names <= COST_METRICS):
            cells = counts.as_array()
            reps = stat(multinomial_replicates(cells, b, rng))
            jack = count_jackknife(cells, stat)
            lo, hi = interval(reps, value, conf, policy.method, jack)
            bad = int(np.sum(~np.isfinite(reps)))
            if bad:
                note = join_notes(note, f"{bad} of {reps.size} resamples had no feasible value")
        result = PolicyResult(
            value,
            lo,
            hi,
            threshold,
            True,
            metrics,
            note,
            interval="threshold fixed" if lo is not None else "",
            tuned=policy.kind == "constrained",  # chosen on the very rows it is scored on
        )
        return OutOfCoreResult(result, top.n, len(self.parts), self.passes, counts)

    def standard_metrics(self) -> dict[str, float]:
        """Log loss and Brier score from the first pass's sums (when the scores are in [0, 1])."""
        top = self.summary()
        out = {}
        if top.log_loss_sum is not None and top.brier_sum is not None:
            out = {"log_loss": top.log_loss_sum / top.n, "brier": top.brier_sum / top.n}
        return out


def _stat(fn: Callable[..., Any], *, as_float: bool) -> Callable[[np.ndarray], np.ndarray]:
    """A statistic of cell-count rows ``(m, 4)``, as the in-memory policy computes it."""

    def stat(d: np.ndarray) -> np.ndarray:
        x = d.astype(np.float64) if as_float else d
        return np.asarray(fn(x[:, 0], x[:, 1], x[:, 2], x[:, 3]), dtype=np.float64)

    return stat


def _no_groups() -> Groups:
    return Groups(np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64))


def _holds(
    cons: Sequence[tuple[Constraint, CountFunction]], tp: Any, fp: Any, p: float, n: float
) -> Any:
    ok = np.ones(np.shape(tp), dtype=bool)
    for con, f in cons:
        ok &= con.holds(f(tp, fp, n - fp, p - tp))
    return ok


def _keep(
    pos: np.ndarray,
    neg: np.ndarray,
    above: tuple[int, int],
    p_tot: int,
    n_tot: int,
    targets: Targets,
) -> tuple[int, int] | None:
    """First and last bucket (decreasing scores) that can hold a best candidate of a target.

    A bucket is kept when its end point (an exact candidate) reaches the best
    feasible end value, or when the corners of its box -- ``[tp0, tp1] x [fp0, fp1]``
    bound every threshold inside for a monotone function -- can reach it. Ties are
    kept, so any tie rule chooses among all of them.
    """
    tp1 = above[0] + np.cumsum(pos).astype(np.float64)
    fp1 = above[1] + np.cumsum(neg).astype(np.float64)
    tp0, fp0 = tp1 - pos, fp1 - neg
    live = (pos + neg) > 0
    keep = np.zeros(pos.shape, dtype=bool)
    p, n = float(p_tot), float(n_tot)
    for f, maximise, cons in targets:
        sign = 1.0 if maximise else -1.0
        end = sign * f(tp1, fp1, n - fp1, p - tp1)
        ok = live & _holds(cons, tp1, fp1, p, n) & ~np.isnan(end)
        best = end[ok].max() if ok.any() else -np.inf
        # the corner where f is largest (maximise) or smallest, inside each bucket
        c_tp, c_fp = (tp1, fp0) if maximise else (tp0, fp1)
        bound = sign * f(c_tp, c_fp, n - c_fp, p - c_tp)
        inside = live & ((pos + neg) > 1)
        for con, g in cons:
            h_tp, h_fp = (tp1, fp0) if con.wants_high else (tp0, fp1)
            inside &= con.holds(g(h_tp, h_fp, n - h_fp, p - h_tp))
        keep |= (ok & (end == best)) | (inside & ((bound >= best) | np.isnan(bound)))
    found = np.flatnonzero(keep)
    if not found.size:
        return None
    return int(found[0]), int(found[-1])
