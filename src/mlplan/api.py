"""The Python twins of the commands that are not a pipeline of their own.

``mlplan.run`` lives in :mod:`mlplan.run` and ``mlplan.init`` in
:mod:`mlplan.plan.init`; the functions here are the small commands around them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlplan.baselines.ladder import Predictions
from mlplan.data.predictions import read_predictions
from mlplan.data.split import export_split
from mlplan.evaluation import Evaluation, evaluate_predictions
from mlplan.metrics import policy_from_section
from mlplan.plan.load import PlanFile
from mlplan.project import HistoryEntry, Project

__all__ = ["Status", "evaluate", "history", "split", "status"]

PlanRef = str | Path | PlanFile | None


@dataclass(frozen=True, kw_only=True)
class Status:
    """Where the project stands: stage, data, and the latest results."""

    project: str
    stage: str
    plan_path: str
    store_path: str
    n_runs: int
    data_fingerprint: str | None
    last_run: dict[str, Any] | None
    evaluations: list[dict[str, Any]]
    advice: dict[str, Any] | None = None


def split(plan: PlanRef = None, *, export: str | Path | None = None) -> dict[str, Any]:
    """Freeze (or reuse) the test split and optionally export its id files.

    Returns a summary with the strategy, sizes, fingerprints and written paths.
    """
    with Project(plan) as project:
        dataset = project.load_dataset()
        frozen, note = project.frozen_split(dataset)
        written: list[str] = []
        if export is not None:
            written = [str(p) for p in export_split(dataset, frozen, export)]
        return {
            "strategy": frozen.strategy,
            "n_train": len(frozen.train_ids),
            "n_test": len(frozen.test_ids),
            "test_fingerprint": frozen.test_fingerprint,
            "data_fingerprint": dataset.fingerprint,
            "note": note,
            "written": written,
        }


def evaluate(
    predictions: str | Path, plan: PlanRef = None, *, name: str | None = None
) -> Evaluation:
    """Score one predictions file on the frozen test rows with the plan's metric."""
    with Project(plan) as project:
        section = project.plan_file.plan
        dataset = project.load_dataset()
        policy = policy_from_section(section.metric, dataset.task)
        frozen, _ = project.frozen_split(dataset)
        pred, score = read_predictions(
            predictions, dataset, frozen.test_ids, id_name=section.data.id
        )
        _, test_pos = frozen.positions(dataset)
        return evaluate_predictions(
            name or Path(predictions).stem,
            "model",
            dataset,
            dataset.y[test_pos],
            Predictions(pred=pred, score=score),
            policy,
            n_resamples=section.metric.resamples,
            confidence=section.metric.confidence,
        )


def status(plan: PlanRef = None) -> Status:
    """The project's name, stage, data fingerprint and latest results."""
    with Project(plan) as project:
        runs = project.runs()
        last = runs[-1] if runs else None
        return Status(
            project=project.name,
            stage=project.stage,
            plan_path=str(project.plan_file.path),
            store_path=str(project.store.path),
            n_runs=len(runs),
            data_fingerprint=last.data_fingerprint if last else None,
            last_run=None
            if last is None
            else {
                "id": last.id,
                "finished_at": last.finished_at,
                "git_sha": last.git_sha,
                **last.summary,
            },
            evaluations=project.store.evaluations(last.id) if last else [],
            advice=_open_advice(project, last.id) if last else None,
        )


def _open_advice(project: Project, run_id: int) -> dict[str, Any] | None:
    """The advice stored for a run, with the codes accepted since and muted codes dropped."""
    events = project.store.events()
    advice = next(
        (
            e
            for e in reversed(events)
            if e["kind"] == "advice" and e["payload"].get("run_id") == run_id
        ),
        None,
    )
    if advice is None:
        return None
    payload = dict(advice["payload"])
    muted = set(project.plan_file.plan.advice.mute)
    payload["findings"] = [
        f
        if f["code"] not in muted or f["outcome"] not in ("issue", "tip")
        else {**f, "outcome": "muted"}
        for f in payload.get("findings", [])
    ]
    payload["accepted"] = [
        e["payload"].get("code")
        for e in events
        if e["kind"] == "decision" and e["id"] > advice["id"]
    ]
    return payload


def history(plan: PlanRef = None) -> list[HistoryEntry]:
    """Every run and lifecycle event of the project, oldest first."""
    with Project(plan) as project:
        return project.history()
