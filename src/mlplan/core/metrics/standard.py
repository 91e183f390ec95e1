"""``standard_metrics``: every cheap metric of one set of predictions, in one call."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlplan.core.metrics._validate import (
    as_binary_labels,
    as_class_codes,
    as_probabilities,
    as_real,
    as_scores,
    check_lengths,
)
from mlplan.core.metrics.counts import (
    BinaryCounts,
    binary_counts,
    multiclass_confusion,
    score_curve,
)
from mlplan.core.metrics.definitions import BINARY_CONFUSION, TASKS, confusion_value
from mlplan.core.metrics.multiclass import AVERAGINGS, multiclass_value
from mlplan.core.metrics.scores import (
    average_precision_from_curve,
    binary_brier,
    binary_log_loss,
    multiclass_brier,
    multiclass_log_loss,
    multiclass_roc_auc,
    regression_metrics,
    roc_auc_from_curve,
)
from mlplan.errors import MetricError

__all__ = ["binary_count_metrics", "standard_metrics"]


def binary_count_metrics(counts: BinaryCounts, beta: float | None = None) -> dict[str, float]:
    """Every binary confusion metric at one set of counts (plus the counts themselves)."""
    out = {
        name: float(confusion_value(name, counts.tp, counts.fp, counts.tn, counts.fn))
        for name in BINARY_CONFUSION
    }
    if beta is not None:
        out["fbeta"] = float(
            confusion_value("fbeta", counts.tp, counts.fp, counts.tn, counts.fn, beta=beta)
        )
    out.update(tp=float(counts.tp), fp=float(counts.fp), tn=float(counts.tn), fn=float(counts.fn))
    out["n"] = float(counts.n)
    return out


def _binary(y_true: Any, y_pred: Any, y_score: Any, threshold: float) -> dict[str, float]:
    y = as_binary_labels(y_true)
    s = as_scores(y_score) if y_score is not None else None
    if y_pred is not None:
        pred = as_binary_labels(y_pred, "y_pred")
    elif s is not None:
        pred = s >= threshold
    else:
        raise MetricError("standard_metrics: give y_pred or y_score for a binary task")
    check_lengths("standard_metrics", y_true=y, y_pred=pred, y_score=s)
    out = binary_count_metrics(binary_counts(y, pred))
    if s is not None:
        curve = score_curve(y, s)
        extra = {
            "roc_auc": roc_auc_from_curve(curve),
            "average_precision": average_precision_from_curve(curve),
            "log_loss": binary_log_loss(y, s),
            "brier": binary_brier(y, s),
        }
        out.update({k: v for k, v in extra.items() if v is not None})
    return out


def _multiclass(y_true: Any, y_pred: Any, y_score: Any, averaging: str) -> dict[str, float]:
    p = as_probabilities(y_score) if y_score is not None else None
    k = p.shape[1] if p is not None else None
    y = as_class_codes(y_true, k, "y_true")
    if y_pred is not None:
        pred = as_class_codes(y_pred, k, "y_pred")
    elif p is not None:
        pred = np.argmax(p, axis=1).astype(np.int64)
    else:
        raise MetricError("standard_metrics: give y_pred or y_score for a multiclass task")
    check_lengths("standard_metrics", y_true=y, y_pred=pred, y_score=p)
    kk = k if k is not None else int(max(y.max(), pred.max())) + 1
    cm = multiclass_confusion(y, pred, kk)
    out = {
        name: float(multiclass_value(name, cm, averaging))
        for name in ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "mcc", "kappa")
    }
    if p is not None:
        out["log_loss"] = multiclass_log_loss(y, p)
        out["brier"] = multiclass_brier(y, p)
        auc = multiclass_roc_auc(y, p, averaging)
        if auc is not None:
            out["roc_auc"] = auc
    return out


def _multilabel(
    y_true: Any, y_pred: Any, y_score: Any, averaging: str, threshold: float
) -> dict[str, float]:
    yt = np.asarray(y_true)
    if yt.ndim != 2:
        raise MetricError(
            f"y_true: expected an (n, L) 0/1 matrix for a multilabel task; got shape {yt.shape}"
        )
    y = np.column_stack([as_binary_labels(yt[:, j], f"y_true[:, {j}]") for j in range(yt.shape[1])])
    s = None
    if y_score is not None:
        sa = np.asarray(y_score)
        if sa.shape != y.shape:
            raise MetricError(f"y_score: expected shape {y.shape} like y_true; got {sa.shape}")
        s = np.column_stack([as_scores(sa[:, j], f"y_score[:, {j}]") for j in range(sa.shape[1])])
    if y_pred is not None:
        pa = np.asarray(y_pred)
        if pa.shape != y.shape:
            raise MetricError(f"y_pred: expected shape {y.shape} like y_true; got {pa.shape}")
        pred = np.column_stack(
            [as_binary_labels(pa[:, j], f"y_pred[:, {j}]") for j in range(pa.shape[1])]
        )
    elif s is not None:
        pred = s >= threshold
    else:
        raise MetricError("standard_metrics: give y_pred or y_score for a multilabel task")
    tp = (y & pred).sum(axis=0).astype(np.float64)
    fp = (~y & pred).sum(axis=0).astype(np.float64)
    fn = (y & ~pred).sum(axis=0).astype(np.float64)
    tn = float(y.shape[0]) - tp - fp - fn
    support = tp + fn
    out: dict[str, float] = {
        "accuracy": float(np.mean(np.all(y == pred, axis=1))),
        "hamming_loss": float(np.mean(y != pred)),
    }
    for name in ("precision", "recall", "f1"):
        if averaging == "micro":
            out[name] = float(confusion_value(name, tp.sum(), fp.sum(), tn.sum(), fn.sum()))
        else:
            per = confusion_value(name, tp, fp, tn, fn)
            w = support if averaging == "weighted" else np.ones_like(per)
            out[name] = float(np.sum(per * w) / np.sum(w)) if np.sum(w) > 0 else 0.0
    if s is not None:
        if averaging == "micro":
            curve = score_curve(y.ravel(), s.ravel())
            auc, ap = roc_auc_from_curve(curve), average_precision_from_curve(curve)
        else:
            curves = [score_curve(y[:, j], s[:, j]) for j in range(y.shape[1])]
            aucs = [roc_auc_from_curve(c) for c in curves]
            aps = [average_precision_from_curve(c) for c in curves]
            w = support if averaging == "weighted" else np.ones(len(curves))
            auc_ok = [a for a in aucs if a is not None]
            ap_ok = [a for a in aps if a is not None]
            auc = None if len(auc_ok) < len(aucs) else float(np.average(auc_ok, weights=w))
            ap = None if len(ap_ok) < len(aps) else float(np.average(ap_ok, weights=w))
        if auc is not None:
            out["roc_auc"] = auc
        if ap is not None:
            out["average_precision"] = ap
    return out


def standard_metrics(
    task: str,
    y_true: Any,
    *,
    y_pred: Any = None,
    y_score: Any = None,
    averaging: str = "macro",
    threshold: float = 0.5,
    quantile: float = 0.5,
) -> dict[str, float]:
    """Compute every standard metric of ``task`` for one set of predictions.

    Parameters
    ----------
    task : {"binary", "multiclass", "multilabel", "regression"}
    y_true : array_like
        Binary: 0/1 labels. Multiclass: int codes ``0..K-1``. Multilabel: (n, L)
        0/1 matrix. Regression: real targets.
    y_pred : array_like, optional
        Predicted labels (codes, or real values for regression). For binary and
        multilabel tasks derived as ``y_score >= threshold`` when omitted; for
        multiclass as the argmax of ``y_score``.
    y_score : array_like, optional
        Binary: score or probability of class 1. Multiclass: (n, K)
        probabilities. Multilabel: (n, L) scores.
    averaging : {"macro", "micro", "weighted"}, default "macro"
        Averaging of per-class precision, recall, F1 and ROC AUC.
    threshold : float, default 0.5
        Decision threshold when labels are derived from scores.
    quantile : float, default 0.5
        Alpha of the regression quantile (pinball) loss.

    Returns
    -------
    dict of str to float
        Binary: precision, recall, f1, accuracy, balanced_accuracy, specificity,
        npv, mcc, kappa, the counts tp/fp/tn/fn/n, and with scores roc_auc and
        average_precision (when both classes occur) and log_loss and brier (when
        scores lie in [0, 1]). Regression: mae, mse, rmse, r2, quantile_loss,
        and mape when no target is zero.

    Raises
    ------
    MetricError
        On unknown tasks, bad shapes, non-finite values, labels outside the
        classes, or probability rows that do not sum to 1.

    Examples
    --------
    >>> m = standard_metrics("binary", [0, 1, 1, 0], y_score=[0.1, 0.8, 0.4, 0.6])
    >>> m["precision"], m["recall"], m["roc_auc"]
    (0.5, 0.5, 0.75)
    """
    if averaging not in AVERAGINGS:
        raise MetricError(
            f"averaging: {averaging!r} is not allowed; allowed: {', '.join(AVERAGINGS)}"
        )
    if task == "binary":
        return _binary(y_true, y_pred, y_score, threshold)
    if task == "multiclass":
        return _multiclass(y_true, y_pred, y_score, averaging)
    if task == "multilabel":
        return _multilabel(y_true, y_pred, y_score, averaging, threshold)
    if task == "regression":
        if y_pred is None:
            raise MetricError("standard_metrics: give y_pred (real values) for a regression task")
        y = as_real(y_true, "y_true")
        p = as_real(y_pred, "y_pred")
        check_lengths("standard_metrics", y_true=y, y_pred=p)
        return regression_metrics(y, p, quantile)
    raise MetricError(f"task: unknown task {task!r}; allowed: {', '.join(TASKS)}")
