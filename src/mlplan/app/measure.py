"""The measuring steps commands share: the plan's ladder, and its external models, scored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mlplan.app.context import Context
from mlplan.core.baselines.declared import declared_evaluations
from mlplan.core.baselines.ladder import RungLike, run_ladder
from mlplan.core.baselines.scripted import RuleLike
from mlplan.core.distributed import Cluster
from mlplan.core.evaluation import evaluate_predictions, evaluate_rung
from mlplan.errors import DataError
from mlplan.io.data.predictions import read_predictions, read_validation_predictions
from mlplan.records.evaluation import Evaluation, ThresholdSource
from mlplan.records.ladder import LadderResult
from mlplan.records.predictions import Predictions
from mlplan.schema.plan import ModelEntry

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
    """Score the plan's external models (``models:``) on the test rows.

    A binary model is scored at its declared ``threshold``, else at the threshold
    chosen on its ``validation_predictions`` (rows of the training part), else as
    the policy says with no honest rows to choose on (see
    :mod:`mlplan.core.evaluation`: tuned on the test rows and marked optimistic,
    or 0.5).
    """
    plan, dataset, split, policy = ctx.plan, ctx.dataset, ctx.split, ctx.policy
    _, test_pos = split.positions(dataset)
    y_test = dataset.y[test_pos]
    evaluations, predictions = [], {}
    for entry in plan.models:
        columns = entry_columns(entry, plan.data.id)
        pred, score = read_predictions(
            ctx.plan_file.resolve(entry.predictions), dataset, split.test_ids, **columns
        )
        preds = Predictions(pred=pred, score=score)
        predictions[entry.name] = preds
        threshold, source, unreachable = _model_threshold(ctx, entry, columns)
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
                threshold=threshold,
                threshold_source=source,
                score_kind=entry.score,
                unreachable=unreachable,
            )
        )
    return evaluations, predictions


def entry_columns(entry: ModelEntry, id_name: str | None) -> dict[str, Any]:
    """How to read a ``models:`` entry's predictions files: its columns and score kind."""
    return {
        "id_column": entry.id_column,
        "score_column": entry.score_column,
        "label_column": entry.label_column,
        "id_name": id_name,
        "score_kind": entry.score,
    }


def _model_threshold(
    ctx: Context, entry: ModelEntry, columns: dict[str, Any]
) -> tuple[float | None, ThresholdSource | None, str | None]:
    """``(threshold, source, unreachable note)`` of a model entry, before the test rows."""
    if entry.threshold is not None:
        return float(entry.threshold), "declared", None
    if entry.validation_predictions is None:
        return None, None, None
    return threshold_on_validation(
        ctx, ctx.plan_file.resolve(entry.validation_predictions), columns
    )


def threshold_on_validation(
    ctx: Context, path: str | Path, columns: dict[str, Any]
) -> tuple[float | None, ThresholdSource | None, str | None]:
    """The plan's threshold chosen on a model's predictions for training-part rows.

    Returns ``(threshold, "validation", None)``, or ``(None, "validation", note)``
    when the constraint is unreachable on those rows, or ``(None, None, None)``
    when the policy chooses no threshold (a metric of the scores alone).
    """
    policy = ctx.policy
    if not policy.tunes:
        return None, None, None
    y, _, score = read_validation_predictions(path, ctx.dataset, ctx.split.test_ids, **columns)
    if score is None:
        raise DataError(
            f"{path}: validation predictions need a score column to choose a threshold on; "
            "found labels only"
        )
    choice = policy.choose_threshold(y, score, margin=columns.get("score_kind") == "margin")
    if not choice.reachable:
        return None, "validation", f"{choice.note} (on the validation predictions)"
    return choice.threshold, "validation", None
