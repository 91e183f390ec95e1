"""Threshold-free metrics: ROC AUC, average precision, log loss, Brier; regression losses.

ROC AUC and average precision need the full ranking (a sort); they are computed
from the exact :class:`~mlplan.core.metrics.counts.ScoreCurve`.  Log loss, Brier and
the regression losses are means of per-row terms and can be streamed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics.counts import ScoreCurve, score_curve

__all__ = [
    "average_precision_from_curve",
    "binary_brier",
    "binary_log_loss",
    "multiclass_brier",
    "multiclass_log_loss",
    "multiclass_roc_auc",
    "regression_metrics",
    "roc_auc_from_curve",
]

F64 = NDArray[np.float64]


def roc_auc_from_curve(curve: ScoreCurve) -> float | None:
    """Area under the ROC curve (trapezoids over distinct thresholds); None if one class."""
    if curve.n_pos == 0 or curve.n_neg == 0:
        return None
    tpr = np.concatenate(([0.0], curve.tps / curve.n_pos))
    fpr = np.concatenate(([0.0], curve.fps / curve.n_neg))
    return float(np.trapezoid(tpr, fpr))


def average_precision_from_curve(curve: ScoreCurve) -> float | None:
    """Step-wise average precision, as scikit-learn; None when there is no positive."""
    if curve.n_pos == 0:
        return None
    tps = curve.tps.astype(np.float64)
    precision = tps / (tps + curve.fps)
    recall = tps / curve.n_pos
    steps = np.diff(np.concatenate(([0.0], recall)))
    return float(max(0.0, np.sum(steps * precision)))


def _is_prob(p: NDArray[Any]) -> bool:
    return bool(p.size) and float(p.min()) >= 0.0 and float(p.max()) <= 1.0


def binary_log_loss(y: NDArray[np.bool_], p: NDArray[Any]) -> float | None:
    """Mean negative log-likelihood of probabilities of class 1 (clipped by the dtype's eps)."""
    if not _is_prob(p):
        return None
    eps = np.finfo(p.dtype).eps
    q = np.clip(p, eps, 1 - eps).astype(np.float64)
    return float(-np.mean(np.where(y, np.log(q), np.log1p(-q))))


def binary_brier(y: NDArray[np.bool_], p: NDArray[Any]) -> float | None:
    """Mean squared difference between probability of class 1 and the 0/1 truth."""
    if not _is_prob(p):
        return None
    d = p.astype(np.float64) - y
    return float(np.mean(d * d))


def multiclass_log_loss(y: NDArray[np.int64], p: F64) -> float:
    """Mean negative log-probability of the true class (rows renormalised, eps-clipped)."""
    eps = np.finfo(p.dtype).eps
    q = np.clip(p, eps, 1 - eps)
    q = q / q.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(q[np.arange(y.size), y])))


def multiclass_brier(y: NDArray[np.int64], p: F64) -> float:
    """Mean over rows of the summed squared error against the one-hot truth."""
    onehot = np.zeros_like(p)
    onehot[np.arange(y.size), y] = 1.0
    return float(np.mean(np.sum((p - onehot) ** 2, axis=1)))


def multiclass_roc_auc(y: NDArray[np.int64], p: F64, averaging: str) -> float | None:
    """One-vs-rest ROC AUC with ``macro``/``weighted`` averaging, or ``micro`` over all cells."""
    k = p.shape[1]
    if averaging == "micro":
        onehot = np.zeros(p.shape, dtype=bool)
        onehot[np.arange(y.size), y] = True
        return roc_auc_from_curve(score_curve(onehot.ravel(), p.ravel()))
    values, weights = [], []
    for c in range(k):
        yc = y == c
        auc = roc_auc_from_curve(score_curve(yc, p[:, c]))
        if auc is None:
            return None
        values.append(auc)
        weights.append(float(yc.sum()))
    w = np.asarray(weights) if averaging == "weighted" else np.ones(k)
    return float(np.average(values, weights=w))


def regression_metrics(y: F64, pred: F64, quantile: float = 0.5) -> dict[str, float]:
    """MAE, MSE, RMSE, R², quantile (pinball) loss, and MAPE when no target is zero."""
    err = y - pred
    mse = float(np.mean(err * err))
    ss_res = float(np.sum(err * err))
    dev = y - np.mean(y)
    ss_tot = float(np.sum(dev * dev))
    if ss_tot != 0:
        r2 = 1.0 - ss_res / ss_tot
    else:
        r2 = 1.0 if ss_res == 0 else 0.0
    out = {
        "mae": float(np.mean(np.abs(err))),
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "r2": r2,
        "quantile_loss": float(
            np.mean(quantile * np.maximum(err, 0) + (1 - quantile) * np.maximum(-err, 0))
        ),
    }
    if not np.any(y == 0):
        out["mape"] = float(np.mean(np.abs(err) / np.abs(y)))
    return out
