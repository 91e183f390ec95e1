"""How many labelled examples each target needs, and what they cost, from learning curves."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from mlplan._json import json_ready
from mlplan.core.data.dataset import Dataset
from mlplan.core.forecast.extrapolate import Extrapolation, SizeEstimate, extrapolate
from mlplan.core.metrics import MetricPolicy
from mlplan.errors import MetricError
from mlplan.records.forecast import Forecast, LearningCurve, RungForecast, TargetNeed
from mlplan.schema.plan import MetricSection, Plan

__all__ = [
    "best_rung",
    "default_forecast_rungs",
    "forecast_event",
    "forecast_from_curves",
    "monotone_sizes",
]


#: Automatic target levels: these shares of the way from today's forecast to the ceiling.
_GRID_STEPS = (0.25, 0.5, 0.75, 0.95)


def forecast_from_curves(
    curves: Sequence[LearningCurve],
    *,
    plan: Plan,
    policy: MetricPolicy,
    dataset: Dataset,
    n_train: int,
    measured: Sequence[str],
    targets: Sequence[float] | None = None,
    test_scores: Mapping[str, float] | None = None,
) -> Forecast:
    """Extrapolate measured learning curves and say how much data each target needs.

    Parameters
    ----------
    curves
        One learning curve per rung (:func:`~mlplan.core.forecast.curves.learning_curves`).
    plan, policy, dataset
        The plan (requirement, labelling cost), its metric policy and the data.
    n_train
        Training rows the project has now: "met" means met at this size.
    measured
        The rungs whose curves were asked for (for the pre-training hint).
    targets
        Target levels of the plan's metric; default: the requirement (when the plan
        states one for its metric) and levels between each rung's forecast today
        and its forecast ceiling.
    test_scores
        Per rung, today's test score of the plan's metric (the ladder's final fit
        on ``n_train`` rows): the forecast is then one of test scores, with the
        gap between cross-validation and test carried into it. Rungs without one
        forecast cross-validation scores, and the notes say so.
    """
    requirement = _requirement(plan.baselines.requirement, plan.metric)
    bounds = None if policy.kind == "formula" else policy.value_range
    per_rung = []
    notes: list[str] = []
    anchored: list[str] = []
    unanchored: list[str] = []
    for curve in curves:
        sizes, scores = np.asarray(curve.sizes, float), np.asarray(curve.scores, float)
        keep = np.isfinite(scores)
        notes.extend(f"{curve.rung}: {note}" for note in curve.notes)
        if len(np.unique(sizes[keep])) < 2:
            notes.append(f"{curve.rung}: the metric is undefined at most sizes; no forecast")
            continue
        test = (test_scores or {}).get(curve.rung)
        test = float(test) if test is not None and math.isfinite(test) else None
        (anchored if test is not None else unanchored).append(curve.rung)
        fitted = extrapolate(
            sizes[keep],
            scores[keep],
            _query_sizes(curve, n_train),
            higher_is_better=policy.higher_is_better,
            bounds=bounds,
            today=n_train,
            test_score=test,
        )
        levels = _target_levels(targets, requirement, fitted, policy, bounds)
        per_rung.append(
            _rung_forecast(
                curve, fitted, levels, plan.data.labelling_cost_per_example, n_train, test
            )
        )
    if anchored:
        notes.append(
            f"{', '.join(anchored)}: forecasts of test scores, anchored on today's test score "
            "(the gap between cross-validation and test is carried forward and widens the band)"
        )
    if unanchored:
        notes.append(
            f"{', '.join(unanchored)}: forecasts of cross-validation scores (no test score of "
            "this rung on today's rows; 'mlplan run --forecast' anchors them on the test)"
        )
    hint = _pretraining_hint(per_rung, measured, dataset, n_train, requirement)
    return Forecast(
        project=plan.project.name,
        metric=policy.name,
        higher_is_better=policy.higher_is_better,
        n_train=n_train,
        requirement=requirement,
        cost_per_example=plan.data.labelling_cost_per_example,
        rungs=tuple(per_rung),
        notes=(*notes, *([hint] if hint else [])),
    )


def _query_sizes(curve: LearningCurve, n_train: int) -> np.ndarray:
    """Where the chart draws the forecast: from the largest measured size to 16x today."""
    return np.geomspace(min(curve.n_available, n_train), 16 * n_train, 25)


def _rung_forecast(
    curve: LearningCurve,
    fitted: Extrapolation,
    levels: list[float],
    cost_per: float | None,
    n_have: int,
    test: float | None,
) -> RungForecast:
    seconds_at = _fit_time_model(curve)
    needs = []
    for level, estimate in zip(levels, monotone_sizes(fitted, levels), strict=True):
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
                met_now=estimate.met_now,
                capped=estimate.capped,
                chance=float(estimate.chance),
            )
        )
    today, today_lo, today_hi = (float(v[0]) for v in fitted.predict([n_have]))
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
        today=today,
        today_lo=today_lo,
        today_hi=today_hi,
        test_score=test,
    )


def monotone_sizes(fitted: Extrapolation, levels: Sequence[float]) -> list[SizeEstimate]:
    """Each level's size estimate, a harder level never needing fewer examples.

    Parameters
    ----------
    fitted
        The extrapolated learning curve.
    levels
        Target levels in the metric's units, in any order.

    Returns
    -------
    list of SizeEstimate
        One per level, in the order given. The median of the curves reaching a
        target is taken over fewer curves as the target rises, so on its own it
        can dip; each size is the largest of the sizes of the easier levels.
    """
    sign = 1.0 if fitted.higher_is_better else -1.0
    estimates = {level: fitted.size_for(level) for level in levels}
    most = 0.0
    for level in sorted(estimates, key=lambda v: sign * v):
        estimate = estimates[level]
        if estimate.reachable:
            most = max(most, estimate.n)
            estimates[level] = replace(estimate, n=most)
    return [estimates[level] for level in levels]


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


def default_forecast_rungs(
    ladder: Sequence[str], evaluations: Sequence[dict[str, Any]], higher_is_better: bool
) -> list[str]:
    """The two best trained rungs of a run by cross-validation, else the plan's first two."""
    trained = [r for r in ladder if r != "dummy"] or ["linear"]
    ranked = [
        e
        for e in evaluations
        if e["source"] == "rung" and e["name"] in trained and e.get("cv_mean") is not None
    ]
    sign = 1.0 if higher_is_better else -1.0
    ranked.sort(key=lambda e: -sign * e["cv_mean"])
    return [e["name"] for e in ranked[:2]] or trained[:2]


