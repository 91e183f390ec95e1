"""Bootstrap confidence intervals without resampling rows one by one.

Three engines, all exactly equivalent in distribution to the ordinary row
bootstrap (draw ``n`` rows with replacement):

* **Counts** (:func:`multinomial_replicates`): a metric of a confusion matrix
  depends only on its cells, and the resampled cells are
  ``Multinomial(n, cells / n)``.  One counting pass plus ``B`` multinomial draws
  of 4 (binary), K² (multiclass) or 16 (two paired binary models) cells.
* **Re-chosen threshold** (:func:`rechosen_replicates`): the score curve is built
  once (one sort).  Groups of tied scores are gathered into blocks; a resample
  draws block counts, evaluates the objective at every block end, bounds it
  inside each block (metrics monotone in tp and fp), and refines only the blocks
  where the optimum can move, by drawing the block's group counts *conditionally*
  on its total (multinomial splitting is exact).  Non-monotone objectives refine
  every block (exact, O(groups) per resample).
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
from scipy.special import ndtr, ndtri

from mlplan.errors import MetricError
from mlplan.metrics.constraints import Constraint
from mlplan.metrics.counts import ScoreCurve
from mlplan.metrics.objective import CountFunction

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
    chunk: int = 64,
) -> tuple[F64, NDArray[np.int64]]:
    """Objective at the threshold re-chosen inside each bootstrap resample.

    Returns
    -------
    values : ndarray, shape (B,)
        Objective at the re-chosen threshold (NaN where unreachable).
    index : ndarray of int64, shape (B,)
        Chosen candidate index into ``curve.thresholds`` (-1 where unreachable).
    """
    sign = 1.0 if higher_is_better else -1.0
    monotone = higher_is_better and objective.monotone and all(f.monotone for _, f in constraints)
    starts = _blocks(curve)
    ends = starts[1:] - 1  # last group of each block
    bp = np.add.reduceat(curve.group_pos, starts[:-1])
    bn = np.add.reduceat(curve.group_neg, starts[:-1])
    m = bp.size
    cells = np.empty(2 * m, dtype=np.int64)
    cells[0::2], cells[1::2] = bp, bn
    n = int(cells.sum())
    values = np.full(n_resamples, np.nan)
    index = np.full(n_resamples, -1, dtype=np.int64)
    gpos, gneg = curve.group_pos, curve.group_neg
    for c0 in range(0, n_resamples, chunk):
        c1 = min(n_resamples, c0 + chunk)
        draws = rng.multinomial(n, cells / n, size=c1 - c0)
        dp = draws[:, 0::2].astype(np.float64)
        dn = draws[:, 1::2].astype(np.float64)
        TP = np.cumsum(dp, axis=1)
        FP = np.cumsum(dn, axis=1)
        P = TP[:, -1:]
        N = FP[:, -1:]
        ok = _holds_all(constraints, TP, FP, P, N) & ((TP + FP) > 0)
        val = sign * objective(TP, FP, N - FP, P - TP)
        ok &= ~np.isnan(val)
        masked = np.where(ok, val, -np.inf)
        best = masked.max(axis=1)
        # deepest block end reaching the best value
        has = np.isfinite(best)
        inc = np.where(has, m - 1 - np.argmax((masked == best[:, None])[:, ::-1], axis=1), -1)
        if monotone:
            TP0 = TP - dp
            FP0 = FP - dn
            ub_ok = np.ones(TP.shape, dtype=bool)
            for con, f in constraints:
                hi_tp, hi_fp = (TP, FP0) if con.wants_high else (TP0, FP)
                ub_ok &= con.holds(f(hi_tp, hi_fp, N - hi_fp, P - hi_tp))
            ub = objective(TP, FP0, N - FP0, P - TP)
            k = np.arange(m)[None, :]
            cand = ub_ok & ((ub > best[:, None]) | ((ub == best[:, None]) & (k > inc[:, None])))
            cand &= (dp + dn) > 1  # a block of one row has no interior threshold
        else:
            cand = (dp + dn) > 0
        for r in range(c1 - c0):
            b_val = best[r]
            b_idx = int(ends[inc[r]]) if inc[r] >= 0 else -1
            for k in np.flatnonzero(cand[r]):
                lo, hi = starts[k], starts[k + 1]
                if hi - lo <= 1:
                    continue
                gp, gn = gpos[lo:hi], gneg[lo:hi]
                tot_p, tot_n = int(draws[r, 2 * k]), int(draws[r, 2 * k + 1])
                sub_p = rng.multinomial(tot_p, gp / bp[k]) if tot_p else np.zeros(hi - lo, np.int64)
                sub_n = rng.multinomial(tot_n, gn / bn[k]) if tot_n else np.zeros(hi - lo, np.int64)
                tp = TP[r, k] - dp[r, k] + np.cumsum(sub_p)
                fp = FP[r, k] - dn[r, k] + np.cumsum(sub_n)
                real = (sub_p + sub_n) > 0  # thresholds present in this resample
                pr, nr = P[r, 0], N[r, 0]
                okk = real & _holds_all(constraints, tp, fp, pr, nr)
                if not okk.any():
                    continue
                v = sign * objective(tp, fp, nr - fp, pr - tp)
                okk &= ~np.isnan(v)
                if not okk.any():
                    continue
                top = v[okk].max()
                j = int(np.flatnonzero(okk & (v == top))[-1]) + int(lo)
                if top > b_val or (top == b_val and j > b_idx):
                    b_val, b_idx = top, j
            if b_idx >= 0:
                values[c0 + r] = sign * b_val
                index[c0 + r] = b_idx
    return values, index
