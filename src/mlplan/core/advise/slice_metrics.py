"""The metric slices are scored in: the plan's own when a slice can carry it, and why not else.

Three kinds, each with an interval at the Bonferroni-corrected level the caller
passes (as a normal quantile ``z``):

``proportion``
    recall, precision, accuracy, specificity, npv: Wilson's interval.
``confusion``
    any other confusion metric (F1, F-beta, balanced accuracy, MCC, kappa, and
    multi-class averages): a multinomial bootstrap of the slice's confusion cells
    gives the standard error of a normal interval.
``rowwise``
    metrics that are means of per-row losses (MAE, MSE, RMSE, MAPE, log loss,
    Brier): a t-interval of the mean loss (RMSE on the squared errors, then the
    root). When absolute errors only track the target's scale (they grow with the
    target, Spearman at least :data:`SCALE_RHO`, all targets positive), slices use
    the error relative to the target instead.

Ranking metrics (ROC AUC, average precision) and R² are not scored inside a
slice: there they measure only how the slice's own rows compare with each other,
which is lower for any slice of a predictive column. Those plans get balanced
accuracy at the operating threshold (classification) or the mean absolute error
(regression), and the note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from mlplan.core.metrics import MetricPolicy
from mlplan.core.metrics.definitions import confusion_value
from mlplan.core.metrics.multiclass import multiclass_value

__all__ = [
    "SCALE_RHO",
    "SliceMetric",
    "choose_metric",
    "clip",
    "confusion_draws",
    "losses",
    "proportion",
]

#: Absolute errors this rank-correlated with the target only track its scale.
SCALE_RHO = 0.3
#: Bootstrap draws of a slice's confusion cells (standard error of the metric).
N_DRAWS = 1000
#: Pseudo-rows added to every confusion cell before resampling, so a cell empty on the
#: slice (no predicted positive, say) still varies and the interval is not zero-width.
PSEUDO_COUNT = 0.5
#: Range of the confusion metrics (correlations reach -1).
SIGNED = ("mcc", "kappa")

PROPORTIONS = ("recall", "precision", "accuracy", "specificity", "npv")
_CONFUSION = ("f1", "fbeta", "balanced_accuracy", "mcc", "kappa", *PROPORTIONS)
_ROWWISE = ("mae", "mse", "rmse", "mape", "log_loss", "brier", "quantile_loss")
_LOWER_BETTER = ("mae", "mse", "rmse", "mape", "log_loss", "brier", "relative_error")

Kind = Literal["proportion", "confusion", "rowwise"]


@dataclass(frozen=True, slots=True)
class SliceMetric:
    """How slices are scored.

    Attributes
    ----------
    name : str
        The metric's name (``"relative_error"``: mean of |error| / target).
    kind : {"proportion", "confusion", "rowwise"}
    higher_is_better : bool
    note : str
        "the plan's metric", or why the slices use another one.
    averaging, beta : str, float
        Multi-class averaging and F-beta's beta, from the plan.
    """

    name: str
    kind: Kind
    higher_is_better: bool
    note: str
    averaging: str = "macro"
    beta: float = 1.0


def choose_metric(
    policy: MetricPolicy,
    y: np.ndarray,
    prediction: np.ndarray,
    score: np.ndarray | None,
) -> SliceMetric:
    """The slice metric for this plan and these test predictions (see module docstring)."""
    task, name = policy.task, policy.optimise
    if policy.kind == "fbeta":
        name = "fbeta"
    if task == "regression":
        return _regression(name, y, prediction)
    if name in PROPORTIONS and (task == "binary" or name == "accuracy"):
        return SliceMetric(
            name, "proportion", True, "the plan's metric", policy.averaging, policy.beta
        )
    if name in _CONFUSION:
        return SliceMetric(
            name, "confusion", True, "the plan's metric", policy.averaging, policy.beta
        )
    if name in ("log_loss", "brier") and score is not None:
        return SliceMetric(name, "rowwise", False, "the plan's metric")
    if name is None:
        why = f"the plan's metric ({policy.name}) combines several metrics"
    elif name in ("roc_auc", "average_precision"):
        why = (
            f"{name} inside a slice only ranks the slice's rows among themselves, lower for "
            "any slice of a predictive column"
        )
    else:
        why = f"{name} needs the model's scores"
    return SliceMetric(
        "balanced_accuracy",
        "confusion",
        True,
        f"balanced accuracy at the operating threshold, not {policy.name}: {why}",
        policy.averaging,
        policy.beta,
    )


def _regression(name: str | None, y: np.ndarray, prediction: np.ndarray) -> SliceMetric:
    note = "the plan's metric"
    if name not in _ROWWISE:
        why = (
            "R² inside a slice compares errors with the slice's own spread, smaller for any "
            "slice of a predictive column"
            if name == "r2"
            else f"the plan's metric ({name}) is not a mean of per-row errors"
        )
        name, note = "mae", f"mean absolute error, not {name}: {why}"
    if name == "quantile_loss":
        name, note = "mae", "mean absolute error (the median's pinball loss, up to a factor 2)"
    errors = np.abs(np.asarray(prediction, float) - np.asarray(y, float))
    if name in ("mae", "mse", "rmse") and len(y) > 2 and np.all(np.asarray(y, float) > 0):
        rho = float(stats.spearmanr(errors, y).statistic)
        if rho >= SCALE_RHO:
            return SliceMetric(
                "relative_error",
                "rowwise",
                False,
                f"mean |error| / target, not {name}: absolute errors grow with the target "
                f"(Spearman {rho:.2f} between |error| and the target, limit {SCALE_RHO}), so "
                "absolute slices would only track the target's scale",
            )
    return SliceMetric(name, "rowwise", False, note)


def losses(
    metric: SliceMetric, y: np.ndarray, labels: np.ndarray, score: np.ndarray | None
) -> np.ndarray:
    """Per-row losses of a row-wise metric (squared errors for MSE and RMSE)."""
    if metric.name == "log_loss":
        p = _probability_of_truth(y, score)
        return -np.log(np.clip(p, 1e-15, 1.0))
    if metric.name == "brier":
        assert score is not None
        if score.ndim == 1:
            return (score - y) ** 2
        truth = np.eye(score.shape[1])[np.asarray(y, np.int64)]
        return np.sum((score - truth) ** 2, axis=1)
    error = np.asarray(labels, float) - np.asarray(y, float)
    if metric.name in ("mse", "rmse"):
        return error**2
    if metric.name in ("mape", "relative_error"):
        return np.abs(error) / np.maximum(np.abs(np.asarray(y, float)), 1e-12)
    return np.abs(error)


def _probability_of_truth(y: np.ndarray, score: np.ndarray | None) -> np.ndarray:
    assert score is not None
    if score.ndim == 1:
        return np.where(y == 1, score, 1 - score)
    return score[np.arange(len(y)), np.asarray(y, np.int64)]


def proportion(metric: SliceMetric, y: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """``(numerator, denominator)`` of a proportion metric."""
    if metric.name == "recall":
        mask = y == 1
    elif metric.name == "precision":
        mask = labels == 1
    elif metric.name == "specificity":
        mask = y == 0
    elif metric.name == "npv":
        mask = labels == 0
    else:
        mask = np.ones(len(y), dtype=bool)
    return int(np.count_nonzero(labels[mask] == y[mask])), int(np.count_nonzero(mask))


def confusion_draws(
    metric: SliceMetric,
    y: np.ndarray,
    sides: list[np.ndarray],
    k: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """The metric of each side on the rows, and on :data:`N_DRAWS` paired resamples.

    ``sides`` are label vectors (the model, then optionally the baseline) on the
    same rows; the joint cells (truth, each side's label) are resampled together.

    Returns
    -------
    values : ndarray, shape (len(sides),)
    draws : ndarray, shape (N_DRAWS, len(sides))
    """
    codes = np.asarray(y, np.int64)
    for side in sides:
        codes = codes * k + np.asarray(side, np.int64)
    n_cells = k ** (1 + len(sides))
    cells = np.bincount(codes, minlength=n_cells)
    shape = (k,) * (1 + len(sides))
    smoothed = cells + PSEUDO_COUNT  # an empty cell stays possible in the resamples
    drawn = rng.multinomial(int(cells.sum()), smoothed / smoothed.sum(), size=N_DRAWS)
    stacks = np.concatenate([cells[None, :], drawn]).reshape(-1, *shape)
    scores = []
    for i in range(len(sides)):
        other = tuple(a for a in range(2, 1 + len(sides) + 1) if a != i + 2)
        cm = stacks.sum(axis=other) if other else stacks  # (draws + 1, k, k)
        scores.append(_value(metric, cm, k))
    both = np.stack(scores, axis=1)
    return both[0], both[1:]


def clip(metric: SliceMetric, value: float) -> float:
    """A confusion metric's interval end, kept inside the metric's range."""
    return float(np.clip(value, -1.0 if metric.name in SIGNED else 0.0, 1.0))


def _value(metric: SliceMetric, cm: np.ndarray, k: int) -> np.ndarray:
    if k == 2:
        tn, fp, fn, tp = (cm[:, 0, 0], cm[:, 0, 1], cm[:, 1, 0], cm[:, 1, 1])
        return confusion_value(metric.name, tp, fp, tn, fn, beta=metric.beta)
    return multiclass_value(metric.name, cm, metric.averaging, beta=metric.beta)
