"""Significance tests of two models on the same rows: McNemar's exact test and DeLong's.

McNemar's test uses only the discordant rows (one model right, the other
wrong); DeLong's compares two correlated ROC AUCs through the covariance of
their placement values.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri
from scipy.stats import binom, rankdata

from mlplan.errors import MetricError

__all__ = [
    "delong",
    "delong_cov",
    "delong_interval",
    "delong_test",
    "mcnemar",
    "mcnemar_counts",
]

F64 = NDArray[np.float64]


def mcnemar_counts(n01: int, n10: int) -> float:
    """Exact two-sided McNemar p-value from the discordant counts.

    ``n01``: rows only the first model gets right; ``n10``: only the second.
    """
    m = int(n01) + int(n10)
    if m == 0:
        return 1.0
    return float(min(1.0, 2.0 * binom.cdf(min(n01, n10), m, 0.5)))


def mcnemar(a_correct: NDArray[np.bool_], b_correct: NDArray[np.bool_]) -> tuple[float, int, int]:
    """Exact two-sided McNemar test; returns ``(p, n_a_only, n_b_only)``."""
    n01 = int(np.count_nonzero(a_correct & ~b_correct))
    n10 = int(np.count_nonzero(~a_correct & b_correct))
    return mcnemar_counts(n01, n10), n01, n10


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


def delong_cov(y: NDArray[np.bool_], s_a: F64, s_b: F64) -> tuple[float, float, F64]:
    """``(auc_a, auc_b, cov)``: both ROC AUCs and their 2 x 2 DeLong covariance."""
    if y.all() or not y.any():
        raise MetricError("compare: roc_auc needs both classes in y_true")
    a10, a01, auc_a = _placements(y, s_a)
    b10, b01, auc_b = _placements(y, s_b)
    m, n = a10.size, a01.size
    s10 = np.cov(np.vstack([a10, b10])) if m > 1 else np.zeros((2, 2))
    s01 = np.cov(np.vstack([a01, b01])) if n > 1 else np.zeros((2, 2))
    return auc_a, auc_b, np.asarray(s10 / m + s01 / n)


def delong_test(auc_a: float, auc_b: float, cov: F64) -> tuple[float, float]:
    """``(var_of_diff, p)``: two-sided p-value of "equal AUCs" from the covariance."""
    var = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    if var <= 0:
        return 0.0, 1.0 if auc_a == auc_b else 0.0
    z = (auc_b - auc_a) / np.sqrt(var)
    return var, float(2 * ndtr(-abs(z)))


def delong(y: NDArray[np.bool_], s_a: F64, s_b: F64) -> tuple[float, float, float, float]:
    """DeLong test for two correlated ROC AUCs: ``(auc_a, auc_b, var_of_diff, p)``."""
    auc_a, auc_b, cov = delong_cov(y, s_a, s_b)
    var, p = delong_test(auc_a, auc_b, cov)
    return auc_a, auc_b, var, p


def delong_interval(
    y: NDArray[np.bool_], s: F64, confidence: float = 0.95
) -> tuple[float, float, float]:
    """``(auc, lo, hi)``: one model's ROC AUC and its DeLong normal interval (clipped to [0, 1])."""
    auc, _, cov = delong_cov(y, s, s)
    half = float(ndtri(0.5 + confidence / 2)) * float(np.sqrt(max(cov[0, 0], 0.0)))
    return auc, max(0.0, auc - half), min(1.0, auc + half)
