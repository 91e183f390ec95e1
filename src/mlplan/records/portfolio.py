"""Portfolio records: what linked projects measured, and the ranked ideas."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from mlplan.records.display import HtmlDisplay
from mlplan.schema.ideas import Idea

__all__ = [
    "CostEstimate",
    "DriverScore",
    "ForecastPoint",
    "Measured",
    "PortfolioResult",
    "RankedIdea",
    "Source",
]

#: Where a driver score comes from: a judgement, the cost model, or a linked project.
Source = Literal["judged", "modelled", "measured"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastPoint:
    """Labelled examples a stored forecast says a target needs (``n`` within ``lo``–``hi``)."""

    target: float
    n: float | None
    lo: float | None
    hi: float | None
    reachable: bool


@dataclass(frozen=True, kw_only=True)
class Measured:
    """What a linked project's store says.

    Attributes
    ----------
    project, folder
        The project's name and folder.
    run_id, at
        The latest run and when it finished; None when the project never ran.
    metric, primary, higher_is_better
        The plan's metric (full name), the metric its requirement is written in,
        and its direction.
    best, value, lo, hi
        The best model measured in the latest run (ladder rungs and external
        models; declared rows such as the requirement are left out), its test
        value and interval.
    target, gap
        The plan's requirement for ``primary`` and ``target - value`` (positive:
        still short of it), when the plan states one.
    n_train, n_available
        Labelled examples used for training, and in the project altogether.
    baselines
        Every evaluation of the latest run: ``{"name", "source", "value", "lo", "hi"}``.
    forecast
        The stored forecast point nearest the target, when a forecast exists.
    notes
        What was missing or how numbers were chosen.
    """

    project: str
    folder: str
    run_id: int | None = None
    at: str | None = None
    metric: str | None = None
    primary: str | None = None
    higher_is_better: bool = True
    best: str | None = None
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    target: float | None = None
    gap: float | None = None
    n_train: int | None = None
    n_available: int | None = None
    baselines: tuple[dict[str, Any], ...] = ()
    forecast: ForecastPoint | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def has_run(self) -> bool:
        """True when the project has at least one stored run with a scored model."""
        return self.run_id is not None and self.value is not None


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
class PortfolioResult(HtmlDisplay):
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


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class DriverScore:
    """One input's score and what it adds to the priority.

    Attributes
    ----------
    name : str
        ``impact``, ``data``, ``accuracy`` or ``difficulty``.
    value : float
        The score (1–5) at the central values of the inputs.
    lo, hi : float
        The 5th and 95th percentiles of the score over the Monte-Carlo draws.
    weight : float
        The normalised weight.
    contribution : float
        ``weight * value``: this input's share of the priority score.
    source : {"judged", "modelled", "measured"}
        Where the number came from.
    detail : str
        How it was computed, with the numbers.
    """

    name: str
    value: float
    lo: float
    hi: float
    weight: float
    contribution: float
    source: Source
    detail: str
