"""Ranking candidate projects: score every idea, propagate the ranges, order them.

Every idea is scored (:mod:`~mlplan.core.portfolio.scoring`) with what its linked
mlplan project measured, and the ranges are propagated by Monte Carlo
(:mod:`~mlplan.core.portfolio.montecarlo`) into ranking probabilities.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mlplan.core.portfolio.montecarlo import simulate
from mlplan.core.portfolio.scoring import (
    DRIVERS,
    IdeaModel,
    build_model,
    describe,
    feasibility_score,
    normalised_weights,
    total_score,
)
from mlplan.errors import PlanError
from mlplan.records.portfolio import (
    CostEstimate,
    DriverScore,
    Measured,
    PortfolioResult,
    RankedIdea,
)
from mlplan.schema.ideas import IdeasSpec

__all__ = ["rank_ideas"]


def rank_ideas(
    spec: IdeasSpec,
    *,
    source: str,
    measured: Mapping[str, Measured | None],
    top_k: int | None = None,
    seed: int | None = None,
    n_draws: int | None = None,
) -> PortfolioResult:
    """Score and rank the ideas of a validated ideas file.

    Parameters
    ----------
    spec
        The ideas and the scoring settings.
    source
        Where the ideas came from (shown in the result).
    measured
        What each idea's linked mlplan project measured, by idea name (None: no link).
    top_k, seed, n_draws
        The ``k`` of "probability of ranking in the top k", the Monte-Carlo seed and
        draws; defaults from the file's ``portfolio:`` settings.
    """
    settings = spec.portfolio
    k = top_k if top_k is not None else settings.top_k
    s = seed if seed is not None else settings.seed
    draws = n_draws if n_draws is not None else settings.draws
    if k < 1:
        raise PlanError(f"--top-k must be >= 1; got {k}")
    weights = normalised_weights(settings.weights)
    models = [build_model(idea, settings, measured.get(idea.name)) for idea in spec.ideas]
    robust = simulate(models, weights, n_draws=draws, seed=s, top_k=k)
    ranked = [_ranked(m, r, weights) for m, r in zip(models, robust, strict=True)]
    order = sorted(range(len(ranked)), key=lambda i: (-ranked[i].score, -ranked[i].p_first, i))
    return PortfolioResult(
        name=settings.name,
        source=source,
        currency=settings.currency,
        weights=weights,
        seed=s,
        n_draws=draws,
        top_k=k,
        ideas=tuple(_with_rank(ranked[i], n + 1) for n, i in enumerate(order)),
    )


def _ranked(model: IdeaModel, robust: Any, weights: dict[str, float]) -> RankedIdea:
    central = model.central()
    scores = model.scores(central)
    total = float(total_score(scores, weights)[0])
    feasibility = float(feasibility_score(scores, weights)[0])

    def driver(name: str) -> DriverScore:
        value = float(scores[name][0])
        lo, hi = robust.inputs[name]
        return DriverScore(
            name=name,
            value=value,
            lo=lo,
            hi=hi,
            weight=weights[name],
            contribution=weights[name] * value,
            source=model.sources[name],
            detail=describe(model, name, scores),
        )

    idea = model.idea
    accuracy = idea.feasibility.accuracy
    exponent = accuracy.exponent or model.settings.cost.exponent
    examples = float(scores["examples"][0])
    known = bool(np.isfinite(examples))
    price = idea.feasibility.data.cost_per_example
    measured = model.measured
    baseline = model.ranges.get("baseline")
    return RankedIdea(
        rank=0,
        name=idea.name,
        archetype=idea.archetype,
        score=total,
        score_band=robust.score,
        impact=driver("impact"),
        impact_band=robust.impact,
        drivers=tuple(driver(name) for name in DRIVERS),
        feasibility=feasibility,
        feasibility_band=robust.feasibility,
        p_first=robust.p_first,
        p_top_k=robust.p_top_k,
        mean_rank=robust.mean_rank,
        cost=CostEstimate(
            metric=(measured.primary or accuracy.metric) if measured else accuracy.metric,
            target=model.ranges["target"].central,
            baseline=baseline.central if baseline else None,
            exponent=exponent,
            factor=float(scores["factor"][0]),
            examples=examples if known else None,
            money=examples * price if known and price is not None else None,
            source=model.sources["accuracy"],
        ),
        measured=measured,
        notes=model.notes,
        idea=idea,
    )


def _with_rank(idea: RankedIdea, rank: int) -> RankedIdea:
    from dataclasses import replace

    return replace(idea, rank=rank)
