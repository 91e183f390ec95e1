"""Bootstrap confidence intervals without resampling rows one by one.

Three engines, all exactly equivalent in distribution to the ordinary row
bootstrap (draw ``n`` rows with replacement):

* **Counts** (:func:`multinomial_replicates`): a metric of a confusion matrix
  depends only on its cells, and the resampled cells are
  ``Multinomial(n, cells / n)``.  One counting pass plus ``B`` multinomial draws
  of 4 (binary), K² (multiclass) or 16 (two paired binary models) cells.
* **Re-chosen threshold** (:func:`rechosen_replicates`): the score curve is built
  once (one sort).  For metrics monotone in tp and fp (objective and
  constraints), a vectorised branch and bound over a binary tree of the sorted
  groups: a resample's counts are split node by node with exact conditional
  binomials, and only nodes whose corner bound can beat (or tie deeper) the best
  exact node end are split -- O(depth x a few nodes) draws per resample.  Other
  objectives gather groups into blocks, draw block counts, and refine the
  blocks with conditional multinomials (exact, O(groups) per resample), all
  resamples of a chunk at once.
* **Rows** (:func:`row_replicates`): generic index resampling for everything
  else (ROC AUC, log loss, regression), in chunks so memory stays O(n).

:func:`interval` turns replicates into a percentile or BCa interval (BCa needs
jackknife values, which for count metrics cost one evaluation per cell).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics.constraints import Constraint
from mlplan.core.metrics.counts import ScoreCurve
from mlplan.core.metrics.objective import CountFunction
from mlplan.errors import MetricError

__all__ = [
    "Jackknife",
    "count_jackknife",
    "interval",
    "multinomial_replicates",
    "rechosen_replicates",
    "row_replicates",
]

F64 = NDArray[np.float64]
Method = Literal["percentile", "bca"]


@dataclass(frozen=True)
class Jackknife:
    """Leave-one-out values with multiplicities (rows sharing a cell share a value)."""

    values: F64
    weights: F64


def multinomial_replicates(
    cells: NDArray[np.integer], n_resamples: int, rng: np.random.Generator, chunk: int = 100_000
) -> NDArray[np.int64]:
    """Draw ``n_resamples`` resampled cell-count vectors, shape ``(B, len(cells))``."""
    cells = np.asarray(cells, dtype=np.int64).ravel()
    n = int(cells.sum())
    if n == 0:
        raise MetricError("bootstrap: no rows to resample")
    p = cells / n
    return rng.multinomial(n, p, size=n_resamples).astype(np.int64)


def count_jackknife(
    cells: NDArray[np.integer], stat: Callable[[NDArray[np.int64]], F64]
) -> Jackknife:
    """Jackknife of a statistic of cell counts: one evaluation per non-empty cell.

    ``stat`` takes an array of shape ``(m, len(cells))`` and returns ``(m,)``.
    """
    cells = np.asarray(cells, dtype=np.int64).ravel()
    nz = np.flatnonzero(cells)
    drops = np.repeat(cells[None, :], nz.size, axis=0)
    drops[np.arange(nz.size), nz] -= 1
    return Jackknife(
        values=np.asarray(stat(drops), dtype=np.float64), weights=cells[nz].astype(np.float64)
    )


def interval(
    replicates: F64,
    estimate: float,
    confidence: float = 0.95,
    method: Method = "percentile",
    jackknife: Jackknife | None = None,
) -> tuple[float | None, float | None]:
    """Percentile or BCa interval from bootstrap replicates (NaN replicates ignored).

    Parameters
    ----------
    replicates : ndarray
        Statistic on each resample.
    estimate : float
        Statistic on the original data (BCa bias correction).
    confidence : float, default 0.95
    method : {"percentile", "bca"}
    jackknife : Jackknife, optional
        Required by BCa for the acceleration.

    Returns
    -------
    (lo, hi) : tuple of float or None
        None when there are no finite replicates.
    """
    if not 0.0 < confidence < 1.0:
        raise MetricError(f"confidence: must lie strictly between 0 and 1; got {confidence!r}")
    rep = np.asarray(replicates, dtype=np.float64)
    rep = rep[np.isfinite(rep)]
    if rep.size == 0:
        return None, None
    alpha = (1.0 - confidence) / 2.0
    probs = np.array([alpha, 1.0 - alpha])
    if method == "bca":
        if jackknife is None:
            raise MetricError("bootstrap: BCa needs jackknife values; use method='percentile'")
        from scipy.special import ndtr, ndtri  # only BCa needs the normal quantiles

        share = (np.sum(rep < estimate) + 0.5 * np.sum(rep == estimate)) / rep.size
        share = min(max(share, 0.5 / rep.size), 1 - 0.5 / rep.size)
        z0 = float(ndtri(share))
        w = jackknife.weights
        theta = jackknife.values
        mean = np.sum(w * theta) / np.sum(w)
        d = mean - theta
        den = 6.0 * np.sum(w * d * d) ** 1.5
        accel = float(np.sum(w * d**3) / den) if den > 0 else 0.0
        z = ndtri(probs)
        probs = ndtr(z0 + (z0 + z) / (1.0 - accel * (z0 + z)))
    elif method != "percentile":
        raise MetricError(f"method: {method!r} is not an interval method; allowed: percentile, bca")
    lo, hi = np.quantile(rep, probs)
    return float(lo), float(hi)


def row_replicates(
    n: int,
    stat: Callable[[NDArray[np.intp]], float],
    n_resamples: int,
    rng: np.random.Generator,
) -> F64:
    """Generic bootstrap: ``stat(indices)`` on ``n_resamples`` index resamples."""
    out = np.empty(n_resamples, dtype=np.float64)
    for b in range(n_resamples):
        out[b] = stat(rng.integers(0, n, size=n))
    return out


def _blocks(curve: ScoreCurve) -> NDArray[np.int64]:
    g = curve.size
    m = int(min(g, max(1, int(np.sqrt(2.0 * g)) + 1)))
    return np.unique(np.linspace(0, g, m + 1).astype(np.int64))


def _holds_all(
    constraints: Sequence[tuple[Constraint, CountFunction]], tp: F64, fp: F64, P: Any, N: Any
) -> NDArray[np.bool_]:
    ok = np.ones(np.broadcast(tp, fp).shape, dtype=bool)
    for con, f in constraints:
        ok &= con.holds(f(tp, fp, N - fp, P - tp))
    return ok


def rechosen_replicates(
    curve: ScoreCurve,
    objective: CountFunction,
    higher_is_better: bool,
    constraints: Sequence[tuple[Constraint, CountFunction]],
    n_resamples: int,
    rng: np.random.Generator,
    chunk: int = 256,
) -> tuple[F64, NDArray[np.int64]]:
    """Objective at the threshold re-chosen inside each bootstrap resample.

    Monotone objectives and constraints use a vectorised branch and bound over
    a binary tree of the sorted groups (:func:`_rechosen_tree`): a resample's
    counts are split node by node with exact conditional binomials, only where
    the optimum can lie, so a resample costs O(depth x a few nodes) draws.
    Other objectives use the two-level block bootstrap.  Resamples are
    processed ``chunk`` at a time; extra memory is O(groups + chunk x groups)
    at worst, never resamples x rows.

    Returns
    -------
    values : ndarray, shape (B,)
        Objective at the re-chosen threshold (NaN where unreachable).
    index : ndarray of int64, shape (B,)
        Chosen candidate index into ``curve.thresholds`` (-1 where unreachable);
        the deepest among equal values.
    """
    monotone = higher_is_better and objective.monotone and all(f.monotone for _, f in constraints)
    if monotone and curve.size > 1:
        return _rechosen_tree(curve, objective, constraints, n_resamples, rng, chunk)
    return _rechosen_blocks(
        curve, objective, higher_is_better, constraints, n_resamples, rng, chunk
    )


def _binomial_split(
    rng: np.random.Generator,
    count: NDArray[np.int64],
    part: NDArray[np.int64],
    whole: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Draw how many of ``count`` fall in ``part`` of ``whole`` (0 where ``whole`` is 0)."""
    prob = np.divide(part, whole, out=np.zeros(part.shape), where=whole > 0)
    return rng.binomial(count, np.minimum(prob, 1.0)).astype(np.int64)


