"""Which metrics exist, for which task, in which direction, and how counts become values.

Every confusion-matrix metric of a binary classifier is a function of the four
cell counts ``tp, fp, tn, fn`` alone.  The functions here take those counts as
float64 arrays of any (broadcastable) shape, so one call scores a single
operating point, every threshold of a curve, or a thousand bootstrap resamples.
Zero denominators give 0.0, as scikit-learn's ``zero_division="warn"`` does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mlplan.errors import MetricError, closest

__all__ = [
    "COST_METRICS",
    "COUNT_NAMES",
    "METRIC_NAMES",
    "TASKS",
    "THRESHOLD_FREE",
    "MetricInfo",
    "confusion_value",
    "higher_is_better",
    "metric_info",
    "metric_names",
    "metric_range",
]

Kind = Literal["confusion", "score", "regression", "cost", "count"]
TASKS: tuple[str, ...] = ("binary", "multiclass", "multilabel", "regression")

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class MetricInfo:
    """What the engine knows about one metric name.

    Parameters
    ----------
    name : str
        The metric's name as written in a plan.
    kind : {"confusion", "score", "regression", "cost", "count"}
        ``confusion``: a function of the confusion matrix at a threshold;
        ``score``: needs the full ranking of scores (threshold-free);
        ``regression``: a function of real-valued predictions;
        ``cost``: measured outside the predictions (``fit_seconds`` ...);
        ``count``: a confusion cell usable in formulas (``tp`` ...).
    higher_is_better : bool
        Direction of improvement.
    tasks : tuple of str
        Tasks for which the metric is defined.
    description : str
        One line for help texts and reports.
    """

    name: str
    kind: Kind
    higher_is_better: bool
    tasks: tuple[str, ...]
    description: str


_CLS = ("binary", "multiclass", "multilabel")
_B = ("binary",)
_BM = ("binary", "multiclass")
_ALL = TASKS

_INFOS: tuple[MetricInfo, ...] = (
    MetricInfo("precision", "confusion", True, _CLS, "tp / (tp + fp)"),
    MetricInfo("recall", "confusion", True, _CLS, "tp / (tp + fn), a.k.a. sensitivity"),
    MetricInfo("f1", "confusion", True, _CLS, "harmonic mean of precision and recall"),
    MetricInfo("fbeta", "confusion", True, _CLS, "F-beta; beta from the plan (default 1)"),
    MetricInfo(
        "accuracy", "confusion", True, _CLS, "share of correct labels (subset acc. for multilabel)"
    ),
    MetricInfo("balanced_accuracy", "confusion", True, _BM, "mean recall over classes present"),
    MetricInfo("specificity", "confusion", True, _B, "tn / (tn + fp)"),
    MetricInfo("npv", "confusion", True, _B, "negative predictive value tn / (tn + fn)"),
    MetricInfo("mcc", "confusion", True, _BM, "Matthews correlation coefficient"),
    MetricInfo("kappa", "confusion", True, _BM, "Cohen's kappa"),
    MetricInfo("hamming_loss", "confusion", False, ("multilabel",), "share of wrong label cells"),
    MetricInfo(
        "roc_auc", "score", True, _CLS, "area under the ROC curve (one-vs-rest for multiclass)"
    ),
    MetricInfo(
        "average_precision", "score", True, ("binary", "multilabel"), "area under the step PR curve"
    ),
    MetricInfo("log_loss", "score", False, _BM, "mean negative log-likelihood"),
    MetricInfo("brier", "score", False, _BM, "mean squared error of probabilities"),
    MetricInfo("mae", "regression", False, ("regression",), "mean absolute error"),
    MetricInfo("mse", "regression", False, ("regression",), "mean squared error"),
    MetricInfo("rmse", "regression", False, ("regression",), "root mean squared error"),
    MetricInfo("r2", "regression", True, ("regression",), "coefficient of determination"),
    MetricInfo(
        "mape", "regression", False, ("regression",), "mean absolute percentage error (fraction)"
    ),
    MetricInfo(
        "quantile_loss",
        "regression",
        False,
        ("regression",),
        "mean pinball loss (alpha from caller, 0.5)",
    ),
    MetricInfo(
        "fit_seconds", "cost", False, _ALL, "training time in seconds, measured by the ladder"
    ),
    MetricInfo("latency_ms", "cost", False, _ALL, "prediction latency in ms per 1k rows"),
    MetricInfo("model_mb", "cost", False, _ALL, "serialised model size in MB"),
    MetricInfo("tp", "count", True, _B, "true positives (formulas only)"),
    MetricInfo("fp", "count", False, _B, "false positives (formulas only)"),
    MetricInfo("tn", "count", True, _B, "true negatives (formulas only)"),
    MetricInfo("fn", "count", False, _B, "false negatives (formulas only)"),
    MetricInfo("n", "count", True, _B, "number of rows (formulas only)"),
)

_BY_NAME: dict[str, MetricInfo] = {m.name: m for m in _INFOS}

#: Every metric name the engine knows (including cost metrics and count cells).
METRIC_NAMES: frozenset[str] = frozenset(_BY_NAME)
#: Names that are measured outside the predictions and passed as ``costs``.
COST_METRICS: frozenset[str] = frozenset(m.name for m in _INFOS if m.kind == "cost")
#: Confusion cells usable in formulas.
COUNT_NAMES: frozenset[str] = frozenset(m.name for m in _INFOS if m.kind == "count")
#: Metrics that need the whole ranking and choose no threshold.
THRESHOLD_FREE: frozenset[str] = frozenset(m.name for m in _INFOS if m.kind == "score")


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise MetricError(
            f"task: unknown task {task!r}; allowed: {', '.join(TASKS)}{closest(task, TASKS)}"
        )


def metric_names(task: str) -> tuple[str, ...]:
    """Return the sorted metric names usable for ``task`` (cost metrics included).

    Parameters
    ----------
    task : {"binary", "multiclass", "multilabel", "regression"}

    Returns
    -------
    tuple of str
    """
    _check_task(task)
    return tuple(sorted(m.name for m in _INFOS if task in m.tasks))


#: Metrics whose values are not in [0, 1] (every other prediction metric is).
_RANGES: dict[str, tuple[float, float]] = {
    "mcc": (-1.0, 1.0),
    "kappa": (-1.0, 1.0),
    "r2": (-math.inf, 1.0),
    "mae": (0.0, math.inf),
    "mse": (0.0, math.inf),
    "rmse": (0.0, math.inf),
    "mape": (0.0, math.inf),
    "log_loss": (0.0, math.inf),
    "quantile_loss": (0.0, math.inf),
}


def metric_range(name: str) -> tuple[float, float]:
    """The values metric ``name`` can take (cost metrics and counts: non-negative)."""
    info = _BY_NAME.get(name)
    if info is not None and info.kind in ("cost", "count"):
        return (0.0, math.inf)
    return _RANGES.get(name, (0.0, 1.0))


def metric_info(name: str, task: str | None = None) -> MetricInfo:
    """Look a metric up, raising :class:`MetricError` with the valid names if unknown."""
    info = _BY_NAME.get(name)
    valid = metric_names(task) if task is not None else tuple(sorted(METRIC_NAMES))
    if info is None or (task is not None and task not in info.tasks):
        where = f" for a {task} task" if task is not None else ""
        raise MetricError(
            f"metric: unknown metric {name!r}{where}{closest(name, valid)}; "
            f"allowed: {', '.join(valid)}"
        )
    return info


def higher_is_better(name: str) -> bool:
    """Return True if larger values of metric ``name`` are better.

    Raises
    ------
    MetricError
        If the name is unknown.
    """
    return metric_info(name).higher_is_better


def _div(num: F64, den: F64) -> F64:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.true_divide(num, den, dtype=np.float64)
    zero = den == 0
    if np.any(zero):
        out = np.where(zero, 0.0, out)
    return np.asarray(out, dtype=np.float64)


def _fbeta(tp: F64, fp: F64, tn: F64, fn: F64, beta: float) -> F64:
    b2 = beta * beta
    return _div((1.0 + b2) * tp, (1.0 + b2) * tp + b2 * fn + fp)


def _balanced(tp: F64, fp: F64, tn: F64, fn: F64, beta: float) -> F64:
    pos = tp + fn
    neg = tn + fp
    rec = _div(tp, pos)
    spec = _div(tn, neg)
    both = (rec + spec) / 2.0
    return np.where((pos > 0) & (neg > 0), both, np.where(pos > 0, rec, spec))


def _mcc(tp: F64, fp: F64, tn: F64, fn: F64, beta: float) -> F64:
    den = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return _div(tp * tn - fp * fn, den)


def _kappa(tp: F64, fp: F64, tn: F64, fn: F64, beta: float) -> F64:
    n = tp + fp + tn + fn
    # kappa = 1 - observed disagreement / expected disagreement (scikit-learn's form)
    expected = _div((tp + fp) * (fp + tn) + (fn + tn) * (tp + fn), n)
    return 1.0 - _div(fp + fn, expected) * (expected != 0) - (expected == 0) * 1.0


_CONFUSION: dict[str, Callable[[F64, F64, F64, F64, float], F64]] = {
    "precision": lambda tp, fp, tn, fn, b: _div(tp, tp + fp),
    "recall": lambda tp, fp, tn, fn, b: _div(tp, tp + fn),
    "f1": lambda tp, fp, tn, fn, b: _fbeta(tp, fp, tn, fn, 1.0),
    "fbeta": _fbeta,
    "accuracy": lambda tp, fp, tn, fn, b: _div(tp + tn, tp + fp + tn + fn),
    "balanced_accuracy": _balanced,
    "specificity": lambda tp, fp, tn, fn, b: _div(tn, tn + fp),
    "npv": lambda tp, fp, tn, fn, b: _div(tn, tn + fn),
    "mcc": _mcc,
    "kappa": _kappa,
    "tp": lambda tp, fp, tn, fn, b: np.asarray(tp, dtype=np.float64),
    "fp": lambda tp, fp, tn, fn, b: np.asarray(fp, dtype=np.float64),
    "tn": lambda tp, fp, tn, fn, b: np.asarray(tn, dtype=np.float64),
    "fn": lambda tp, fp, tn, fn, b: np.asarray(fn, dtype=np.float64),
    "n": lambda tp, fp, tn, fn, b: np.asarray(tp + fp + tn + fn, dtype=np.float64),
}

#: Binary confusion metrics that never decrease with tp and never increase with fp
#: (at fixed numbers of positives and negatives); used to prune bootstrap searches.
MONOTONE_BINARY: frozenset[str] = frozenset(
    {"precision", "recall", "f1", "fbeta", "accuracy", "balanced_accuracy", "specificity", "npv"}
)

BINARY_CONFUSION: tuple[str, ...] = (
    "precision",
    "recall",
    "f1",
    "accuracy",
    "balanced_accuracy",
    "specificity",
    "npv",
    "mcc",
    "kappa",
)


def confusion_value(
    name: str,
    tp: F64 | float,
    fp: F64 | float,
    tn: F64 | float,
    fn: F64 | float,
    *,
    beta: float = 1.0,
) -> F64:
    """Evaluate binary confusion metric ``name`` on (arrays of) cell counts.

    Parameters
    ----------
    name : str
        A binary confusion metric or count name (see :data:`BINARY_CONFUSION`).
    tp, fp, tn, fn : array_like
        Cell counts; any broadcastable shapes; converted to float64.
    beta : float, default 1.0
        Beta of ``fbeta``.

    Returns
    -------
    ndarray of float64
    """
    fn_ = _CONFUSION.get(name)
    if fn_ is None:
        raise MetricError(
            f"metric: {name!r} is not a confusion-matrix metric; "
            f"allowed: {', '.join(sorted(_CONFUSION))}"
        )
    a = [
        v
        if isinstance(v, np.ndarray) and v.dtype.kind in "iuf"
        else np.asarray(v, dtype=np.float64)
        for v in (tp, fp, tn, fn)
    ]
    return np.asarray(fn_(a[0], a[1], a[2], a[3], beta), dtype=np.float64)
