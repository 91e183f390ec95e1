"""The evidence of a stored run: its records read back from the store, then assembled."""

from __future__ import annotations

from typing import Any

from mlplan.app.context import Context
from mlplan.core.advise.evidence import assemble_evidence, evaluation_from_record, stored_leakage
from mlplan.errors import PlanError
from mlplan.io.store import Store
from mlplan.records.evidence import Evidence

__all__ = ["latest_forecast", "stored_evidence"]


def latest_forecast(store: Store, metric: str) -> dict[str, Any] | None:
    """The newest stored forecast of the plan's current metric (older metrics do not count)."""
    for event in reversed(store.events("forecast")):
        if event["payload"].get("metric") == metric:
            return dict(event["payload"])
    return None


def stored_evidence(ctx: Context, run_id: int | None = None) -> Evidence:
    """The evidence of one of the plan's stored runs (default: the latest).

    Raises
    ------
    PlanError
        When the plan has no run yet, or ``run_id`` is not one of its runs.
    """
    runs = {run.id: run for run in ctx.store.runs()}
    if not runs:
        raise PlanError(
            f"advise: plan {ctx.key} has no run yet; 'mlplan run' measures the plan first"
        )
    if run_id is None:
        run_id = max(runs)
    if run_id not in runs:
        known = ", ".join(map(str, sorted(runs)))
        raise PlanError(f"advise: plan {ctx.key} has no run #{run_id}; its runs: {known}")
    run = runs[run_id]
    policy = ctx.policy
    evaluations = [
        evaluation_from_record(record, policy.name) for record in ctx.store.evaluations(run_id)
    ]
    return assemble_evidence(
        plan=ctx.plan,
        dataset=ctx.dataset,
        split=ctx.split,
        policy=policy,
        run_id=run_id,
        stage=run.stage,  # type: ignore[arg-type]
        evaluations=evaluations,
        predictions={e.name: ctx.store.predictions(run_id, e.name) for e in evaluations},
        leakage=stored_leakage(run.summary),
        forecast=latest_forecast(ctx.store, policy.name),
    )
