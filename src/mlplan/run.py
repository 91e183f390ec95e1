"""``mlplan run``: the whole pipeline, from the plan to the stored, reported results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from mlplan.advise.engine import Advice, advise_run
from mlplan.baselines.external import declared_evaluations
from mlplan.baselines.ladder import CustomRung, LadderResult, Predictions, run_ladder
from mlplan.baselines.leakage import LeakageWarning
from mlplan.data.dataset import Dataset
from mlplan.data.predictions import read_predictions
from mlplan.data.split import Split
from mlplan.evaluation import Evaluation, evaluate_predictions, evaluate_rung
from mlplan.forecast import Forecast
from mlplan.forecast import forecast as measure_data_needs
from mlplan.forecast.report import write_forecast
from mlplan.metrics import MetricPolicy, policy_from_section
from mlplan.plan.load import PlanFile
from mlplan.project import Project, git_sha
from mlplan.store import utc_now

__all__ = ["RunResult", "measure_ladder", "run"]


@dataclass(frozen=True, kw_only=True)
class RunResult:
    """Everything one run measured, as stored and reported."""

    run_id: int
    project: str
    stage: str
    task: str
    task_reason: str
    metric: str
    higher_is_better: bool
    data_fingerprint: str
    n_rows: int
    n_rows_total: int
    n_train: int
    n_test: int
    split_strategy: str
    test_fingerprint: str
    columns: dict[str, str]
    evaluations: tuple[Evaluation, ...]
    requirement: dict[str, float]
    started_at: str
    finished_at: str
    git_sha: str | None
    plan_hash: str
    notes: tuple[str, ...] = field(default=())
    outputs: dict[str, str] = field(default_factory=dict)
    warnings: tuple[LeakageWarning, ...] = field(default=())
    advice: Advice | None = None
    forecast: Forecast | None = None

    @property
    def best(self) -> Evaluation | None:
        """The trained rung or external model with the best value of the plan's metric.

        Declared rungs (requirement, published, human) are reference points, not
        candidates, so they are never "best".
        """
        scored = [e for e in self.evaluations if e.value is not None and e.source != "declared"]
        if not scored:
            return None
        sign = 1.0 if self.higher_is_better else -1.0
        return max(scored, key=lambda e: sign * float(e.value))  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``results.json`` holds)."""
        best = self.best
        return {
            "run_id": self.run_id,
            "project": self.project,
            "stage": self.stage,
            "task": self.task,
            "task_reason": self.task_reason,
            "metric": {"name": self.metric, "higher_is_better": self.higher_is_better},
            "data": {
                "fingerprint": self.data_fingerprint,
                "n_rows": self.n_rows,
                "n_rows_total": self.n_rows_total,
                "columns": self.columns,
            },
            "split": {
                "strategy": self.split_strategy,
                "n_train": self.n_train,
                "n_test": self.n_test,
                "test_fingerprint": self.test_fingerprint,
            },
            "requirement": self.requirement,
            "evaluations": [e.to_dict() for e in self.evaluations],
            "best": best.name if best else None,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "git_sha": self.git_sha,
            "plan_hash": self.plan_hash,
            "notes": list(self.notes),
            "warnings": [asdict(w) for w in self.warnings],
            "advice": self.advice.to_dict() if self.advice else None,
            "forecast": self.forecast.to_dict() if self.forecast else None,
        }


def run(
    plan: str | Path | PlanFile | None = None,
    *,
    n_jobs: int = 2,
    on_progress: Callable[[str, int, int], None] | None = None,
    write_reports: bool = True,
    budget: str | float | None = None,
    forecast: bool = False,
) -> RunResult:
    """Run the plan: load, split, ladder, evaluate, store and report.

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
        target needs (:func:`mlplan.forecast.forecast`), before the advice is judged,
        so that the advice can use it.

    Returns
    -------
    RunResult
    """
    started = utc_now()
    with Project(plan) as project:
        plan_file = project.plan_file
        section = plan_file.plan
        dataset = project.load_dataset()
        policy = policy_from_section(section.metric, dataset.task)
        split, split_note = project.frozen_split(dataset)
        ladder, evaluations, predictions = measure_ladder(
            plan_file, dataset, split, policy, n_jobs=n_jobs, budget=budget, on_progress=on_progress
        )
        evaluations += _evaluate_models(plan_file, dataset, split, policy, predictions)
        result = RunResult(
            run_id=0,
            project=section.project.name,
            stage=project.stage,
            task=dataset.task,
            task_reason=dataset.task_reason,
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
            git_sha=git_sha(plan_file.root),
            plan_hash=plan_file.sha256,
            notes=(
                *dataset.notes,
                split_note,
                *([split.note] if split.note else []),
                *ladder.all_notes,
            ),
            warnings=ladder.warnings,
        )
        run_id = _store(project, result, predictions)
        sizes = None
        if forecast:
            sizes = measure_data_needs(plan_file, n_jobs=n_jobs, on_progress=on_progress)
        advice = advise_run(project, run_id, dataset=dataset, split=split, leakage=result.warnings)
    result = _with(result, run_id=run_id, advice=advice, forecast=sizes)
    if write_reports:
        from mlplan.report import write_reports as write

        outputs = write(result, plan_file.resolve(section.output))
        if sizes is not None:
            for path in write_forecast(sizes, plan_file):
                outputs[path.suffix.lstrip(".") + "_forecast"] = path
        result = _with(result, outputs={k: str(v) for k, v in outputs.items()})
    return result


