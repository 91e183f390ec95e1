"""Confusion counts: at one threshold, at every distinct threshold, and K x K.

All counts are int64; metrics are computed from them in float64, never float32.

The score curve follows scikit-learn's ``precision_recall_curve`` exactly: one
candidate per distinct score value, a row is predicted positive iff
``score >= threshold``, thresholds are values of the input array in its own
dtype, and ``-0.0`` equals ``+0.0`` (the representative of a tied group of
zeros is its *last* occurrence in input order, as with a stable descending
sort).  The curve is built from two value sorts (all scores, positive scores)
instead of an index sort, which is several times faster on large inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BinaryCounts",
    "ScoreCurve",
    "binary_counts",
    "counts_at_threshold",
    "multiclass_confusion",
    "score_curve",
]


@dataclass(frozen=True)
class BinaryCounts:
    """The four cells of a binary confusion matrix.

    Attributes
    ----------
    tp, fp, tn, fn : int
        Cell counts.
    """

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def n(self) -> int:
        """Number of rows."""
        return self.tp + self.fp + self.tn + self.fn

    def as_array(self) -> NDArray[np.int64]:
        """Return ``[tp, fp, tn, fn]`` as int64."""
        return np.array([self.tp, self.fp, self.tn, self.fn], dtype=np.int64)

    def __add__(self, other: BinaryCounts) -> BinaryCounts:
        return BinaryCounts(
            self.tp + other.tp, self.fp + other.fp, self.tn + other.tn, self.fn + other.fn
        )


def binary_counts(y_true: NDArray[np.bool_], y_pred: NDArray[np.bool_]) -> BinaryCounts:
    """Count the confusion cells of boolean truth and predictions (one pass each)."""
    n = int(y_true.size)
    p = int(np.count_nonzero(y_true))
    k = int(np.count_nonzero(y_pred))
    tp = int(np.count_nonzero(y_true & y_pred))
    return BinaryCounts(tp=tp, fp=k - tp, tn=n - p - (k - tp), fn=p - tp)


def counts_at_threshold(
    y_true: NDArray[np.bool_], y_score: NDArray[Any], threshold: float
) -> BinaryCounts:
    """Confusion cells when a row is positive iff ``score >= threshold``."""
    return binary_counts(y_true, y_score >= threshold)


@dataclass(frozen=True)
class ScoreCurve:
    """Cumulative counts at every distinct score, from the highest threshold down.

    Attributes
    ----------
    thresholds : ndarray
        Distinct score values in decreasing order, in the input dtype.
    tps, fps : ndarray of int64
        True and false positives when predicting ``score >= thresholds[i]``.
    group_pos, group_neg : ndarray of int64
        Positives and negatives whose score equals ``thresholds[i]``.
    n_pos, n_neg : int
        Totals.
    """

    thresholds: NDArray[Any]
    tps: NDArray[np.int64]
    fps: NDArray[np.int64]
    group_pos: NDArray[np.int64]
    group_neg: NDArray[np.int64]
    n_pos: int
    n_neg: int

    @property
    def size(self) -> int:
        """Number of candidate thresholds."""
        return int(self.thresholds.size)

    def counts(self, i: int) -> BinaryCounts:
        """Confusion cells at candidate ``i``."""
        tp, fp = int(self.tps[i]), int(self.fps[i])
        return BinaryCounts(tp=tp, fp=fp, tn=self.n_neg - fp, fn=self.n_pos - tp)


def score_curve(y_true: NDArray[np.bool_], y_score: NDArray[Any]) -> ScoreCurve:
    """Build the exact cumulative-count curve of ``y_score`` (validated 1-D, finite).

    Parameters
    ----------
    y_true : ndarray of bool
    y_score : ndarray of float32 or float64

    Returns
    -------
    ScoreCurve
    """
    n = int(y_score.size)
    ordered = np.sort(y_score)  # ascending; -0.0 and +0.0 compare equal
    if n > 1:
        change = ordered[1:] != ordered[:-1]
        starts = np.flatnonzero(np.concatenate(([True], change)))
        del change
    else:
        starts = np.zeros(1, dtype=np.int64)
    distinct = ordered[starts]
    del ordered
    sizes = np.empty(starts.size, dtype=np.int64)
    np.subtract(starts[1:], starts[:-1], out=sizes[:-1])
    sizes[-1] = n - starts[-1]
    del starts
    pos_sorted = np.sort(y_score[y_true])
    where = np.searchsorted(distinct, pos_sorted, side="left")
    del pos_sorted
    gpos = np.bincount(where, minlength=distinct.size)[::-1]
    del where
    # highest threshold first (reversed views; cumsum writes fresh arrays)
    thresholds = distinct[::-1]
    gneg = sizes[::-1] - gpos
    tps = np.cumsum(gpos)
    fps = np.cumsum(gneg)
    zero = np.flatnonzero(thresholds == 0)
    if zero.size:
        # scikit-learn keeps the last occurrence (in input order) of a tied group
        last = n - 1 - int(np.argmax(y_score[::-1] == 0))
        thresholds = thresholds.copy()
        thresholds[zero[0]] = y_score[last]
    return ScoreCurve(
        thresholds=thresholds,
        tps=tps,
        fps=fps,
        group_pos=gpos,
        group_neg=gneg,
        n_pos=int(tps[-1]),
        n_neg=int(fps[-1]),
    )


def multiclass_confusion(
    y_true: NDArray[np.int64], y_pred: NDArray[np.int64], k: int
) -> NDArray[np.int64]:
    """K x K confusion matrix (rows: truth, columns: prediction), one bincount pass."""
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k).astype(np.int64)
