"""``mlplan forecast``: how many labelled examples each target needs, and what they cost."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mlplan._json import json_ready
from mlplan.baselines.ladder import default_folds
from mlplan.errors import MetricError
from mlplan.forecast.curves import LearningCurve, learning_curves
from mlplan.forecast.extrapolate import Extrapolation, extrapolate
from mlplan.metrics import MetricPolicy, policy_from_section
from mlplan.plan.load import PlanFile
from mlplan.plan.schema import MetricSection
from mlplan.project import Project

__all__ = ["RULES_OF_THUMB", "Forecast", "RungForecast", "TargetNeed", "forecast"]

RULES_OF_THUMB = (
    "about 10,000 labelled examples for an ordinary ML problem",
    "about 100,000 for images",
    "the dataset sizes of similar published work",
    "pre-training on a larger similar dataset when labels are short",
)

_GRID_STEPS = (0.1, 0.25, 0.5, 0.75)


@dataclass(frozen=True, kw_only=True)
class TargetNeed:
    """Training examples needed to reach one target level, and what they cost."""

    target: float
    n: float
    lo: float
    hi: float
    reachable: bool
    reason: str
    to_label: float | None = None
    cost: float | None = None
    cost_lo: float | None = None
    cost_hi: float | None = None
    fit_seconds: float | None = None


@dataclass(frozen=True, kw_only=True)
class RungForecast:
    """One rung's learning curve, its extrapolation and the data each target needs."""

    rung: str
    curve: LearningCurve
    query_sizes: tuple[float, ...]
    mean: tuple[float, ...]
    lo: tuple[float, ...]
    hi: tuple[float, ...]
    family: str
    ceiling: float
    ceiling_lo: float
    ceiling_hi: float
    needs: tuple[TargetNeed, ...]


@dataclass(frozen=True, kw_only=True)
class Forecast:
    """Data-size forecast of a plan: per rung, per target level.

    ``n`` is counted in training examples (the x axis of the learning curves); the
    labelled rows to add are ``n`` minus the training rows the project has now.
    """

    project: str
    metric: str
    higher_is_better: bool
    n_train: int
    requirement: float | None
    cost_per_example: float | None
    rungs: tuple[RungForecast, ...]
    rules_of_thumb: tuple[str, ...] = RULES_OF_THUMB
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (infinite sizes become None)."""
        return json_ready(asdict(self))


def forecast(
    plan: str | Path | PlanFile | None = None,
    *,
    rungs: Sequence[str] | None = None,
    targets: Sequence[float] | None = None,
    n_sizes: int = 10,
    n_jobs: int = 2,
    on_progress: Callable[[str, int, int], None] | None = None,
    store: bool = True,
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
    store : bool, default True
        Record the forecast in the store (an event of kind ``forecast``).
    """
    with Project(plan) as project:
        section = project.plan_file.plan
        dataset = project.load_dataset()
        policy = policy_from_section(section.metric, dataset.task)
        split, _ = project.frozen_split(dataset)
        chosen = list(rungs) if rungs else _default_rungs(project)
        curves = learning_curves(
            dataset,
            split,
            policy,
            chosen,
            n_folds=section.baselines.cv_folds or default_folds(len(split.train_ids)),
            n_sizes=n_sizes,
            balanced=section.metric.weighs_classes_equally,
            n_jobs=n_jobs,
            on_progress=on_progress,
        )
        requirement = _requirement(section.baselines.requirement, section.metric)
        bounds = None if policy.kind == "formula" else policy.value_range
        per_rung = []
        notes = []
        for curve in curves:
            sizes, scores = np.asarray(curve.sizes, float), np.asarray(curve.scores, float)
            keep = np.isfinite(scores)
            if len(np.unique(sizes[keep])) < 2:
                notes.append(f"{curve.rung}: the metric is undefined at most sizes; no forecast")
                continue
            levels = _target_levels(targets, requirement, curve, policy, bounds)
            per_rung.append(
                _rung_forecast(
                    curve,
                    sizes[keep],
                    scores[keep],
                    levels,
                    policy,
                    bounds,
                    section,
                    n_have=len(split.train_ids),
                )
            )
        hint = _pretraining_hint(per_rung, chosen, dataset, len(split.train_ids), requirement)
        result = Forecast(
            project=section.project.name,
            metric=policy.name,
            higher_is_better=policy.higher_is_better,
            n_train=len(split.train_ids),
            requirement=requirement,
            cost_per_example=section.data.labelling_cost_per_example,
            rungs=tuple(per_rung),
            notes=(*notes, *([hint] if hint else [])),
        )
        if store:
            with project.store.transaction() as tx:
                tx.add_event("forecast", _event_payload(result))
        return result


