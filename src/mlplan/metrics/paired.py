"""Paired comparison of two models scored on the same rows.

For confusion metrics the rows fall into joint cells ``(truth, label of a,
label of b)`` -- 8 for binary, K³ for multiclass -- and resampling rows draws
those cells from a multinomial, so the interval of the difference costs one
counting pass plus ``B`` small draws.  McNemar's exact test uses the discordant
cells; DeLong's test compares ROC AUCs of scores (normal interval from the
DeLong covariance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri
from scipy.stats import binom, rankdata

from mlplan.errors import MetricError
from mlplan.metrics._validate import as_binary_labels, as_class_codes, as_scores, check_lengths
from mlplan.metrics.bootstrap import count_jackknife, interval, multinomial_replicates
from mlplan.metrics.definitions import BINARY_CONFUSION, confusion_value, higher_is_better
from mlplan.metrics.multiclass import MULTICLASS_CONFUSION, multiclass_value

__all__ = ["Comparison", "compare", "delong", "mcnemar"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Comparison:
    """Model ``b`` against model ``a`` on the same rows.

    Attributes
    ----------
    metric : str
    value_a, value_b : float
    difference : float
        ``value_b - value_a`` (positive: b is larger).
    lo, hi : float or None
        Interval of the difference.
    p_value : float or None
        Two-sided p-value of "no difference": McNemar (exact) for labels, DeLong
        for ``roc_auc``.
    test : str
        Which test gave ``p_value``.
    higher_is_better : bool
    n : int
    note : str
    """

    metric: str
    value_a: float
    value_b: float
    difference: float
    lo: float | None
    hi: float | None
    p_value: float | None
    test: str
    higher_is_better: bool
    n: int
    note: str = ""

    @property
    def b_better(self) -> bool:
        """True if b improves on a and the interval excludes zero."""
        if self.lo is None or self.hi is None:
            return False
        return self.lo > 0 if self.higher_is_better else self.hi < 0


def mcnemar(a_correct: NDArray[np.bool_], b_correct: NDArray[np.bool_]) -> tuple[float, int, int]:
    """Exact two-sided McNemar test; returns ``(p, n_a_only, n_b_only)``."""
    n01 = int(np.count_nonzero(a_correct & ~b_correct))
    n10 = int(np.count_nonzero(~a_correct & b_correct))
    m = n01 + n10
    if m == 0:
        return 1.0, n01, n10
    p = float(min(1.0, 2.0 * binom.cdf(min(n01, n10), m, 0.5)))
    return p, n01, n10


def _placements(y: NDArray[np.bool_], s: F64) -> tuple[F64, F64, float]:
    pos, neg = s[y], s[~y]
    m, n = pos.size, neg.size
    r_all = rankdata(np.concatenate([pos, neg]))
    r_pos = rankdata(pos)
    r_neg = rankdata(neg)
    v10 = (r_all[:m] - r_pos) / n  # share of negatives below each positive (ties 1/2)
    v01 = 1.0 - (r_all[m:] - r_neg) / m
    auc = float(v10.mean())
    return v10, v01, auc


def delong(y: NDArray[np.bool_], s_a: F64, s_b: F64) -> tuple[float, float, float, float]:
    """DeLong test for two correlated ROC AUCs: ``(auc_a, auc_b, var_of_diff, p)``."""
    if y.all() or not y.any():
        raise MetricError("compare: roc_auc needs both classes in y_true")
    a10, a01, auc_a = _placements(y, s_a)
    b10, b01, auc_b = _placements(y, s_b)
    m, n = a10.size, a01.size
    s10 = np.cov(np.vstack([a10, b10])) if m > 1 else np.zeros((2, 2))
    s01 = np.cov(np.vstack([a01, b01])) if n > 1 else np.zeros((2, 2))
    cov = s10 / m + s01 / n
    var = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    if var <= 0:
        return auc_a, auc_b, 0.0, 1.0 if auc_a == auc_b else 0.0
    z = (auc_b - auc_a) / np.sqrt(var)
    return auc_a, auc_b, var, float(2 * ndtr(-abs(z)))


def _labels(y: Any, pred: Any, threshold: float, where: str) -> NDArray[np.bool_]:
    arr = np.asarray(pred)
    if arr.dtype == np.bool_ or (arr.dtype.kind in "iu" and np.isin(arr, (0, 1)).all()):
        return as_binary_labels(arr, where)
    return as_scores(arr, where) >= threshold


def compare(
    y_true: Any,
    a: Any,
    b: Any,
    *,
    metric: str = "f1",
    task: Literal["binary", "multiclass"] = "binary",
    threshold: float | tuple[float, float] = 0.5,
    averaging: str = "macro",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    method: Literal["percentile", "bca"] = "percentile",
) -> Comparison:
    """Compare models ``a`` and ``b`` on the same rows: difference, interval, test.

    Parameters
    ----------
    y_true : array_like
        Binary 0/1 labels or multiclass codes.
    a, b : array_like
        Each model's predictions: binary labels (0/1 or bool), binary scores
        (thresholded at ``threshold``; also used directly by ``roc_auc``), or
        multiclass codes.
    metric : str, default "f1"
        A confusion metric, or ``roc_auc`` for binary scores (DeLong).
    task : {"binary", "multiclass"}
    threshold : float or (float, float), default 0.5
        Decision threshold(s) for scores of a and b (e.g. their operating points).
    averaging : {"macro", "micro", "weighted"}
        Multiclass averaging.
    n_resamples, confidence, seed, method
        Paired bootstrap settings (multinomial over joint cells).

    Returns
    -------
    Comparison

    Examples
    --------
    >>> c = compare([0, 1, 1, 0, 1], [0, 1, 0, 0, 1], [0, 1, 1, 0, 1], metric="accuracy")
    >>> round(c.difference, 2), c.test
    (0.2, 'mcnemar')
    """
    rng = np.random.default_rng(seed)
    y: NDArray[Any]
    if task == "binary" and metric == "roc_auc":
        y = as_binary_labels(y_true)
        sa, sb = as_scores(a, "a").astype(np.float64), as_scores(b, "b").astype(np.float64)
        check_lengths("compare", y_true=y, a=sa, b=sb)
        auc_a, auc_b, var, p = delong(y, sa, sb)
        half = float(ndtri(0.5 + confidence / 2.0)) * np.sqrt(var)
        d = auc_b - auc_a
        return Comparison(
            metric,
            auc_a,
            auc_b,
            d,
            float(d - half),
            float(d + half),
            p,
            "delong",
            True,
            int(y.size),
            "normal interval from the DeLong covariance",
        )
    ta, tb = threshold if isinstance(threshold, tuple) else (threshold, threshold)
    if task == "binary":
        if metric not in BINARY_CONFUSION and metric != "fbeta":
            raise MetricError(
                f"compare: metric {metric!r} is not supported for paired binary comparison; "
                f"allowed: {', '.join(BINARY_CONFUSION)}, roc_auc"
            )
        y = as_binary_labels(y_true)
        pa = _labels(y, a, ta, "a")
        pb = _labels(y, b, tb, "b")
        check_lengths("compare", y_true=y, a=pa, b=pb)
        joint = y.astype(np.int64) * 4 + pa.astype(np.int64) * 2 + pb.astype(np.int64)
        cells: NDArray[np.int64] = np.bincount(joint, minlength=8).astype(np.int64)

        def stat(d: NDArray[np.int64]) -> F64:
            x = d.astype(np.float64).reshape(-1, 2, 2, 2)  # truth, a, b
            out = []
            for axis in (3, 2):  # a: sum over b's label; b: sum over a's label
                m = x.sum(axis=axis)  # (-1, truth, label)
                tp, fn = m[:, 1, 1], m[:, 1, 0]
                fp, tn = m[:, 0, 1], m[:, 0, 0]
                out.append(confusion_value(metric, tp, fp, tn, fn))
            return out[1] - out[0]

        def value(axis: int) -> float:
            m = cells.astype(np.float64).reshape(2, 2, 2).sum(axis=axis)
            return float(confusion_value(metric, m[1, 1], m[0, 1], m[0, 0], m[1, 0]))

        va, vb = value(2), value(1)
        p, _, _ = mcnemar(pa == y, pb == y)
    else:
        if metric not in MULTICLASS_CONFUSION:
            raise MetricError(
                f"compare: metric {metric!r} is not supported for multiclass; allowed: {', '.join(MULTICLASS_CONFUSION)}"
            )
        y = as_class_codes(y_true, None, "y_true")
        ca = as_class_codes(a, None, "a")
        cb = as_class_codes(b, None, "b")
        check_lengths("compare", y_true=y, a=ca, b=cb)
        k = int(max(y.max(), ca.max(), cb.max())) + 1
        cells = np.bincount((y * k + ca) * k + cb, minlength=k**3).astype(np.int64)

        def stat(d: NDArray[np.int64]) -> F64:
            x = d.reshape(-1, k, k, k)
            return multiclass_value(metric, x.sum(axis=2), averaging) - multiclass_value(
                metric, x.sum(axis=3), averaging
            )

        x0 = cells.reshape(k, k, k)
        va = float(multiclass_value(metric, x0.sum(axis=2), averaging))
        vb = float(multiclass_value(metric, x0.sum(axis=1), averaging))
        p, _, _ = mcnemar(ca == y, cb == y)
    diff = vb - va
    lo = hi = None
    if n_resamples > 0:
        reps = stat(multinomial_replicates(cells, n_resamples, rng))
        jack = count_jackknife(cells, stat) if method == "bca" else None
        lo, hi = interval(reps, diff, confidence, method, jack)
    return Comparison(
        metric, va, vb, diff, lo, hi, p, "mcnemar", higher_is_better(metric), int(y.size)
    )
