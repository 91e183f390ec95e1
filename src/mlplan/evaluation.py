"""The Evaluation record: one model scored on the frozen test rows with the plan's metric."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from mlplan._json import json_ready
from mlplan.baselines.ladder import Predictions, RungResult
from mlplan.data.dataset import Dataset
from mlplan.metrics import MetricPolicy, standard_metrics

__all__ = ["Evaluation", "evaluate_predictions", "evaluate_rung"]

Source = Literal["rung", "model", "declared"]


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """A model's scores on the test part, with the interval of the plan's metric.

    Attributes
    ----------
    name, source
        Who was evaluated: a ladder rung, an external model, or a declared baseline.
    metric
        The plan's metric, by name (e.g. ``"recall s.t. precision >= 0.9"``).
    value, lo, hi
        The plan's metric on the test rows and its bootstrap interval.
    threshold
        The operating threshold the policy chose (scored binary models), else None.
    reachable
        False when the policy's constraints cannot be met at any threshold.
    metrics
        Standard metrics on the test rows at the operating point.
    cv_mean, cv_lo, cv_hi, cv_train_mean
        Cross-validation on the training part (rungs only): validation mean and
        interval, and the mean score on the fitting folds.
    costs
        fit_seconds, latency_ms (per 1k rows), model_mb when measured.
    """

    name: str
    source: Source
    metric: str
    value: float | None
    lo: float | None = None
    hi: float | None = None
    threshold: float | None = None
    reachable: bool = True
    metrics: dict[str, float] = field(default_factory=dict)
    cv_mean: float | None = None
    cv_lo: float | None = None
    cv_hi: float | None = None
    cv_train_mean: float | None = None
    costs: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN becomes None)."""
        return json_ready(asdict(self))


def evaluate_predictions(
    name: str,
    source: Source,
    dataset: Dataset,
    y_test: np.ndarray,
    predictions: Predictions,
    policy: MetricPolicy,
    *,
    costs: dict[str, float] | None = None,
    n_resamples: int | None = None,
    confidence: float | None = None,
    seed: int = 0,
) -> Evaluation:
    """Score test predictions with the plan's policy (value, interval, operating point)."""
    result = policy.evaluate(
        y_test,
        y_pred=predictions.pred,
        y_score=predictions.score,
        costs=costs,
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
    )
    metrics = dict(
        standard_metrics(dataset.task, y_test, y_pred=predictions.pred, y_score=predictions.score)
    )
    metrics.update(result.metrics)
    return Evaluation(
        name=name,
        source=source,
        metric=policy.name,
        value=result.value,
        lo=result.lo,
        hi=result.hi,
        threshold=result.threshold,
        reachable=result.reachable,
        metrics=metrics,
        costs=dict(costs or {}),
        note=result.note,
    )


def evaluate_rung(
    rung: RungResult,
    dataset: Dataset,
    y_test: np.ndarray,
    policy: MetricPolicy,
    **options: Any,
) -> Evaluation:
    """Score a ladder rung on the test rows and attach its cross-validation summary."""
    evaluation = evaluate_predictions(
        rung.name, "rung", dataset, y_test, rung.test, policy, costs=rung.costs, **options
    )
    # A t-interval over a few folds can leave the metric's range (recall below 0).
    low, high = policy.value_range
    lo, hi = (min(max(v, low), high) for v in rung.cv_interval)
    return Evaluation(
        **{
            **asdict(evaluation),
            "cv_mean": rung.cv_mean,
            "cv_lo": lo,
            "cv_hi": hi,
            "cv_train_mean": rung.cv_train_mean,
            "note": "; ".join(n for n in (evaluation.note, *rung.notes) if n),
        }
    )
