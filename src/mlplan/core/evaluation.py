"""The Evaluation record: one model scored on the frozen test rows with the plan's metric."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from mlplan.core.data.dataset import Dataset
from mlplan.core.metrics import MetricPolicy, standard_metrics
from mlplan.records.evaluation import Evaluation, Source
from mlplan.records.ladder import RungResult
from mlplan.records.predictions import Predictions

__all__ = ["Evaluation", "evaluate_predictions", "evaluate_rung"]


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
