"""Exact operating points without a full sort: prune by radix buckets, sort only where it matters.

Scores are mapped to order-preserving integer keys (the float32 IEEE bits with
the sign handled; float64 scores are first rounded to float32, which keeps their
order and never separates equal values) and rows are counted per bucket of the
top ``bits`` key bits, in one O(n) chunked ``bincount`` pass.  Cumulative counts from the highest bucket down give, for every
bucket ``b`` with counts ``(TP0, FP0)`` above it and ``(tp_b, fp_b)`` inside:

* the *exact* point at the bucket's lowest score, ``(TP0 + tp_b, FP0 + fp_b)``,
  a real candidate threshold;
* a box ``[TP0, TP0 + tp_b] x [FP0, FP0 + fp_b]`` containing every threshold
  inside the bucket.  For a metric that never decreases with tp and never
  increases with fp (:data:`~mlplan.core.metrics.definitions.MONOTONE_BINARY`, cost
  constants) the box corners bound it: a lower-bound constraint is reachable in
  ``b`` only if it holds at ``(TP0 + tp_b, FP0)``, an upper-bound constraint only
  if it holds at ``(TP0, FP0 + fp_b)``, and the objective is at most its value
  at ``(TP0 + tp_b, FP0)``.

The best feasible bucket end is a valid incumbent; only buckets whose bound
can beat or tie it can hold the optimum or a point tied with it (the tie rule of
:func:`~mlplan.core.metrics.operating_point.choose_candidate` looks at every tied
point), and bucket ends that tie it are kept too.  Their rows -- one
contiguous score range, usually a tiny share of the input -- are gathered and
sorted exactly as :func:`~mlplan.core.metrics.counts.score_curve` does, and their
cumulative counts are offset by the counts above the range.  Ties never cross a
bucket border (equal scores have equal keys; ``-0.0`` and ``+0.0`` share one
merged bucket), so the result is the full-sort result bit for bit.

:func:`bucketed_curve` returns ``None`` when pruning does not apply (a
non-monotone or lower-is-better objective, a non-monotone constraint, no
feasible bucket end, or a range too large to be worth it); the caller then
builds the full curve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics.constraints import Constraint
from mlplan.core.metrics.counts import ScoreCurve, score_curve
from mlplan.core.metrics.objective import CountFunction

__all__ = ["MIN_ROWS", "bucket_counts", "bucketed_curve"]

#: Below this many rows the full sort is as fast; :func:`bucketed_curve` declines.
MIN_ROWS = 200_000
#: Leading key bits per bucket (of the float32 pattern: sign, 8 exponent, 7 mantissa bits).
DEFAULT_BITS = 16
#: Pruning gives up (full sort instead) when the range to sort exceeds this share of rows.
MAX_SHARE = 0.5
_CHUNK = 1 << 20

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


def bucket_counts(y: NDArray[np.bool_], s: NDArray[Any], bits: int) -> tuple[I64, I64]:
    """Negatives and positives per bucket, in decreasing score order.

    Parameters
    ----------
    y : ndarray of bool
    s : ndarray of float32
        Finite scores (float64 scores are bucketed by their float32 rounding,
        which preserves order and never separates equal values).
    bits : int
        Number of leading key bits per bucket (2..24).

    Returns
    -------
    neg, pos : ndarray of int64, shape ``(2**bits - 1,)``
        Logical bucket ``j`` (``0`` holds the highest scores).  The two raw
        buckets around zero (``+0.0`` with the smallest positives, ``-0.0`` with
        the smallest negatives) are merged into one, so that ``-0.0 == +0.0``.
    """
    k = 1 << bits
    shift = 32 - bits
    word = s.view(np.uint32)
    n = int(s.size)
    table = np.zeros(2 * k, dtype=np.int64)
    chunk = max(_CHUNK, 4 * k)
    buf = np.empty(min(chunk, n), dtype=np.intp)
    for i in range(0, n, chunk):
        m = min(chunk, n - i)
        b = buf[:m]
        b[...] = word[i : i + m]
        b >>= shift - 1
        b &= ~1
        b |= y[i : i + m]
        table += np.bincount(b, minlength=2 * k)
    neg_raw, pos_raw = table[0::2], table[1::2]
    half = k >> 1
    # decreasing value: non-negative keys from the top down, then negative keys by magnitude
    order = np.concatenate((np.arange(half - 1, -1, -1), np.arange(half, k)))
    neg = neg_raw[order]
    pos = pos_raw[order]
    neg[half - 1] += neg[half]
    pos[half - 1] += pos[half]
    return np.delete(neg, half), np.delete(pos, half)


def _bounds(j_top: int, j_bottom: int, bits: int) -> tuple[np.float32, np.float32]:
    """Lowest float32 of logical bucket ``j_bottom`` and highest of ``j_top`` (``j_top <= j_bottom``)."""
    k = 1 << bits
    half = k >> 1
    shift = 32 - bits
    low_mask = (1 << shift) - 1

    def raw(j: int) -> int:
        return half - 1 - j if j <= half - 1 else j + 1  # the merged zero bucket: raw 0 (and half)

    def as_float(pattern: int) -> np.float32:
        return np.array([pattern], dtype=np.uint32).view(np.float32)[0]

    r = raw(j_top)
    # highest value: for a non-negative raw key its all-ones tail, for a negative its zero tail
    hi = as_float((r << shift) | low_mask) if r < half else as_float(r << shift)
    r = raw(j_bottom)
    if j_bottom == half - 1:
        r = half  # the merged zero bucket reaches down to the smallest negatives
    lo = as_float(r << shift) if r < half else as_float((r << shift) | low_mask)
    # the buckets of +-inf (float64 scores beyond the float32 range) end in NaN patterns
    if np.isnan(hi):
        hi = np.float32(np.inf)
    if np.isnan(lo):
        lo = np.float32(-np.inf)
    return lo, hi


def _holds_all(
    constraints: Sequence[tuple[Constraint, CountFunction]], tp: F64, fp: F64, p: float, n: float
) -> NDArray[np.bool_]:
    ok = np.ones(tp.shape, dtype=bool)
    for con, f in constraints:
        ok &= con.holds(f(tp, fp, n - fp, p - tp))
    return ok


def bucketed_curve(
    y: NDArray[np.bool_],
    s: NDArray[Any],
    objective: CountFunction,
    higher_is_better: bool,
    constraints: Sequence[tuple[Constraint, CountFunction]],
    *,
    bits: int | None = None,
    min_rows: int | None = None,
) -> ScoreCurve | None:
    """The part of the score curve that can hold the constrained optimum, or None.

    Parameters
    ----------
    y : ndarray of bool
    s : ndarray of float32 or float64
        Validated, finite scores.
    objective, higher_is_better, constraints
        As for :func:`~mlplan.core.metrics.operating_point.choose_candidate`.
    bits : int, optional
        Leading bits of the float32 key per bucket (default :data:`DEFAULT_BITS`).
    min_rows : int, optional
        Decline below this many rows (default :data:`MIN_ROWS`).

    Returns
    -------
    ScoreCurve or None
        Candidates of one contiguous score range, with cumulative counts over
        *all* rows above each threshold and the global class totals; choosing
        on it gives the same index-free result (threshold, counts) as on the
        full curve.  None when pruning does not apply.
    """
    n = int(s.size)
    if n < (MIN_ROWS if min_rows is None else min_rows):
        return None
    if not (higher_is_better and objective.monotone and all(f.monotone for _, f in constraints)):
        return None
    if s.dtype == np.float32:
        s32 = s
    elif s.dtype == np.float64:
        with np.errstate(over="ignore"):
            s32 = s.astype(np.float32)  # monotone rounding: equal scores stay together
    else:
        return None
    nbits = DEFAULT_BITS if bits is None else int(bits)
    neg, pos = bucket_counts(y, s32, nbits)
    size = neg + pos
    tps = np.cumsum(pos)
    fps = np.cumsum(neg)
    p_tot, n_tot = float(tps[-1]), float(fps[-1])
    tp1 = tps.astype(np.float64)
    fp1 = fps.astype(np.float64)
    tp0 = tp1 - pos
    fp0 = fp1 - neg
    live = size > 0
    # exact points at every bucket end
    ok_end = live & _holds_all(constraints, tp1, fp1, p_tot, n_tot)
    v_end = objective(tp1, fp1, n_tot - fp1, p_tot - tp1)
    ok_end &= ~np.isnan(v_end)
    if not ok_end.any():
        return None
    best = v_end[ok_end].max()
    tol = 1e-12 * max(1.0, abs(float(best)))  # as choose_candidate's tie tolerance
    tied = np.flatnonzero(ok_end & (v_end >= best - tol))
    # bounds inside every bucket
    ub_ok = live & (size > 1)
    for con, f in constraints:
        hi_tp, hi_fp = (tp1, fp0) if con.wants_high else (tp0, fp1)
        ub_ok &= con.holds(f(hi_tp, hi_fp, n_tot - hi_fp, p_tot - hi_tp))
    ub = objective(tp1, fp0, n_tot - fp0, p_tot - tp1)
    refine = np.flatnonzero(ub_ok & ((ub >= best - tol) | np.isnan(ub)))
    j_top = min(int(tied[0]), int(refine[0])) if refine.size else int(tied[0])
    j_bottom = max(int(tied[-1]), int(refine[-1])) if refine.size else int(tied[-1])
    rows = int(size[j_top : j_bottom + 1].sum())
    if rows > MAX_SHARE * n:
        return None
    lo, hi = _bounds(j_top, j_bottom, nbits)
    mask = s32 >= lo
    mask &= s32 <= hi
    part = score_curve(y[mask], s[mask])
    tp_above, fp_above = int(tps[j_top] - pos[j_top]), int(fps[j_top] - neg[j_top])
    return ScoreCurve(
        thresholds=part.thresholds,
        tps=part.tps + tp_above,
        fps=part.fps + fp_above,
        group_pos=part.group_pos,
        group_neg=part.group_neg,
        n_pos=int(p_tot),
        n_neg=int(n_tot),
    )