def _with(result: RunResult, **changes: Any) -> RunResult:
    return replace(result, **changes)


def measure_ladder(
    plan_file: PlanFile,
    dataset: Dataset,
    split: Split,
    policy: MetricPolicy,
    *,
    rungs: Sequence[str | CustomRung] | None = None,
    scripted: Sequence[Any] = (),
    n_jobs: int = 2,
    budget: str | float | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> tuple[LadderResult, list[Evaluation], dict[str, Predictions]]:
    """Run the plan's ladder and score every rung, declared ones included, on the test rows.

    Returns the ladder, the evaluations (declared rungs first, then trained and
    scripted rungs) and every rung's test predictions by name.
    """
    section = plan_file.plan
    ladder = run_ladder(
        dataset,
        split,
        policy,
        rungs=section.baselines.ladder if rungs is None else rungs,
        scripted=[*section.baselines.scripted, *scripted],
        n_folds=section.baselines.cv_folds,
        balanced=section.metric.weighs_classes_equally,
        n_jobs=n_jobs,
        budget=budget if budget is not None else section.baselines.budget,
        on_progress=on_progress,
    )
    metric = section.metric
    options: dict[str, Any] = {"n_resamples": metric.resamples, "confidence": metric.confidence}
    _, test_pos = split.positions(dataset)
    y_test = dataset.y[test_pos]
    evaluations = [
        *declared_evaluations(section.baselines, policy, confidence=metric.confidence),
        *(evaluate_rung(r, dataset, y_test, policy, **options) for r in ladder.rungs),
    ]
    return ladder, evaluations, {r.name: r.test for r in ladder.rungs}


def _evaluate_models(
    plan_file: PlanFile,
    dataset: Dataset,
    split: Split,
    policy: MetricPolicy,
    predictions: dict[str, Predictions],
) -> list[Evaluation]:
    """Score the plan's external models on the test rows (adds their predictions)."""
    metric = plan_file.plan.metric
    _, test_pos = split.positions(dataset)
    y_test = dataset.y[test_pos]
    evaluations = []
    for entry in plan_file.plan.models:
        pred, score = read_predictions(
            plan_file.resolve(entry.predictions),
            dataset,
            split.test_ids,
            id_column=entry.id_column,
            score_column=entry.score_column,
            label_column=entry.label_column,
            id_name=plan_file.plan.data.id,
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
                n_resamples=metric.resamples,
                confidence=metric.confidence,
            )
        )
    return evaluations


def _store(project: Project, result: RunResult, predictions: dict[str, Predictions]) -> int:
    """Write the run in one transaction: all of it or nothing."""
    best = result.best
    with project.store.transaction() as tx:
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
                    "metric": result.metric,
                    "higher_is_better": result.higher_is_better,
                    "best": best.name if best else None,
                    "best_value": best.value if best else None,
                    "n_train": result.n_train,
                    "n_test": result.n_test,
                    "requirement": result.requirement,
                    "notes": list(result.notes),
                    "warnings": [asdict(w) for w in result.warnings],
                },
            }
        )
        for evaluation in result.evaluations:
            tx.add_evaluation(run_id, evaluation.to_dict())
        for name, preds in predictions.items():
            arrays = {"pred": preds.pred}
            if preds.score is not None:
                arrays["score"] = np.asarray(preds.score)
            tx.add_predictions(run_id, name, arrays)
    return run_id
