"""The measuring steps commands share: the plan's ladder, and its external models, scored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mlplan.app.context import Context
from mlplan.core.baselines.declared import declared_evaluations
from mlplan.core.baselines.ladder import RungLike, run_ladder
from mlplan.core.baselines.scripted import RuleLike
from mlplan.core.distributed import Cluster
from mlplan.core.evaluation import evaluate_predictions, evaluate_rung
from mlplan.io.data.predictions import read_predictions
from mlplan.records.evaluation import Evaluation
from mlplan.records.ladder import LadderResult
from mlplan.records.predictions import Predictions

__all__ = ["evaluate_models", "measure_ladder"]

Progress = Callable[[str, int, int], None]


def measure_ladder(
    ctx: Context,
    *,
    rungs: Sequence[RungLike] | None = None,
    scripted: Sequence[RuleLike] = (),
    n_jobs: int = 2,
    budget: str | float | None = None,
    on_progress: Progress | None = None,
    cluster: Cluster | None = None,
) -> tuple[LadderResult, list[Evaluation], dict[str, Predictions]]:
    """Run the plan's ladder and score every rung, declared ones included, on the test rows.

    Returns the ladder, the evaluations (declared rungs first, then scripted and
    trained rungs) and every rung's test predictions by name. With ``cluster``
    the fits run on its Dask workers (same results).
    """
    plan, dataset, split, policy = ctx.plan, ctx.dataset, ctx.split, ctx.policy
    ladder = run_ladder(
        dataset,
        split,
        policy,
        rungs=plan.baselines.ladder if rungs is None else rungs,
        scripted=[*plan.baselines.scripted, *scripted],
        n_folds=plan.baselines.cv_folds,
        balanced=plan.metric.weighs_classes_equally,
        n_jobs=n_jobs,
        budget=budget if budget is not None else plan.baselines.budget,
        on_progress=on_progress,
        cluster=cluster,
    )
    metric = plan.metric
    options: dict[str, Any] = {"n_resamples": metric.resamples, "confidence": metric.confidence}
    _, test_pos = split.positions(dataset)
    y_test = dataset.y[test_pos]
    evaluations = [
        *declared_evaluations(plan.baselines, policy, confidence=metric.confidence),
        *(evaluate_rung(r, dataset, y_test, policy, **options) for r in ladder.rungs),
    ]
    return ladder, evaluations, {r.name: r.test for r in ladder.rungs}


def evaluate_models(ctx: Context) -> tuple[list[Evaluation], dict[str, Predictions]]:
    """Score the plan's external models (``models:``) on the test rows."""
    plan, dataset, split, policy = ctx.plan, ctx.dataset, ctx.split, ctx.policy
    _, test_pos = split.positions(dataset)
    y_test = dataset.y[test_pos]
    evaluations, predictions = [], {}
    for entry in plan.models:
        pred, score = read_predictions(
            ctx.plan_file.resolve(entry.predictions),
            dataset,
            split.test_ids,
            id_column=entry.id_column,
            score_column=entry.score_column,
            label_column=entry.label_column,
            id_name=plan.data.id,
        )
        preds = Predictions(pred=pred, score=score)
        predictions[entry.name] = preds
        evaluations.append(
            evaluate_predictions(
                entry.name,
                "model",
                dataset,
                y_test,
                preds,
                policy,
                n_resamples=plan.metric.resamples,
                confidence=plan.metric.confidence,
            )
        )
    return evaluations, predictions