def _rechosen_tree(
    curve: ScoreCurve,
    objective: CountFunction,
    constraints: Sequence[tuple[Constraint, CountFunction]],
    n_resamples: int,
    rng: np.random.Generator,
    chunk: int,
) -> tuple[F64, NDArray[np.int64]]:
    """Branch and bound over a binary tree of groups, all resamples of a chunk at once.

    A node is a range ``[lo, hi)`` of groups with its resampled positives and
    negatives ``(p, q)`` and the counts above it ``(tp0, fp0)``.  Its end point
    ``(tp0 + p, fp0 + q)`` is the exact point of its deepest present group (an
    incumbent); metrics monotone in tp and fp bound every point inside by the
    corners of ``[tp0, tp0 + p] x [fp0, fp0 + q]``.  A node is split (children
    drawn by conditional binomials, exact) only if that bound beats the
    incumbent, or ties it deeper.  The incumbent node is finally descended to
    its deepest present group to report the index.
    """
    cp = np.concatenate(([0], np.cumsum(curve.group_pos))).astype(np.int64)
    cn = np.concatenate(([0], np.cumsum(curve.group_neg))).astype(np.int64)
    g = curve.size
    n_pos, n_neg = int(cp[-1]), int(cn[-1])
    n = n_pos + n_neg
    values = np.full(n_resamples, np.nan)
    index = np.full(n_resamples, -1, dtype=np.int64)
    for c0 in range(0, n_resamples, chunk):
        r = min(n_resamples, c0 + chunk) - c0
        big_p = rng.binomial(n, n_pos / n, size=r).astype(np.int64)
        big_n = n - big_p
        fp_tot, tp_tot = big_n.astype(np.float64), big_p.astype(np.float64)
        # incumbent per resample: value and node (lo, hi, p, q, tp0, fp0)
        best = np.full(r, -np.inf)
        inc = np.zeros((6, r), dtype=np.int64)
        inc[1] = -1  # hi of no node
        # frontier of nodes to examine: resample, lo, hi, p, q, tp0, fp0
        res = np.arange(r)
        lo = np.zeros(r, dtype=np.int64)
        hi = np.full(r, g, dtype=np.int64)
        p, q = big_p, big_n
        tp0 = np.zeros(r, dtype=np.int64)
        fp0 = np.zeros(r, dtype=np.int64)
        while res.size:
            # exact end points -> incumbents (largest value, then deepest)
            live = (p + q) > 0
            res, lo, hi, p, q, tp0, fp0 = (a[live] for a in (res, lo, hi, p, q, tp0, fp0))
            if not res.size:
                break
            tp1 = (tp0 + p).astype(np.float64)
            fp1 = (fp0 + q).astype(np.float64)
            pt, nt = tp_tot[res], fp_tot[res]
            ok = _holds_all(constraints, tp1, fp1, pt, nt)
            v = objective(tp1, fp1, nt - fp1, pt - tp1)
            ok &= ~np.isnan(v)
            vm = np.where(ok, v, -np.inf)
            top = np.full(r, -np.inf)
            np.maximum.at(top, res, vm)
            at_top = np.isfinite(vm) & (vm == top[res])
            deep = np.full(r, -1, dtype=np.int64)
            np.maximum.at(deep, res[at_top], hi[at_top])
            win_r = (top > best) | ((top == best) & (deep > inc[1]))
            win_r &= np.isfinite(top)
            pick = at_top & (hi == deep[res]) & win_r[res]
            rr = res[pick]
            best[rr] = top[rr]
            inc[:, rr] = np.stack((lo[pick], hi[pick], p[pick], q[pick], tp0[pick], fp0[pick]))
            # bounds inside nodes; keep those that can beat (or tie deeper) the incumbent
            tp0f, fp0f = tp0.astype(np.float64), fp0.astype(np.float64)
            keep = ((hi - lo) > 1) & ((p + q) > 1)
            for con, f in constraints:
                a_tp, a_fp = (tp1, fp0f) if con.wants_high else (tp0f, fp1)
                keep &= con.holds(f(a_tp, a_fp, nt - a_fp, pt - a_tp))
            ub = objective(tp1, fp0f, nt - fp0f, pt - tp1)
            lb = best[res]
            keep &= (ub > lb) | ((ub == lb) & (hi > inc[1][res])) | np.isnan(ub)
            res, lo, hi, p, q, tp0, fp0 = (a[keep] for a in (res, lo, hi, p, q, tp0, fp0))
            if not res.size:
                break
            # split every kept node in two
            mid = (lo + hi) // 2
            p_left = _binomial_split(rng, p, cp[mid] - cp[lo], cp[hi] - cp[lo])
            q_left = _binomial_split(rng, q, cn[mid] - cn[lo], cn[hi] - cn[lo])
            res = np.concatenate((res, res))
            lo, hi = np.concatenate((lo, mid)), np.concatenate((mid, hi))
            tp0 = np.concatenate((tp0, tp0 + p_left))
            fp0 = np.concatenate((fp0, fp0 + q_left))
            p = np.concatenate((p_left, p - p_left))
            q = np.concatenate((q_left, q - q_left))
        found = np.flatnonzero(np.isfinite(best))
        values[c0 + found] = best[found]
        index[c0 + found] = _deepest_group(rng, inc[:, found], cp, cn)
    return values, index


