"""One pass over a part of a prediction set too large for memory: mergeable counts.

A *part* is whatever a reader turns into chunks of ``(y_true, y_score)`` arrays (a
Parquet file, a row group, a Dask partition). Each pass function reads one part
chunk by chunk and returns a small record that merges exactly (int64 sums), so
parts can be counted anywhere, in any order, and added up:

* :func:`summary_pass` -- rows, positives, confusion counts at fixed
  thresholds, log-loss and Brier sums, and a histogram of the scores over the
  leading bits of an order-preserving 64-bit key (:func:`score_keys`);
* :func:`histogram_pass` -- the histogram of one key range, finer;
* :func:`groups_pass` -- the exact distinct scores of one key range with their
  positives and negatives.

Memory per pass is one chunk plus the record (``2 x 2**bits`` int64 counts, or
the distinct scores of the range), never the part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics._validate import as_binary_labels, as_scores, check_lengths
from mlplan.errors import MetricError

__all__ = [
    "KEY_BITS",
    "Groups",
    "Histogram",
    "Reader",
    "Summary",
    "groups_pass",
    "histogram_pass",
    "score_keys",
    "summary_pass",
]

#: A reader: ``read(part)`` yields ``(y_true, y_score)`` chunks of that part.
Reader = Callable[[Any], Iterable[tuple[Any, Any]]]
#: Width of the order-preserving score key.
KEY_BITS = 64
_TOP = np.uint64(1 << 63)
I64 = NDArray[np.int64]


def score_keys(s: NDArray[Any]) -> NDArray[np.uint64]:
    """Order-preserving 64-bit keys of float32/float64 scores (``-0.0`` keys as ``+0.0``).

    ``a < b`` iff ``key(a) < key(b)`` and ``a == b`` iff their keys are equal, so
    equal scores never fall in different buckets of any key range.
    """
    s = s + s.dtype.type(0.0)  # -0.0 + 0.0 is +0.0
    if s.dtype == np.float64:
        bits = s.view(np.uint64)
    else:
        bits = s.view(np.uint32).astype(np.uint64) << np.uint64(32)
    negative = (bits & _TOP) != 0
    return np.where(negative, ~bits, bits | _TOP)


@dataclass(frozen=True)
class Histogram:
    """Negatives and positives per key bucket: bucket ``j`` holds keys ``lo + j*width ...``.

    Buckets are in increasing score order; ``width * len(pos)`` covers the range.
    """

    lo: int
    width: int
    pos: I64
    neg: I64

    def __add__(self, other: Histogram) -> Histogram:
        return Histogram(self.lo, self.width, self.pos + other.pos, self.neg + other.neg)


@dataclass(frozen=True)
class Summary:
    """What the first pass counts in a part (merges with ``+``; parts keep their order).

    Attributes
    ----------
    order : int
        The first part's position (the ``-0.0``/``+0.0`` representative is the last
        zero in input order, so merging keeps the later part's).
    n, n_pos : int
    dtype : str
        The scores' dtype (every part must share it).
    thresholds : tuple of float
    tp, k : tuple of int
        True and all positives when ``score >= threshold``, per threshold.
    log_loss_sum, brier_sum : float or None
        None once a score lies outside [0, 1].
    histogram : Histogram
    last_zero : tuple of (int, bool) or None
        ``(part, is_negative_zero)`` of the last zero score seen.
    """

    order: int
    n: int
    n_pos: int
    dtype: str
    thresholds: tuple[float, ...]
    tp: tuple[int, ...]
    k: tuple[int, ...]
    log_loss_sum: float | None
    brier_sum: float | None
    histogram: Histogram
    last_zero: tuple[int, bool] | None

    def __add__(self, other: Summary) -> Summary:
        first, second = (self, other) if self.order <= other.order else (other, self)
        if first.n and second.n and first.dtype != second.dtype:
            raise MetricError(
                f"out of core: the scores are {first.dtype} in one part and {second.dtype} "
                "in another; write every part with one dtype"
            )
        zeros = [z for z in (first.last_zero, second.last_zero) if z is not None]

        def add(a: float | None, b: float | None) -> float | None:
            return None if a is None or b is None else a + b

        return Summary(
            order=first.order,
            n=first.n + second.n,
            n_pos=first.n_pos + second.n_pos,
            dtype=first.dtype if first.n else second.dtype,
            thresholds=first.thresholds,
            tp=tuple(a + b for a, b in zip(first.tp, second.tp, strict=True)),
            k=tuple(a + b for a, b in zip(first.k, second.k, strict=True)),
            log_loss_sum=add(first.log_loss_sum, second.log_loss_sum),
            brier_sum=add(first.brier_sum, second.brier_sum),
            histogram=first.histogram + second.histogram,
            last_zero=max(zeros) if zeros else None,
        )


@dataclass(frozen=True)
class Groups:
    """Distinct scores of a key range (increasing) with their positives and negatives."""

    values: NDArray[Any]
    pos: I64
    neg: I64

    def __add__(self, other: Groups) -> Groups:
        if not self.values.size or not other.values.size:
            return self if other.values.size == 0 else other
        values = np.concatenate((self.values, other.values))
        distinct, where = np.unique(values, return_inverse=True)
        pos = np.bincount(where, np.concatenate((self.pos, other.pos)), distinct.size)
        neg = np.bincount(where, np.concatenate((self.neg, other.neg)), distinct.size)
        return Groups(distinct, pos.astype(np.int64), neg.astype(np.int64))


def _chunks(read: Reader, part: Any) -> Iterable[tuple[NDArray[np.bool_], NDArray[Any]]]:
    for i, (yc, sc) in enumerate(read(part)):
        if len(yc) == 0 and len(sc) == 0:
            continue  # an empty batch (row group) counts nothing
        y = as_binary_labels(np.asarray(yc), f"y_true ({part}, chunk {i})")
        s = as_scores(np.asarray(sc), f"y_score ({part}, chunk {i})")
        check_lengths(f"{part}, chunk {i}", y_true=y, y_score=s)
        yield y, s


def _bucket(keys: NDArray[np.uint64], lo: int, width: int) -> NDArray[np.intp]:
    return ((keys - np.uint64(lo)) // np.uint64(width)).astype(np.intp)


def summary_pass(
    read: Reader, part: Any, order: int, thresholds: Sequence[float], bits: int
) -> Summary:
    """The first pass over one part: counts, sums and the score histogram of ``bits`` bits."""
    size = 1 << bits
    ts = tuple(float(t) for t in thresholds)
    tp, k = np.zeros(len(ts), np.int64), np.zeros(len(ts), np.int64)
    table = np.zeros(2 * size, np.int64)
    n = p = 0
    ll: float | None = 0.0
    br: float | None = 0.0
    dtype = ""
    last_zero: tuple[int, bool] | None = None
    for y, s in _chunks(read, part):
        if dtype and s.dtype.name != dtype:
            raise MetricError(f"{part}: scores change dtype from {dtype} to {s.dtype.name}")
        dtype = s.dtype.name
        n += y.size
        p += int(np.count_nonzero(y))
        ys = s[y]
        for j, t in enumerate(ts):
            k[j] += int(np.count_nonzero(s >= t))
            tp[j] += int(np.count_nonzero(ys >= t))
        if ll is not None and br is not None:
            if s.size and (s.min() < 0 or s.max() > 1):
                ll = br = None
            else:
                eps = np.finfo(s.dtype).eps
                q = np.clip(s, eps, 1 - eps).astype(np.float64)
                ll += float(-np.sum(np.where(y, np.log(q), np.log1p(-q))))
                d = s.astype(np.float64) - y
                br += float(np.sum(d * d))
        cell = _bucket(score_keys(s), 0, 1 << (KEY_BITS - bits)) * 2 + y
        table += np.bincount(cell, minlength=2 * size)
        zeros = np.flatnonzero(s == 0)
        if zeros.size:
            last_zero = (order, bool(np.signbit(s[zeros[-1]])))
    return Summary(
        order=order,
        n=n,
        n_pos=p,
        dtype=dtype,
        thresholds=ts,
        tp=tuple(int(v) for v in tp),
        k=tuple(int(v) for v in k),
        log_loss_sum=ll,
        brier_sum=br,
        histogram=Histogram(0, 1 << (KEY_BITS - bits), table[1::2].copy(), table[0::2].copy()),
        last_zero=last_zero,
    )


def histogram_pass(read: Reader, part: Any, lo: int, width: int, size: int) -> Histogram:
    """Positives and negatives of one part in ``size`` buckets of ``width`` keys from ``lo``."""
    table = np.zeros(2 * size, np.int64)
    hi = np.uint64(lo + width * size - 1)
    for y, s in _chunks(read, part):
        keys = score_keys(s)
        inside = (keys >= np.uint64(lo)) & (keys <= hi)
        cell = _bucket(keys[inside], lo, width) * 2 + y[inside]
        table += np.bincount(cell, minlength=2 * size)
    return Histogram(lo, width, table[1::2].copy(), table[0::2].copy())


def groups_pass(read: Reader, part: Any, lo: int, hi: int) -> Groups:
    """The distinct scores of one part with keys in ``[lo, hi]``, counted by class."""
    found = Groups(np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64))
    for y, s in _chunks(read, part):
        keys = score_keys(s)
        inside = (keys >= np.uint64(lo)) & (keys <= np.uint64(hi))
        if not inside.any():
            continue
        values, where = np.unique(s[inside] + s.dtype.type(0.0), return_inverse=True)
        pos = np.bincount(where, y[inside], values.size).astype(np.int64)
        total = np.bincount(where, minlength=values.size).astype(np.int64)
        found = found + Groups(values, pos, total - pos)
    return found
