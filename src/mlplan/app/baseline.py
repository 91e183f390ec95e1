"""``mlplan baseline``: the ladder on its own, every rung on one axis (nothing is stored)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlplan.app.context import Context, PlanRef
from mlplan.app.execution import execution_cluster
from mlplan.app.measure import measure_ladder
from mlplan.core.baselines.ladder import RungLike
from mlplan.core.baselines.scripted import RuleLike
from mlplan.records.ladder import BaselineReport

__all__ = ["baseline"]


def baseline(
    plan: PlanRef = None,
    *,
    rungs: Sequence[RungLike] | None = None,
    scripted: Sequence[RuleLike] | None = None,
    budget: str | float | None = None,
    n_jobs: int = 2,
    on_progress: Callable[[str, int, int], None] | None = None,
    cluster: str | None = None,
) -> BaselineReport:
    """Run the plan's baseline ladder on the frozen split and evaluate every rung.

    Nothing is written to the store, not even a split drawn for the first time
    (the same seed draws the same split when ``mlplan run`` freezes it).

    Parameters
    ----------
    plan : str or Path, optional
        The plan file or its folder (default: ``./mlplan.yaml``).
    rungs : sequence, optional
        Rung names and/or :class:`~mlplan.core.baselines.ladder.CustomRung` (default:
        the plan's ``baselines.ladder``).
    scripted : sequence, optional
        Extra rules, ``(name, "expression")`` or ``(name, callable)``, added to the
        plan's ``baselines.scripted``.
    budget : str or float, optional
        Time budget (``"10m"``); default: the plan's ``baselines.budget``.
    n_jobs : int, default 2
    on_progress : callable, optional
    cluster : str, optional
        Dask scheduler address or ``local`` (default: the plan's ``execution.cluster``).

    Returns
    -------
    BaselineReport
    """
    with Context(plan) as ctx, execution_cluster(ctx.plan, cluster) as workers:
        ladder, evaluations, _ = measure_ladder(
            ctx,
            rungs=rungs,
            scripted=scripted or (),
            n_jobs=n_jobs,
            budget=budget,
            on_progress=on_progress,
            cluster=workers,
        )
        return BaselineReport(
            metric=ctx.policy.name,
            higher_is_better=ctx.policy.higher_is_better,
            evaluations=tuple(evaluations),
            ladder=ladder,
        )
