"""``mlplan evaluate`` / ``mlplan gate`` on a Parquet folder or glob too large for memory.

The set carries its own truth column, so it is scored as it is (not matched to
the frozen test rows); the plan gives the metric, the positive class and the
gate's constraints and floors. Every part is counted in bounded memory
(:mod:`mlplan.core.metrics.outofcore`), here or, with the plan's ``execution:``
cluster, on Dask workers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlplan._text import join_notes
from mlplan.app.context import Context
from mlplan.app.execution import execution_cluster
from mlplan.core.gate.partitioned import partitioned_gate
from mlplan.core.metrics.outofcore import OutOfCore, OutOfCoreResult
from mlplan.errors import DataError, PlanError
from mlplan.io.data.partitioned import open_partitioned
from mlplan.records.evaluation import Evaluation
from mlplan.records.gate import GateResult

__all__ = ["evaluate_partitioned", "gate_partitioned"]


def _measure(ctx: Context, source: str | Path) -> tuple[OutOfCoreResult, dict[str, float]]:
    plan = ctx.plan
    task = plan.data.task or ctx.dataset.task
    if task != "binary":
        raise DataError(f"{source}: a partitioned prediction set needs a binary task; got {task}")
    positive = plan.data.positive if plan.data.positive is not None else ctx.dataset.classes[1]
    found = open_partitioned(source, target=plan.data.target, positive=positive)
    with execution_cluster(plan) as cluster:
        engine = OutOfCore(found.parts, found.read, cluster=cluster)
        result = engine.evaluate(
            ctx.policy, n_resamples=plan.metric.resamples, confidence=plan.metric.confidence
        )
        extra = engine.standard_metrics()
    return result, extra


def evaluate_partitioned(
    source: str | Path, ctx: Context, *, name: str | None = None
) -> Evaluation:
    """Score a partitioned prediction set with the plan's metric (nothing is stored)."""
    found, extra = _measure(ctx, source)
    result = found.result
    note = join_notes(
        result.note,
        f"out of core: {found.n_rows} rows in {found.n_parts} parts, {found.passes} passes; "
        "roc_auc and average_precision need the full ranking and are not computed",
    )
    return Evaluation(
        name=name or Path(str(source).rstrip("/*")).name or "predictions",
        source="model",
        metric=ctx.policy.name,
        value=result.value,
        lo=result.lo,
        hi=result.hi,
        threshold=result.threshold,
        reachable=result.reachable,
        metrics={**extra, **result.metrics},
        note=note,
    )


def gate_partitioned(
    source: str | Path, ctx: Context, *, name: str | None, options: dict[str, Any]
) -> GateResult:
    """The gate's rules that a set scored on its own can decide: constraints and floors."""
    if options.get("accept") or options.get("champion") is not None:
        raise PlanError(
            "gate: a partitioned candidate is judged on its own rows; --accept and --champion "
            "need predictions on the frozen test rows"
        )
    found, _ = _measure(ctx, source)
    plan = ctx.plan
    floors = plan.gate.floors if plan.gate.floors is not None else plan.baselines.requirement
    return partitioned_gate(
        name or Path(str(source).rstrip("/*")).name or "candidate",
        found,
        ctx.policy,
        plan.gate,
        floors=floors,
        costs=options.get("costs") or {},
    )
