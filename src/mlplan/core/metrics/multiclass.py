"""Metrics of K x K confusion matrices, vectorised over stacks of matrices.

``cm`` has shape ``(..., K, K)`` with truth on rows and predictions on columns,
so the same code scores one matrix or a thousand multinomial bootstrap draws.
Averaging is always explicit (``macro``, ``micro`` or ``weighted``); like
scikit-learn, macro and weighted averages run over the classes that occur in the
truth or the predictions of that matrix.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mlplan.errors import MetricError

__all__ = ["AVERAGINGS", "MULTICLASS_CONFUSION", "multiclass_value"]

Averaging = Literal["macro", "micro", "weighted"]
AVERAGINGS: tuple[str, ...] = ("macro", "micro", "weighted")
MULTICLASS_CONFUSION: tuple[str, ...] = (
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "fbeta",
    "mcc",
    "kappa",
)

F64 = NDArray[np.float64]


def _div(a: F64, b: F64) -> F64:
    out = np.zeros(np.broadcast(a, b).shape)
    np.divide(a, b, out=out, where=b != 0)
    return out


def multiclass_value(
    name: str, cm: NDArray[np.integer] | F64, averaging: str = "macro", *, beta: float = 1.0
) -> F64:
    """Evaluate metric ``name`` on a stack of confusion matrices.

    Parameters
    ----------
    name : str
        One of :data:`MULTICLASS_CONFUSION`.
    cm : ndarray, shape (..., K, K)
        Counts, truth on rows.
    averaging : {"macro", "micro", "weighted"}
        Used by precision, recall, f1 and fbeta.
    beta : float, default 1.0

    Returns
    -------
    ndarray of float64, shape (...)
    """
    c = np.asarray(cm, dtype=np.float64)
    diag = np.diagonal(c, axis1=-2, axis2=-1)
    true = c.sum(axis=-1)
    pred = c.sum(axis=-2)
    n = true.sum(axis=-1)
    correct = diag.sum(axis=-1)
    if name == "accuracy":
        return _div(correct, n)
    if name == "balanced_accuracy":
        present = true > 0
        rec = _div(diag, true)
        return _div((rec * present).sum(axis=-1), present.sum(axis=-1).astype(np.float64))
    if name == "mcc":
        cov_tp = correct * n - (true * pred).sum(axis=-1)
        cov_pp = n * n - (pred * pred).sum(axis=-1)
        cov_tt = n * n - (true * true).sum(axis=-1)
        return _div(cov_tp, np.sqrt(cov_tt * cov_pp))
    if name == "kappa":
        expected_off = _div(n * n - (pred * true).sum(axis=-1), n)
        observed_off = n - correct
        return np.where(expected_off != 0, 1.0 - _div(observed_off, expected_off), 0.0)
    if name in ("precision", "recall", "f1", "fbeta"):
        if averaging not in AVERAGINGS:
            raise MetricError(
                f"averaging: {averaging!r} is not allowed for multiclass {name}; "
                f"allowed: {', '.join(AVERAGINGS)}"
            )
        b2 = 1.0 if name == "f1" else beta * beta
        if averaging == "micro":
            tp, fp, fn = correct, n - correct, n - correct
        else:
            tp, fp, fn = diag, pred - diag, true - diag
        if name == "precision":
            per = _div(tp, tp + fp)
        elif name == "recall":
            per = _div(tp, tp + fn)
        else:
            per = _div((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)
        if averaging == "micro":
            return per
        if averaging == "weighted":
            return _div((per * true).sum(axis=-1), true.sum(axis=-1))
        present = (true + pred) > 0
        return _div((per * present).sum(axis=-1), present.sum(axis=-1).astype(np.float64))
    raise MetricError(
        f"metric: {name!r} is not a multiclass confusion metric; "
        f"allowed: {', '.join(MULTICLASS_CONFUSION)}"
    )
