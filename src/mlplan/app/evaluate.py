"""``mlplan evaluate``: score one predictions file with the plan's metric (nothing is stored)."""

from __future__ import annotations

from pathlib import Path

from mlplan.app.context import Context, PlanRef
from mlplan.app.outofcore import evaluate_partitioned
from mlplan.core.evaluation import evaluate_predictions
from mlplan.io.data.partitioned import is_partitioned
from mlplan.io.data.predictions import read_predictions
from mlplan.records.evaluation import Evaluation
from mlplan.records.predictions import Predictions

__all__ = ["evaluate"]


def evaluate(
    predictions: str | Path, plan: PlanRef = None, *, name: str | None = None
) -> Evaluation:
    """Score one predictions file on the frozen test rows with the plan's metric.

    A folder or a glob of Parquet parts (with their own truth column) is scored
    out of core, in bounded memory (see :mod:`mlplan.app.outofcore`).
    """
    with Context(plan) as ctx:
        if is_partitioned(predictions):
            return evaluate_partitioned(predictions, ctx, name=name)
        section, dataset, split = ctx.plan, ctx.dataset, ctx.split
        pred, score = read_predictions(
            predictions, dataset, split.test_ids, id_name=section.data.id
        )
        _, test_pos = split.positions(dataset)
        return evaluate_predictions(
            name or Path(predictions).stem,
            "model",
            dataset,
            dataset.y[test_pos],
            Predictions(pred=pred, score=score),
            ctx.policy,
            n_resamples=section.metric.resamples,
            confidence=section.metric.confidence,
        )