def _rung_forecast(
    curve: LearningCurve,
    sizes: np.ndarray,
    scores: np.ndarray,
    levels: list[float],
    policy: MetricPolicy,
    bounds: tuple[float, float] | None,
    section: Any,
    *,
    n_have: int,
) -> RungForecast:
    query = np.geomspace(curve.n_available, 16 * curve.n_available, 25)
    fitted: Extrapolation = extrapolate(
        sizes, scores, query, higher_is_better=policy.higher_is_better, bounds=bounds
    )
    cost_per = section.data.labelling_cost_per_example
    seconds_at = _fit_time_model(curve)
    needs = []
    for level in levels:
        estimate = fitted.size_for(level)
        to_label = max(0.0, estimate.n - n_have) if estimate.reachable else None
        costs = [
            None if cost_per is None or not math.isfinite(n) else max(0.0, n - n_have) * cost_per
            for n in (estimate.n, estimate.lo, estimate.hi)
        ]
        needs.append(
            TargetNeed(
                target=float(level),
                n=float(estimate.n),
                lo=float(estimate.lo),
                hi=float(estimate.hi),
                reachable=bool(estimate.reachable),
                reason=estimate.reason,
                to_label=to_label,
                cost=costs[0],
                cost_lo=costs[1],
                cost_hi=costs[2],
                fit_seconds=seconds_at(estimate.n) if estimate.reachable else None,
            )
        )
    return RungForecast(
        rung=curve.rung,
        curve=curve,
        query_sizes=tuple(float(q) for q in fitted.query_sizes),
        mean=tuple(float(v) for v in fitted.mean),
        lo=tuple(float(v) for v in fitted.lo),
        hi=tuple(float(v) for v in fitted.hi),
        family=fitted.family,
        ceiling=float(fitted.ceiling.mean),
        ceiling_lo=float(fitted.ceiling.lo),
        ceiling_hi=float(fitted.ceiling.hi),
        needs=tuple(needs),
    )


#: "Short of data": the requirement needs more than this many times the labels held.
SHORT_OF_DATA = 10.0


def _pretraining_hint(
    rungs: Sequence[RungForecast],
    measured: Sequence[str],
    dataset: Any,
    n_train: int,
    requirement: float | None,
) -> str | None:
    """Suggest a pre-trained rung's curve when labels are short for text or images."""

    def judged(rung: RungForecast) -> list[TargetNeed]:
        # The requirement when there is one, else the smallest improvement asked for.
        wanted = [n for n in rung.needs if n.target == requirement]
        return wanted or list(rung.needs[:1])

    short = any(
        not need.reachable or need.n > SHORT_OF_DATA * n_train
        for rung in rungs
        for need in judged(rung)
    )
    kinds = {c.kind.value for c in dataset.columns if c.is_feature}
    perceptual = "text" in kinds or len(dataset.columns) > 256  # free text, or pixel columns
    if not short or "pretrained" in measured or not perceptual:
        return None
    return (
        "labels are short for this target: a model pre-trained on a larger similar dataset "
        "often needs far fewer; measure its curve with 'mlplan forecast --rung pretrained'"
    )


def _fit_time_model(curve: LearningCurve) -> Callable[[float], float | None]:
    """Fit seconds as a power law of size (log-log least squares over the measured fits)."""
    sizes = np.asarray(curve.sizes, float)
    seconds = np.asarray(curve.fit_seconds, float)
    ok = (seconds > 0) & np.isfinite(seconds)
    if len(np.unique(sizes[ok])) < 2:
        return lambda n: None
    slope, intercept = np.polyfit(np.log(sizes[ok]), np.log(seconds[ok]), 1)
    return lambda n: float(np.exp(intercept) * n**slope) if math.isfinite(n) else None


def _default_rungs(project: Project) -> list[str]:
    trained = [r for r in project.plan_file.plan.baselines.ladder if r != "dummy"] or ["linear"]
    last = project.store.latest_run()
    if last is None:
        return trained[:2]
    ranked = [
        e
        for e in project.store.evaluations(last.id)
        if e["source"] == "rung" and e["name"] in trained and e.get("cv_mean") is not None
    ]
    sign = 1.0 if last.summary.get("higher_is_better", True) else -1.0
    ranked.sort(key=lambda e: -sign * e["cv_mean"])
    return [e["name"] for e in ranked[:2]] or trained[:2]


def _requirement(requirement: dict[str, float], metric: MetricSection) -> float | None:
    if metric.optimise and metric.optimise in requirement:
        return float(requirement[metric.optimise])
    return None


def _target_levels(
    targets: Sequence[float] | None,
    requirement: float | None,
    curve: LearningCurve,
    policy: MetricPolicy,
    bounds: tuple[float, float] | None,
) -> list[float]:
    if targets:
        levels = [float(t) for t in targets]
        if bounds is not None:
            for level in levels:
                if not bounds[0] <= level <= bounds[1]:
                    raise MetricError(
                        f"--target {level}: outside the range of {policy.name} "
                        f"[{bounds[0]}, {bounds[1]}]"
                    )
        return levels
    _, means = curve.means()
    today = float(means[-1])
    if policy.higher_is_better:
        best = bounds[1] if bounds and math.isfinite(bounds[1]) else today + abs(today)
        grid = [today + step * (best - today) for step in _GRID_STEPS]
    else:
        best = bounds[0] if bounds and math.isfinite(bounds[0]) else 0.0
        grid = [today - step * (today - best) for step in _GRID_STEPS]
    levels = [*([requirement] if requirement is not None else []), *grid]
    return sorted(set(round(v, 4) for v in levels), reverse=not policy.higher_is_better)


def _event_payload(result: Forecast) -> dict[str, Any]:
    """What the store keeps: a summary other tools (advice, portfolio) can read."""
    best = result.rungs[0] if result.rungs else None
    if best is not None:
        sign = 1.0 if result.higher_is_better else -1.0
        best = max(result.rungs, key=lambda r: sign * r.mean[0])
    targets = (
        [
            {
                "target": need.target,
                "n": need.n,
                "lo": need.lo,
                "hi": need.hi,
                "reachable": need.reachable,
                "cost": need.cost,
            }
            for need in best.needs
        ]
        if best
        else []
    )
    return json_ready(
        {
            "summary": f"forecast for {result.metric} with {best.rung if best else 'no rung'}",
            "metric": result.metric,
            "rung": best.rung if best else None,
            "n_train": result.n_train,
            "requirement": result.requirement,
            "ceiling": best.ceiling if best else None,
            "targets": targets,
            "forecast": result.to_dict(),
        }
    )
