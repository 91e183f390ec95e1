"""Measured evidence from a linked mlplan project folder.

An idea may link the folder of an mlplan project (``links: [{kind: project, path:
...}]``). Its store holds real numbers: the latest run's evaluations (the best
baseline and its interval against the plan's requirement) and, once the forecast
command has run, data-size forecasts (events of kind ``forecast`` whose payload
holds ``{"targets": [{"target", "n", "lo", "hi", "reachable"}, ...]}``). Those
numbers replace the idea's judgements during scoring and are marked "measured".
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from mlplan.app.context import Context
from mlplan.errors import PlanError
from mlplan.io.plan.load import load_plan
from mlplan.io.store import store_path
from mlplan.records.portfolio import ForecastPoint, Measured

__all__ = ["ForecastPoint", "Measured", "read_project"]


def read_project(folder: str | Path, *, target: float | None = None) -> Measured:
    """Read the latest measurements of the mlplan project in ``folder``.

    Parameters
    ----------
    folder : str or Path
        The project folder (or its ``mlplan.yaml``).
    target : float, optional
        The idea's own accuracy target, used when the project's plan states no
        requirement for its metric and to pick the forecast point.

    Returns
    -------
    Measured
        With ``run_id`` None when the project has no run yet (nothing is created
        in the folder).

    Raises
    ------
    PlanError
        When the folder holds no valid plan.
    """
    try:
        plan_file = load_plan(folder)
    except PlanError as exc:
        raise PlanError(f"linked project {folder}: {exc}") from exc
    plan = plan_file.plan
    base = Measured(project=plan.project.name, folder=str(plan_file.root))
    if not store_path(plan_file.root).is_file():
        return _replace(base, notes=("the linked project has no store yet: run 'mlplan run'",))
    with Context(plan_file) as ctx:
        run = ctx.store.latest_run()
        if run is None:
            return _replace(base, notes=("the linked project has no run yet: run 'mlplan run'",))
        evaluations = ctx.store.evaluations(run.id)
        forecasts = ctx.store.events("forecast")
    summary = run.summary
    higher = bool(summary.get("higher_is_better", True))
    primary = plan.metric.optimise or str(summary.get("metric", ""))
    requirement = dict(plan.baselines.requirement)
    notes: list[str] = []
    goal = requirement.get(primary)
    declared = next(
        (
            e
            for e in evaluations
            if e.get("source") == "declared" and e.get("name") == "requirement"
        ),
        None,
    )
    if goal is None and declared is not None and _finite(declared.get("value")):
        goal = float(declared["value"])  # the plan's metric computed from the requirement
    if goal is None and target is not None:
        goal = target
        notes.append(f"the project's plan states no requirement for {primary}; used the idea's")
    # declared rows (requirement, published, human) are not measured on this data
    scored = [e for e in evaluations if e.get("source") != "declared" and _finite(e.get("value"))]
    sign = 1.0 if higher else -1.0
    best_record = max(scored, key=lambda e: sign * float(e["value"])) if scored else None
    value = _float(best_record.get("value")) if best_record else None
    gap = None
    if value is not None and goal is not None:
        gap = (goal - value) if higher else (value - goal)
    n_train = _int(summary.get("n_train"))
    n_test = _int(summary.get("n_test"))
    return _replace(
        base,
        run_id=run.id,
        at=run.finished_at,
        metric=str(summary.get("metric", primary)),
        primary=primary,
        higher_is_better=higher,
        best=best_record.get("name") if best_record else None,
        value=value,
        lo=_float(best_record.get("lo")) if best_record else None,
        hi=_float(best_record.get("hi")) if best_record else None,
        target=goal,
        gap=gap,
        n_train=n_train,
        n_available=(n_train + n_test) if n_train is not None and n_test is not None else None,
        baselines=tuple(
            {
                "name": e.get("name"),
                "source": e.get("source"),
                "value": _float(e.get("value")),
                "lo": _float(e.get("lo")),
                "hi": _float(e.get("hi")),
            }
            for e in evaluations
        ),
        forecast=_forecast_point(forecasts, goal),
        notes=tuple(notes) + (() if best_record else ("no model of the latest run was scored",)),
    )


def _forecast_point(events: list[dict[str, Any]], goal: float | None) -> ForecastPoint | None:
    """The latest forecast's point for the smallest target at or above ``goal`` (else None)."""
    if not events or goal is None:
        return None
    points = []
    for entry in events[-1]["payload"].get("targets", []) or []:
        try:
            points.append(
                ForecastPoint(
                    target=float(entry["target"]),
                    n=_float(entry.get("n")),
                    lo=_float(entry.get("lo")),
                    hi=_float(entry.get("hi")),
                    reachable=bool(entry.get("reachable", entry.get("n") is not None)),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    if not points:
        return None
    above = [p for p in points if p.target >= goal - 1e-12]
    return min(above, key=lambda p: p.target) if above else None


def _replace(measured: Measured, **changes: Any) -> Measured:
    from dataclasses import replace

    return replace(measured, **changes)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(float(value))


def _float(value: Any) -> float | None:
    return float(value) if _finite(value) else None


def _int(value: Any) -> int | None:
    return int(value) if _finite(value) else None
