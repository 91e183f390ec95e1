"""The ``ideas.yaml`` schema: candidate projects, their judgements and the scoring settings.

Every section is a frozen pydantic model that forbids unknown keys, so a typo is an
error naming the key and its line. Uncertain judgements are :class:`Range` values,
written as a number (``3``), a pair (``[2, 4]``) or a mapping
(``{low: 2, likely: 3, high: 4}``); the Monte-Carlo step draws from them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mlplan.schema.plan import Archetype

__all__ = [
    "AccuracyDriver",
    "Checklist",
    "CostSettings",
    "DataDriver",
    "DifficultyDriver",
    "Feasibility",
    "Idea",
    "IdeasSpec",
    "Impact",
    "Link",
    "Range",
    "Settings",
    "Weights",
]

LinkKind = Literal["paper", "dataset", "project", "other"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Section):
    """An uncertain number: ``low <= likely <= high``.

    Drawn uniformly between ``low`` and ``high``, or from a triangular
    distribution peaking at ``likely`` when it is given. Its central value (used
    for the point score) is ``likely``, else the midpoint.
    """

    low: float
    high: float
    likely: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_short_forms(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a number, [low, high] or {low, likely, high}")
        if isinstance(value, int | float):
            return {"low": value, "high": value}
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError(f"a range is [low, high]; got {len(value)} numbers")
            return {"low": value[0], "high": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"range low {self.low:g} > high {self.high:g}")
        if self.likely is not None and not self.low <= self.likely <= self.high:
            raise ValueError(f"likely {self.likely:g} is outside [{self.low:g}, {self.high:g}]")
        return self

    @property
    def central(self) -> float:
        """``likely`` when given, else the midpoint."""
        return self.likely if self.likely is not None else (self.low + self.high) / 2.0


def _score(value: Range | None) -> Range | None:
    """Check a 1–5 score range."""
    if value is not None and (value.low < 1.0 or value.high > 5.0):
        raise ValueError(f"a score must lie in [1, 5]; got [{value.low:g}, {value.high:g}]")
    return value


def _fraction(value: Range | None) -> Range | None:
    """Check an accuracy range: in [0, 1)."""
    if value is not None and (value.low < 0.0 or value.high >= 1.0):
        raise ValueError(
            f"an accuracy must lie in [0, 1) (1 would cost infinitely much); "
            f"got [{value.low:g}, {value.high:g}]"
        )
    return value


class Impact(_Section):
    """How much the project is worth: money per year, or a 1–5 judgement.

    ``value_per_year`` (in the portfolio's currency) is turned into a 1–5 score on
    a log scale between ``settings.impact_scale`` bounds; ``score`` is used as is.
    """

    value_per_year: Range | None = None
    score: Range | None = None
    rationale: str = ""

    _check_score = field_validator("score")(_score)

    @field_validator("value_per_year")
    @classmethod
    def _non_negative(cls, value: Range | None) -> Range | None:
        if value is not None and value.low < 0:
            raise ValueError(f"value_per_year must be >= 0; got {value.low:g}")
        return value

    @model_validator(mode="after")
    def _one_input(self) -> Impact:
        if (self.value_per_year is None) == (self.score is None):
            raise ValueError("give exactly one of value_per_year or score")
        return self


class DataDriver(_Section):
    """Data availability: how hard to get and label, how much is needed.

    ``score`` is the judgement, 1 (no data, costly labels) to 5 (labelled data in
    hand). ``examples`` is how many labelled examples it takes to reach the
    ``baseline`` accuracy (the cost model's reference point); ``cost_per_example``
    turns examples into money.
    """

    score: Range
    examples: Range | None = None
    cost_per_example: float | None = Field(None, ge=0.0)
    acquire: str | None = None
    label: str | None = None
    how_much: str | None = None
    stability: str | None = None
    security: str | None = None

    _check_score = field_validator("score")(_score)

    @field_validator("examples")
    @classmethod
    def _positive(cls, value: Range | None) -> Range | None:
        if value is not None and value.low <= 0:
            raise ValueError(f"examples must be > 0; got {value.low:g}")
        return value


class AccuracyDriver(_Section):
    """The accuracy requirement: which metric, what target, what a simple approach reaches.

    ``target`` and ``baseline`` are fractions in [0, 1] of a higher-is-better
    metric; the cost model (:mod:`mlplan.core.portfolio.cost`) prices closing the
    gap between them. ``exponent`` overrides the portfolio's cost exponent.
    """

    metric: str
    target: Range
    baseline: Range | None = None
    exponent: float | None = Field(None, gt=0.0)
    cost_of_error: str | None = None
    how_often_wrong: str | None = None

    _check_fractions = field_validator("target", "baseline")(_fraction)


class DifficultyDriver(_Section):
    """Problem difficulty: 1 (open research, heavy compute) to 5 (solved, cheap)."""

    score: Range
    new_to_research: bool | None = None
    published_work: str | None = None
    compute: str | None = None

    _check_score = field_validator("score")(_score)


class Feasibility(_Section):
    """The three cost drivers."""

    data: DataDriver
    accuracy: AccuracyDriver
    difficulty: DifficultyDriver


class Checklist(_Section):
    """The feasibility checklist; an omitted answer shows as "unanswered"."""

    need_ml: str | None = None
    success_criteria: str | None = None
    ethics: str | None = None
    literature: str | None = None
    benchmark_set: str | None = None
    rule_based_baseline: str | None = None
    still_need_ml: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        """YAML reads ``yes``/``no`` as booleans; keep them as the words."""
        if isinstance(value, dict):
            return {
                k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in value.items()
            }
        return value


class Link(_Section):
    """Evidence: a paper, a dataset, or an mlplan project folder (``path``)."""

    kind: LinkKind
    title: str | None = None
    url: str | None = None
    path: str | None = None

    @model_validator(mode="after")
    def _target(self) -> Link:
        if self.kind == "project" and not self.path:
            raise ValueError("a project link needs 'path' (the mlplan project folder)")
        if self.kind != "project" and not (self.url or self.path):
            raise ValueError("a link needs 'url' or 'path'")
        return self


class Idea(_Section):
    """One candidate project."""

    name: str = Field(min_length=1)
    problem: str
    workflow: str = ""
    archetype: Archetype
    impact: Impact
    feasibility: Feasibility
    metric: str | None = None
    baselines: list[str] = Field(default_factory=list)
    checklist: Checklist = Field(default_factory=lambda: Checklist())
    risks: list[str] = Field(default_factory=list)
    first_step: str | None = None
    links: list[Link] = Field(default_factory=list)

    @property
    def project_link(self) -> Link | None:
        """The first link to an mlplan project folder, if any."""
        return next((link for link in self.links if link.kind == "project"), None)

    @model_validator(mode="after")
    def _baseline_known(self) -> Idea:
        if self.feasibility.accuracy.baseline is None and self.project_link is None:
            raise ValueError(
                "feasibility.accuracy.baseline is required unless the idea links an "
                "mlplan project (kind: project) that measures it"
            )
        return self


class Weights(_Section):
    """How much each input counts in the priority score (normalised to sum to 1)."""

    impact: float = Field(0.4, ge=0.0)
    data: float = Field(0.2, ge=0.0)
    accuracy: float = Field(0.2, ge=0.0)
    difficulty: float = Field(0.2, ge=0.0)

    @model_validator(mode="after")
    def _some(self) -> Weights:
        if self.data + self.accuracy + self.difficulty <= 0 or self.impact <= 0:
            raise ValueError("impact and at least one feasibility driver need a weight > 0")
        return self


class CostSettings(_Section):
    """Defaults of the cost-vs-accuracy model; see :mod:`mlplan.core.portfolio.cost`."""

    exponent: float = Field(2.0, gt=0.0)
    max_factor: float = Field(1000.0, gt=1.0)
    max_data_ratio: float = Field(100.0, gt=1.0)


class Settings(_Section):
    """Scoring settings: weights, scales, Monte-Carlo draws."""

    name: str = "Project portfolio"
    currency: str = "EUR"
    weights: Weights = Field(default_factory=lambda: Weights())
    impact_scale: tuple[float, float] = (10_000.0, 10_000_000.0)
    cost: CostSettings = Field(default_factory=lambda: CostSettings())
    draws: int = Field(4000, ge=100, le=1_000_000)
    seed: int = 0
    top_k: int = Field(2, ge=1)

    @model_validator(mode="after")
    def _scale(self) -> Settings:
        low, high = self.impact_scale
        if not 0 < low < high:
            raise ValueError(
                f"impact_scale must be [low, high] with 0 < low < high; got {low:g}, {high:g}"
            )
        return self


class IdeasSpec(_Section):
    """The whole ``ideas.yaml``."""

    portfolio: Settings = Field(default_factory=lambda: Settings())
    ideas: list[Idea] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> IdeasSpec:
        names = [idea.name for idea in self.ideas]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"idea names must be unique; repeated: {', '.join(duplicates)}")
        return self
