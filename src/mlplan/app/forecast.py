"""``mlplan forecast``: learning curves, the data each target needs, stored as one event."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from mlplan.app.context import Context, PlanRef
from mlplan.app.execution import execution_cluster
from mlplan.core.baselines.ladder import default_folds
from mlplan.core.distributed import Cluster
from mlplan.core.forecast.curves import learning_curves
from mlplan.core.forecast.needs import (
    default_forecast_rungs,
    forecast_event,
    forecast_from_curves,
)
from mlplan.io.report.forecast import write_forecast
from mlplan.records.forecast import Forecast

__all__ = ["forecast", "measure_forecast"]

Progress = Callable[[str, int, int], None]


def measure_forecast(
    ctx: Context,
    *,
    rungs: Sequence[str] | None = None,
    targets: Sequence[float] | None = None,
    n_sizes: int = 10,
    n_jobs: int = 2,
    on_progress: Progress | None = None,
    latest: Sequence[dict[str, Any]] | None = None,
    cluster: Cluster | None = None,
    fold_scores: Mapping[str, Sequence[float]] | None = None,
) -> Forecast:
    """Measure the learning curves of ``rungs`` in the training part and forecast from them.

    ``latest`` are the evaluation records of a run on today's split: they choose
    the default rungs (the two best trained rungs by cross-validation) and give
    each rung's test score, on which its forecast is anchored; default: the plan's
    latest stored run when its test part is today's. ``fold_scores`` are the
    ladder's validation scores per rung on the full folds (its fits are reused
    as the curve's largest size).
    """
    plan = ctx.plan
    split = ctx.split
    if latest is None:
        last = ctx.store.latest_run()
        same = last is not None and last.test_fingerprint == split.test_fingerprint
        latest = ctx.store.evaluations(last.id) if last is not None and same else []
    if rungs:
        chosen = list(rungs)
    else:
        chosen = default_forecast_rungs(plan.baselines.ladder, latest, ctx.policy.higher_is_better)
    curves = learning_curves(
        ctx.dataset,
        split,
        ctx.policy,
        chosen,
        n_folds=plan.baselines.cv_folds or default_folds(len(split.train_ids)),
        n_sizes=n_sizes,
        balanced=plan.metric.weighs_classes_equally,
        n_jobs=n_jobs,
        known=fold_scores,
        on_progress=on_progress,
        cluster=cluster,
    )
    return forecast_from_curves(
        curves,
        plan=plan,
        policy=ctx.policy,
        dataset=ctx.dataset,
        n_train=len(split.train_ids),
        measured=chosen,
        targets=targets,
        test_scores=_test_scores(latest, ctx.policy.name),
    )


def _test_scores(latest: Sequence[dict[str, Any]], metric: str) -> dict[str, float]:
    """Each rung's test score of the plan's metric in the evaluation records."""
    return {
        e["name"]: float(e["value"])
        for e in latest
        if e.get("source") == "rung" and e.get("metric") == metric and e.get("value") is not None
    }


def forecast(
    plan: PlanRef = None,
    *,
    rungs: Sequence[str] | None = None,
    targets: Sequence[float] | None = None,
    n_sizes: int = 10,
    n_jobs: int = 2,
    on_progress: Progress | None = None,
    store: bool = True,
    write_charts: bool = True,
    cluster: str | None = None,
) -> Forecast:
    """Measure learning curves, extrapolate them and say how much data each target needs.

    Parameters
    ----------
    plan : str or Path, optional
        The plan file or its folder.
    rungs : sequence of str, optional
        Rungs to measure; default: the two best trained rungs of the latest run
        (by cross-validation), else the plan's ladder without the dummy.
    targets : sequence of float, optional
        Target levels of the plan's metric; default: the requirement (when the
        plan states one for its metric) and a grid between today's best and the
        metric's bound.
    n_sizes : int, default 10
        Number of geometric training sizes from 50 to the full fold.
    n_jobs : int, default 2
    on_progress : callable, optional
    store : bool, default True
        Record the forecast in the store (an event of kind ``forecast``).
    write_charts : bool, default True
        Write ``forecast.png``, ``forecast.svg`` and ``forecast.json`` into the plan's
        output folder (their paths are in the result's ``outputs``).
    cluster : str, optional
        Dask scheduler address or ``local`` for the learning-curve fits (default:
        the plan's ``execution.cluster``, else this machine).

    Returns
    -------
    Forecast
    """
    with Context(plan) as ctx, execution_cluster(ctx.plan, cluster) as workers:
        result = measure_forecast(
            ctx,
            rungs=rungs,
            targets=targets,
            n_sizes=n_sizes,
            n_jobs=n_jobs,
            on_progress=on_progress,
            cluster=workers,
        )
        if store:
            ctx.commit(lambda tx: tx.add_event("forecast", forecast_event(result)))
        if write_charts:
            written = write_forecast(result, ctx.output)
            result = replace(result, outputs={k: str(v) for k, v in written.items()})
    return result