def _deepest_group(
    rng: np.random.Generator, node: NDArray[np.int64], cp: NDArray[np.int64], cn: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Descend non-empty nodes ``(lo, hi, p, q, ...)`` to their deepest present group."""
    lo, hi, p, q = (node[i].copy() for i in range(4))
    while True:
        open_ = (hi - lo) > 1
        if not open_.any():
            return lo
        i = np.flatnonzero(open_)
        a, b = lo[i], hi[i]
        mid = (a + b) // 2
        p_left = _binomial_split(rng, p[i], cp[mid] - cp[a], cp[b] - cp[a])
        q_left = _binomial_split(rng, q[i], cn[mid] - cn[a], cn[b] - cn[a])
        right = (p[i] - p_left + q[i] - q_left) > 0
        lo[i] = np.where(right, mid, a)
        hi[i] = np.where(right, b, mid)
        p[i] = np.where(right, p[i] - p_left, p_left)
        q[i] = np.where(right, q[i] - q_left, q_left)


def _rechosen_blocks(
    curve: ScoreCurve,
    objective: CountFunction,
    higher_is_better: bool,
    constraints: Sequence[tuple[Constraint, CountFunction]],
    n_resamples: int,
    rng: np.random.Generator,
    chunk: int = 256,
) -> tuple[F64, NDArray[np.int64]]:
    """Two-level block bootstrap (any objective): exact, O(groups) per resample at worst.

    Resamples are processed ``chunk`` at a time, vectorised: block counts for
    the whole chunk in one multinomial call, then, block by block, the group
    counts of every resample that must refine that block in one conditional
    multinomial call (``rows x block size``).
    """
    sign = 1.0 if higher_is_better else -1.0
    monotone = higher_is_better and objective.monotone and all(f.monotone for _, f in constraints)
    starts = _blocks(curve)
    ends = starts[1:] - 1  # last group of each block
    widths = np.diff(starts)
    bp = np.add.reduceat(curve.group_pos, starts[:-1])
    bn = np.add.reduceat(curve.group_neg, starts[:-1])
    m = bp.size
    cells = np.empty(2 * m, dtype=np.int64)
    cells[0::2], cells[1::2] = bp, bn
    n = int(cells.sum())
    values = np.full(n_resamples, np.nan)
    index = np.full(n_resamples, -1, dtype=np.int64)
    gpos, gneg = curve.group_pos, curve.group_neg
    k_all = np.arange(m)[None, :]
    for c0 in range(0, n_resamples, chunk):
        c1 = min(n_resamples, c0 + chunk)
        draws = rng.multinomial(n, cells / n, size=c1 - c0)
        dp = draws[:, 0::2].astype(np.float64)
        dn = draws[:, 1::2].astype(np.float64)
        TP = np.cumsum(dp, axis=1)
        FP = np.cumsum(dn, axis=1)
        P = TP[:, -1:]
        N = FP[:, -1:]
        TP0 = TP - dp
        FP0 = FP - dn
        # exact points at every block end
        ok = _holds_all(constraints, TP, FP, P, N) & ((TP + FP) > 0)
        val = sign * objective(TP, FP, N - FP, P - TP)
        ok &= ~np.isnan(val)
        masked = np.where(ok, val, -np.inf)
        best = masked.max(axis=1)
        # deepest block end reaching the best value (-1: none feasible)
        inc = np.where(
            np.isfinite(best), m - 1 - np.argmax((masked == best[:, None])[:, ::-1], axis=1), -1
        )
        if monotone:
            ub_ok = np.ones(TP.shape, dtype=bool)
            for con, f in constraints:
                hi_tp, hi_fp = (TP, FP0) if con.wants_high else (TP0, FP)
                ub_ok &= con.holds(f(hi_tp, hi_fp, N - hi_fp, P - hi_tp))
            ub = objective(TP, FP0, N - FP0, P - TP)
            top = best[:, None]
            cand = ub_ok & ((ub > top) | ((ub == top) & (k_all > inc[:, None])) | np.isnan(ub))
            cand &= (dp + dn) > 1  # a block holding one resampled row has no interior threshold
        else:
            cand = (dp + dn) > 0
        cand &= widths[None, :] > 1  # a one-group block's only threshold is its end
        b_val = best
        b_idx = np.where(inc >= 0, ends[np.maximum(inc, 0)], -1)
        for k in np.flatnonzero(cand.any(axis=0)):
            rows = np.flatnonzero(cand[:, k])
            lo, hi = int(starts[k]), int(starts[k + 1])
            sub_p = _split(rng, draws[rows, 2 * k], gpos[lo:hi], int(bp[k]))
            sub_n = _split(rng, draws[rows, 2 * k + 1], gneg[lo:hi], int(bn[k]))
            real = (sub_p + sub_n) > 0  # thresholds present in the resample
            tp = np.cumsum(sub_p, axis=1, dtype=np.float64)
            tp += TP0[rows, k][:, None]
            fp = np.cumsum(sub_n, axis=1, dtype=np.float64)
            fp += FP0[rows, k][:, None]
            pr, nr = P[rows], N[rows]
            okk = real & _holds_all(constraints, tp, fp, pr, nr)
            v = sign * objective(tp, fp, nr - fp, pr - tp)
            okk &= ~np.isnan(v)
            vm = np.where(okk, v, -np.inf)
            top_k = vm.max(axis=1)
            j = lo + (hi - lo - 1) - np.argmax((vm == top_k[:, None])[:, ::-1], axis=1)
            cur_v, cur_j = b_val[rows], b_idx[rows]
            win = np.isfinite(top_k) & ((top_k > cur_v) | ((top_k == cur_v) & (j > cur_j)))
            b_val[rows[win]] = top_k[win]
            b_idx[rows[win]] = j[win]
        found = b_idx >= 0
        values[c0:c1] = np.where(found, sign * b_val, np.nan)
        index[c0:c1] = b_idx
    return values, index


def _split(
    rng: np.random.Generator, totals: NDArray[np.int64], groups: NDArray[np.int64], total: int
) -> NDArray[np.int64]:
    """Split each resampled block total over the block's groups (exact conditional multinomial)."""
    if total == 0 or not totals.any():
        return np.zeros((totals.size, groups.size), dtype=np.int64)
    return rng.multinomial(totals, groups / total)