def _requirement(requirement: dict[str, float], metric: MetricSection) -> float | None:
    if metric.optimise and metric.optimise in requirement:
        return float(requirement[metric.optimise])
    return None


def _target_levels(
    targets: Sequence[float] | None,
    requirement: float | None,
    fitted: Extrapolation,
    policy: MetricPolicy,
    bounds: tuple[float, float] | None,
) -> list[float]:
    """The levels asked for, else the requirement and levels from today to the ceiling."""
    if targets:
        levels = [float(t) for t in targets]
        for level in levels:
            if not math.isfinite(level):
                raise MetricError(f"--target {level}: not a finite number")
        if bounds is not None:
            for level in levels:
                if not bounds[0] <= level <= bounds[1]:
                    raise MetricError(
                        f"--target {level}: outside the range of {policy.name} "
                        f"[{bounds[0]}, {bounds[1]}]"
                    )
        return levels
    today = float(fitted.predict([fitted.today])[0][0])
    ceiling = fitted.ceiling.mean
    grid = [today + step * (ceiling - today) for step in _GRID_STEPS]
    digits = _digits(today, ceiling)
    # a flat curve leaves no room between today and the ceiling: no automatic level
    chosen = {round(v, digits) for v in grid} - {round(today, digits)}
    if requirement is not None:
        # an automatic level within half a grid step of the requirement says nothing new
        step = 0.5 * min(b - a for a, b in itertools.pairwise((0.0, *_GRID_STEPS)))
        near = step * abs(ceiling - today)
        chosen = {v for v in chosen if abs(v - requirement) >= near}
        chosen.add(requirement)
    return sorted(chosen, reverse=not policy.higher_is_better)


def _digits(today: float, ceiling: float) -> int:
    """Decimals that tell the automatic levels apart (at least 4)."""
    span = abs(ceiling - today)
    if span == 0 or not math.isfinite(span):
        return 4
    return max(4, math.ceil(-math.log10(span)) + 2)


def best_rung(result: Forecast) -> RungForecast | None:
    """The rung the summary speaks for.

    With a requirement: the rung that reaches it with the fewest examples (met now
    first), else the one with the highest ceiling; without one, the best forecast
    today.
    """
    if not result.rungs:
        return None
    sign = 1.0 if result.higher_is_better else -1.0

    def today(rung: RungForecast) -> float:
        return sign * (rung.today if rung.today is not None else rung.mean[0])

    if result.requirement is None:
        return max(result.rungs, key=today)

    def need(rung: RungForecast) -> tuple[float, float]:
        wanted = [n for n in rung.needs if n.target == result.requirement]
        n = wanted[0].n if wanted and wanted[0].reachable else math.inf
        return (n, -sign * rung.ceiling)

    return min(result.rungs, key=need)


def forecast_event(result: Forecast) -> dict[str, Any]:
    """What the store keeps: a summary other tools (advice, portfolio) can read.

    Keys read by advice (ADV014) and the portfolio: ``rung``, ``n_train``,
    ``requirement``, ``ceiling`` and ``targets`` (each with ``target``, ``n``,
    ``lo``, ``hi``, ``reachable``, ``cost``, and ``met_now``, ``capped``,
    ``chance``, ``reason``); ``today`` is the forecast at today's size, ``scores`` says
    whether it forecasts test or cross-validation scores.
    """
    best = best_rung(result)
    targets = (
        [
            {
                "target": need.target,
                "n": need.n,
                "lo": need.lo,
                "hi": need.hi,
                "reachable": need.reachable,
                "cost": need.cost,
                "met_now": need.met_now,
                "capped": need.capped,
                "chance": need.chance,
                "reason": need.reason,
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
            "ceiling_lo": best.ceiling_lo if best else None,
            "ceiling_hi": best.ceiling_hi if best else None,
            "today": None
            if best is None
            else {"mean": best.today, "lo": best.today_lo, "hi": best.today_hi},
            "scores": None
            if best is None
            else ("test" if best.test_score is not None else "cross-validation"),
            "targets": targets,
            "forecast": result.to_dict(),
        }
    )
