"""``mlplan run``: the whole pipeline, from the plan to the stored, reported results.

Everything the run measures (the split when it is new, the run, its evaluations
and predictions, its advice, and the forecast with ``--forecast``) is written in
one transaction at the end; the reports are written after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from mlplan.app.context import Context, PlanRef
from mlplan.app.evidence import latest_forecast
from mlplan.app.execution import execution_cluster
from mlplan.app.forecast import measure_forecast
from mlplan.app.measure import evaluate_models, measure_ladder
from mlplan.app.report_inputs import forecast_from_dict, reference_kinds, run_diagnostics
from mlplan.core.advise.engine import judge
from mlplan.core.advise.evidence import assemble_evidence
from mlplan.core.forecast.needs import forecast_event
from mlplan.io.provenance import git_sha
from mlplan.io.report.forecast import write_forecast
from mlplan.io.report.render import write_reports as write_run_reports
from mlplan.io.store import Tx, utc_now
from mlplan.records.advice import Advice
from mlplan.records.evaluation import Evaluation
from mlplan.records.forecast import Forecast
from mlplan.records.predictions import Predictions
from mlplan.records.report import ReportInputs
from mlplan.records.run import RunResult

__all__ = ["run"]


def run(
    plan: PlanRef = None,
    *,
    n_jobs: int = 2,
    on_progress: Callable[[str, int, int], None] | None = None,
    write_reports: bool = True,
    budget: str | float | None = None,
    forecast: bool = False,
    cluster: str | None = None,
) -> RunResult:
    """Run the plan: load, split, ladder, evaluate, advise, store and report.

    Parameters
    ----------
    plan : str or Path, optional
        The plan file or its folder (default: ``./mlplan.yaml``).
    n_jobs : int, default 2
        Parallel jobs for the ladder.
    on_progress : callable, optional
        Called as ``on_progress(label, done, total)`` as work advances.
    write_reports : bool, default True
        Write ``report.html``, ``report.md`` and ``results.json`` into the plan's
        output folder.
    budget : str or float, optional
        Time budget for the ladder (``"10m"``); default: the plan's ``baselines.budget``.
    forecast : bool, default False
        Also measure learning curves of the two best rungs and forecast the data each
        target needs, before the advice is judged, so that the advice can use it.

    Returns
    -------
    RunResult
    """
    started = utc_now()
    with Context(plan) as ctx, execution_cluster(ctx.plan, cluster) as workers:
        section, dataset, split, policy = ctx.plan, ctx.dataset, ctx.split, ctx.policy
        ladder, evaluations, predictions = measure_ladder(
            ctx, n_jobs=n_jobs, budget=budget, on_progress=on_progress, cluster=workers
        )
        models, model_predictions = evaluate_models(ctx)
        evaluations += models
        predictions.update(model_predictions)
        stage = ctx.stage
        result = RunResult(
            run_id=0,
            project=section.project.name,
            plan=ctx.key,
            stage=stage,
            task=dataset.task,
            task_reason=dataset.task_reason,
            positive=str(dataset.classes[1]) if dataset.task == "binary" else None,
            metric=policy.name,
            higher_is_better=policy.higher_is_better,
            data_fingerprint=dataset.fingerprint,
            n_rows=len(dataset.ids),
            n_rows_total=dataset.n_rows_total,
            n_train=len(split.train_ids),
            n_test=len(split.test_ids),
            split_strategy=split.strategy,
            test_fingerprint=split.test_fingerprint,
            columns={c.name: c.kind.value for c in dataset.columns},
            evaluations=tuple(evaluations),
            requirement=dict(section.baselines.requirement),
            started_at=started,
            finished_at=utc_now(),
            git_sha=git_sha(ctx.plan_file.root),
            plan_hash=ctx.plan_file.sha256,
            notes=(
                *dataset.notes,
                ctx.split_note,
                *([split.note] if split.note else []),
                *ladder.all_notes,
            ),
            warnings=ladder.warnings,
        )
        sizes = None
        if forecast:
            latest = [e.to_dict() for e in evaluations]
            reused = {r.name: r.fold_scores for r in ladder.rungs if r.cv_rows is None}
            sizes = measure_forecast(
                ctx,
                n_jobs=n_jobs,
                on_progress=on_progress,
                latest=latest,
                cluster=workers,
                fold_scores=reused,
            )
        evidence = assemble_evidence(
            plan=section,
            dataset=dataset,
            split=split,
            policy=policy,
            run_id=None,
            stage=stage,
            evaluations=evaluations,
            predictions={name: _arrays(p) for name, p in predictions.items()},
            leakage=ladder.warnings,
            forecast=forecast_event(sizes)
            if sizes is not None
            else latest_forecast(ctx.store, policy.name),
        )
        advice = judge(evidence, mute=section.advice.mute)
        run_id = ctx.commit(
            lambda tx: _write(tx, result, predictions, advice, sizes), what="run #{result}"
        )
        assert run_id is not None
        output = ctx.output
        inputs = _report_inputs(ctx, evaluations, predictions, sizes) if write_reports else None
    result = replace(result, run_id=run_id, advice=replace(advice, run_id=run_id), forecast=sizes)
    if inputs is not None:
        result = _with_reports(result, output, inputs)
    return result


def _arrays(predictions: Predictions) -> dict[str, np.ndarray]:
    arrays = {"pred": predictions.pred}
    if predictions.score is not None:
        arrays["score"] = predictions.score
    return arrays


def _write(
    tx: Tx,
    result: RunResult,
    predictions: dict[str, Predictions],
    advice: Advice,
    sizes: Forecast | None,
) -> int:
    """Store the run, its evaluations, predictions, advice and forecast (inside ``tx``)."""
    best = result.best
    run_id = tx.add_run(
        {
            "started_at": result.started_at,
            "finished_at": result.finished_at,
            "project": result.project,
            "stage": result.stage,
            "plan_hash": result.plan_hash,
            "data_fingerprint": result.data_fingerprint,
            "test_fingerprint": result.test_fingerprint,
            "git_sha": result.git_sha,
            "command": "run",
            "summary": {
                "task": result.task,
                "positive": result.positive,
                "metric": result.metric,
                "higher_is_better": result.higher_is_better,
                "best": best.name if best else None,
                "best_value": best.value if best else None,
                "n_train": result.n_train,
                "n_test": result.n_test,
                "n_rows": result.n_rows,
                "n_rows_total": result.n_rows_total,
                "task_reason": result.task_reason,
                "split_strategy": result.split_strategy,
                "columns": result.columns,
                "requirement": result.requirement,
                "notes": list(result.notes),
                "warnings": [asdict(w) for w in result.warnings],
            },
        }
    )
    for evaluation in result.evaluations:
        tx.add_evaluation(run_id, evaluation.to_dict())
    for name, preds in predictions.items():
        tx.add_predictions(run_id, name, _arrays(preds))
    if sizes is not None:
        tx.add_event("forecast", forecast_event(sizes))
    stored = replace(advice, run_id=run_id)
    tx.add_event("advice", {**stored.to_dict(), "summary": stored.summary()})
    return run_id


def _report_inputs(
    ctx: Context,
    evaluations: list[Evaluation],
    predictions: dict[str, Predictions],
    sizes: Forecast | None,
) -> ReportInputs:
    """What the report shows beside the run: its models' diagnostics, the forecast in force."""
    _, test_pos = ctx.split.positions(ctx.dataset)
    arrays = {name: _arrays(p) for name, p in predictions.items()}
    stored = None if sizes is not None else latest_forecast(ctx.store, ctx.policy.name)
    return ReportInputs(
        diagnostics=run_diagnostics(ctx, ctx.dataset.y[test_pos], evaluations, arrays),
        forecast=forecast_from_dict(stored["forecast"])
        if stored and stored.get("forecast")
        else None,
        kinds=reference_kinds(ctx.plan),
    )


def _with_reports(result: RunResult, folder: Path, inputs: ReportInputs) -> RunResult:
    outputs = dict(write_run_reports(result, folder, inputs, index_link=None))
    if result.forecast is not None:
        outputs.update(write_forecast(result.forecast, folder))
    return replace(result, outputs={k: str(v) for k, v in outputs.items()})
