"""``mlplan portfolio``: score, rank and justify candidate projects.

Reads ``ideas.yaml``, reads the stores of linked mlplan projects, scores every
idea (:mod:`~mlplan.portfolio.scoring`), propagates the ranges
(:mod:`~mlplan.portfolio.montecarlo`), and writes the chart, one one-pager per
idea (Markdown and HTML) and ``portfolio.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mlplan.portfolio.evidence import Measured, read_project
from mlplan.portfolio.montecarlo import simulate
from mlplan.portfolio.schema import Idea, IdeasFile, load_ideas
from mlplan.portfolio.scoring import (
    DRIVERS,
    DriverScore,
    IdeaModel,
    build_model,
    describe,
    feasibility_score,
    normalised_weights,
    total_score,
)

__all__ = ["CostEstimate", "PortfolioResult", "RankedIdea", "portfolio", "slug"]

OUTPUT_FOLDER = "portfolio-out"


@dataclass(frozen=True, slots=True, kw_only=True)
class CostEstimate:
    """The cost model's answer for one idea, at the central values.

    Attributes
    ----------
    metric : str
        The metric the accuracy requirement is written in.
    target, baseline : float
        The requirement and the accuracy a simple approach reaches (or the
        measured best baseline).
    exponent : float
        The cost model's exponent.
    factor : float
        Relative data cost of the requirement (1: already met).
    examples : float or None
        Labelled examples needed, when the reference examples are known.
    money : float or None
        ``examples * cost_per_example`` when both are known.
    source : {"judged", "modelled", "measured"}
        "measured" when the baseline or a forecast came from a linked project.
    """

    metric: str
    target: float
    baseline: float | None
    exponent: float
    factor: float
    examples: float | None
    money: float | None
    source: str


@dataclass(frozen=True, kw_only=True)
class RankedIdea:
    """One idea's scores, robustness and evidence.

    Attributes
    ----------
    rank : int
        1 for the highest priority score at the central values.
    score : float
        The priority score (1–5): the sum of ``impact.contribution`` and the
        drivers' contributions.
    score_band, feasibility_band, impact_band : tuple of float
        5th–95th percentiles over the Monte-Carlo draws.
    impact : DriverScore
        The impact input.
    drivers : tuple of DriverScore
        Data availability, accuracy requirement, problem difficulty.
    feasibility : float
        Weighted mean of the three drivers (1–5).
    p_first, p_top_k, mean_rank : float
        How robust the rank is under the ranges.
    cost : CostEstimate
        The cost-vs-accuracy model's answer.
    measured : Measured or None
        The linked project's measurements, when they were used.
    notes : tuple of str
        What was missing and which judgements were replaced.
    idea : Idea
        The idea as written.
    """

    rank: int
    name: str
    archetype: str
    score: float
    score_band: tuple[float, float]
    impact: DriverScore
    impact_band: tuple[float, float]
    drivers: tuple[DriverScore, ...]
    feasibility: float
    feasibility_band: tuple[float, float]
    p_first: float
    p_top_k: float
    mean_rank: float
    cost: CostEstimate
    measured: Measured | None
    notes: tuple[str, ...]
    idea: Idea

    @property
    def is_measured(self) -> bool:
        """True when any input came from a linked project's store."""
        return any(d.source == "measured" for d in self.drivers)

    def driver(self, name: str) -> DriverScore:
        """The driver called ``name`` (``data``, ``accuracy`` or ``difficulty``)."""
        return next(d for d in self.drivers if d.name == name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return _clean(
            {
                "rank": self.rank,
                "name": self.name,
                "archetype": self.archetype,
                "score": self.score,
                "score_band": list(self.score_band),
                "impact": asdict(self.impact),
                "impact_band": list(self.impact_band),
                "drivers": [asdict(d) for d in self.drivers],
                "feasibility": self.feasibility,
                "feasibility_band": list(self.feasibility_band),
                "p_first": self.p_first,
                "p_top_k": self.p_top_k,
                "mean_rank": self.mean_rank,
                "cost": asdict(self.cost),
                "measured": asdict(self.measured) if self.measured else None,
                "notes": list(self.notes),
                "idea": self.idea.model_dump(mode="json"),
            }
        )


@dataclass(frozen=True, kw_only=True)
class PortfolioResult:
    """A ranked portfolio: ideas best first, with the settings that ranked them.

    Attributes
    ----------
    name, source, currency
        The portfolio's name, its ideas file and currency.
    weights : dict
        Normalised weights of impact and the three drivers.
    seed, n_draws, top_k
        The Monte-Carlo settings.
    ideas : tuple of RankedIdea
        Best first.
    outputs : dict
        Files written: ``chart_png``, ``chart_svg``, ``json`` and one
        ``<slug>.md`` / ``<slug>.html`` per idea.
    """

    name: str
    source: str
    currency: str
    weights: dict[str, float]
    seed: int
    n_draws: int
    top_k: int
    ideas: tuple[RankedIdea, ...]
    outputs: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``portfolio.json`` holds)."""
        return {
            "name": self.name,
            "source": self.source,
            "currency": self.currency,
            "weights": self.weights,
            "seed": self.seed,
            "n_draws": self.n_draws,
            "top_k": self.top_k,
            "ideas": [idea.to_dict() for idea in self.ideas],
            "outputs": self.outputs,
        }


def portfolio(
    path: str | Path = "ideas.yaml",
    *,
    top_k: int | None = None,
    seed: int | None = None,
    n_draws: int | None = None,
    out: str | Path | None = None,
    write: bool = True,
) -> PortfolioResult:
    """Score and rank the ideas of an ``ideas.yaml``, and write their justifications.

    Parameters
    ----------
    path : str or Path, default "ideas.yaml"
        The ideas file (or its folder).
    top_k : int, optional
        The ``k`` of "probability of ranking in the top k"; default from the file (2).
    seed : int, optional
        Monte-Carlo seed; default from the file (0).
    n_draws : int, optional
        Monte-Carlo draws; default from the file (4000).
    out : str or Path, optional
        Output folder; default ``portfolio-out`` beside the ideas file.
    write : bool, default True
        Write the chart (PNG, SVG), the one-pagers (Markdown, HTML) and
        ``portfolio.json``.

    Returns
    -------
    PortfolioResult

    Raises
    ------
    PlanError
        When the ideas file is invalid or links a folder without a plan.

    Examples
    --------
    >>> result = portfolio("examples/portfolio/ideas.yaml", write=False)  # doctest: +SKIP
    >>> [(i.rank, i.name, round(i.p_first, 2)) for i in result.ideas]     # doctest: +SKIP
    """
    ideas_file = load_ideas(path)
    settings = ideas_file.spec.portfolio
    k = top_k if top_k is not None else settings.top_k
    s = seed if seed is not None else settings.seed
    draws = n_draws if n_draws is not None else settings.draws
    if k < 1:
        from mlplan.errors import PlanError

        raise PlanError(f"--top-k must be >= 1; got {k}")
    weights = normalised_weights(settings.weights)
    models = [
        build_model(idea, settings, _evidence(ideas_file, idea)) for idea in ideas_file.spec.ideas
    ]
    robust = simulate(models, weights, n_draws=draws, seed=s, top_k=k)
    ranked = [_ranked(m, r, weights) for m, r in zip(models, robust, strict=True)]
    order = sorted(range(len(ranked)), key=lambda i: (-ranked[i].score, -ranked[i].p_first, i))
    ideas = tuple(_with_rank(ranked[i], n + 1) for n, i in enumerate(order))
    result = PortfolioResult(
        name=settings.name,
        source=str(ideas_file.path),
        currency=settings.currency,
        weights=weights,
        seed=s,
        n_draws=draws,
        top_k=k,
        ideas=ideas,
    )
    if write:
        folder = Path(out) if out is not None else ideas_file.path.parent / OUTPUT_FOLDER
        outputs = write_outputs(result, folder)
        result = PortfolioResult(**{**_fields(result), "outputs": outputs})
    return result


def write_outputs(result: PortfolioResult, folder: str | Path) -> dict[str, str]:
    """Write the chart, the one-pagers and ``portfolio.json`` into ``folder``."""
    from mlplan.portfolio.chart import portfolio_chart
    from mlplan.portfolio.onepager import render_html, render_markdown

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, str] = {}
    for fmt in ("png", "svg"):
        file = target / f"portfolio.{fmt}"
        file.write_bytes(portfolio_chart(result, fmt=fmt))
        outputs[f"chart_{fmt}"] = str(file)
    for idea in result.ideas:
        name = slug(idea.name)
        md = target / f"{name}.md"
        md.write_text(render_markdown(idea, result), encoding="utf-8")
        html = target / f"{name}.html"
        html.write_text(render_html(idea, result), encoding="utf-8")
        outputs[f"{name}.md"] = str(md)
        outputs[f"{name}.html"] = str(html)
    file = target / "portfolio.json"
    outputs["json"] = str(file)
    payload = {**result.to_dict(), "outputs": outputs}
    file.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return outputs


def slug(name: str) -> str:
    """A file-name-safe form of an idea's name.

    Examples
    --------
    >>> slug("Defect detection (line camera)")
    'defect-detection-line-camera'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "idea"


def _evidence(ideas_file: IdeasFile, idea: Idea) -> Measured | None:
    link = idea.project_link
    if link is None or link.path is None:
        return None
    return read_project(
        ideas_file.resolve(link.path), target=idea.feasibility.accuracy.target.central
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


def _fields(result: PortfolioResult) -> dict[str, Any]:
    return {name: getattr(result, name) for name in result.__dataclass_fields__}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
