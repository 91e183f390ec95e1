"""What a paired comparison compares: each metric's spec and each model's validated rows.

A metric name or a :class:`~mlplan.core.metrics.policy.MetricPolicy` becomes a
:class:`MetricSpec` -- its value as a function of metric values, and the route of
its paired bootstrap (joint confusion cells, DeLong, or rows); each
:class:`~mlplan.records.paired.PairedModel` becomes a :class:`Side`, its labels and
scores checked against the truth once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics._validate import (
    as_binary_labels,
    as_class_codes,
    as_probabilities,
    as_real,
    as_scores,
    check_lengths,
)
from mlplan.core.metrics.definitions import BINARY_CONFUSION, COST_METRICS, COUNT_NAMES, metric_info
from mlplan.core.metrics.multiclass import MULTICLASS_CONFUSION
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.core.metrics.weighted import WeightedRows
from mlplan.errors import MetricError
from mlplan.records.paired import PairedModel

__all__ = ["MetricSpec", "Route", "Side", "class_count", "metric_spec", "model_side", "truth"]

F64 = NDArray[np.float64]
#: How a metric's paired bootstrap is computed.
Route = Literal["counts", "delong", "rows"]


# ------------------------------------------------------------ metric specs
@dataclass(frozen=True)
class MetricSpec:
    """One compared metric or policy.

    Attributes
    ----------
    label : str
        The metric name, or the policy's name.
    higher_is_better : bool
    names : frozenset of str
        The metric names ``combine`` reads.
    combine : callable
        The compared value from the values of ``names`` (floats or arrays).
    route : {"counts", "delong", "rows"}
        Joint confusion cells, DeLong's test, or a paired row bootstrap.
    averaging : str
        Multiclass averaging of the metrics read.
    beta : float
        Beta of ``fbeta``.
    note : str
        Said on every result of this metric.
    """

    label: str
    higher_is_better: bool
    names: frozenset[str]
    combine: Callable[[Mapping[str, Any]], F64]
    route: Route
    averaging: str
    beta: float
    note: str = ""


def _counted(name: str, task: str) -> bool:
    if name in COST_METRICS:
        return True
    if task == "binary":
        return name in BINARY_CONFUSION or name == "fbeta" or name in COUNT_NAMES
    return task == "multiclass" and name in MULTICLASS_CONFUSION


def metric_spec(target: str | MetricPolicy, task: str, averaging: str, beta: float) -> MetricSpec:
    """The spec of a metric name or a policy on ``task``.

    Raises
    ------
    MetricError
        An unknown metric name, or a policy of another task.
    """
    if isinstance(target, MetricPolicy):
        if target.task != task:
            raise MetricError(
                f"paired_table: the policy {target.name!r} is for a {target.task} task, not {task}"
            )
        if target.kind in ("single", "constrained"):
            assert target.optimise is not None
            inner = metric_spec(target.optimise, task, target.averaging, target.beta)
            note = "each model at its fixed threshold" if target.kind == "constrained" else ""
            return MetricSpec(
                target.name, target.higher_is_better, inner.names, inner.combine, inner.route,
                target.averaging, target.beta, note,
            )  # fmt: skip
        names = target.names
        route: Literal["counts", "rows"] = (
            "counts" if all(_counted(n, task) for n in names) else "rows"
        )
        return MetricSpec(
            target.name, target.higher_is_better, names, target.combine, route,
            target.averaging, target.beta, "paired bootstrap of the policy value",
        )  # fmt: skip
    info = metric_info(target, task)

    def one(env: Mapping[str, Any]) -> F64:
        return np.asarray(env[target], dtype=np.float64)

    if _counted(target, task):
        how: Route = "counts"
    elif target == "roc_auc" and task == "binary":
        how = "delong"
    else:
        how = "rows"
    return MetricSpec(target, info.higher_is_better, frozenset({target}), one, how, averaging, beta)


# ------------------------------------------------------------ models' rows
@dataclass(frozen=True)
class Side:
    """One model's validated predictions: labels, scores and their weighted rows."""

    name: str
    labels: NDArray[Any] | None
    score: NDArray[Any] | None
    rows: WeightedRows


def class_count(
    task: str, y_true: Any, models: Sequence[PairedModel], n_classes: int | None
) -> int:
    """K of the task: 2 for binary, 0 for regression, else given or found in the inputs."""
    if task == "binary":
        return 2
    if task == "regression":
        return 0
    if n_classes is not None:
        return int(n_classes)
    for m in models:
        if m.score is not None and np.ndim(m.score) == 2:
            return int(np.shape(m.score)[1])
    arrays = [np.asarray(y_true)] + [np.asarray(m.pred) for m in models if m.pred is not None]
    return int(max(int(np.max(a)) for a in arrays if a.size)) + 1


def model_side(m: PairedModel, task: str, y: NDArray[Any], k: int) -> Side:
    """Model ``m`` checked against the truth ``y``; binary scores labelled at its threshold."""
    where = f"{m.name}"
    score: NDArray[Any] | None = None
    labels: NDArray[Any] | None
    if task == "binary":
        score = as_scores(m.score, f"{where} score") if m.score is not None else None
        if score is not None and (m.threshold is not None or m.pred is None):
            labels = score >= (0.5 if m.threshold is None else m.threshold)
        elif m.pred is not None:
            labels = as_binary_labels(m.pred, f"{where} pred")
        else:
            raise MetricError(f"paired_table: give pred or score for {m.name!r}")
    elif task == "multiclass":
        score = as_probabilities(m.score, f"{where} score") if m.score is not None else None
        if score is not None and score.shape[1] != k:
            raise MetricError(
                f"paired_table: {m.name!r} has {score.shape[1]} probability columns; "
                f"the task has {k} classes"
            )
        if m.pred is not None:
            labels = as_class_codes(m.pred, k, f"{where} pred")
        elif score is not None:
            labels = np.argmax(score, axis=1).astype(np.int64)
        else:
            raise MetricError(f"paired_table: give pred or score for {m.name!r}")
    else:
        if m.pred is None:
            raise MetricError(f"paired_table: give pred (real values) for {m.name!r}")
        labels = as_real(m.pred, f"{where} pred")
    check_lengths("paired_table", y_true=y, pred=labels, score=score)
    rows = WeightedRows(task, y, labels, score, k=k, costs=m.costs)
    return Side(m.name, labels, score, rows)


def truth(y_true: Any, task: str, k: int) -> NDArray[Any]:
    """The validated truth of ``task``."""
    if task == "binary":
        return as_binary_labels(y_true)
    if task == "multiclass":
        return as_class_codes(y_true, k, "y_true")
    if task == "regression":
        return as_real(y_true, "y_true")
    raise MetricError(f"paired_table: task must be binary, multiclass or regression; got {task!r}")
