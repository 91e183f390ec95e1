"""Transparent scoring: impact and the three feasibility drivers on one 1–5 scale.

Every input is a score from 1 (worst) to 5 (best):

impact
    ``score`` as judged, or ``value_per_year`` on a log scale:
    ``1 + 4 * clip(log10(value / low) / log10(high / low), 0, 1)`` with
    ``(low, high) = settings.impact_scale`` (default 10k and 10M a year).
data availability
    The judged ``score``; for a linked project with a run, measured instead:
    :func:`~mlplan.core.portfolio.cost.data_score` of the examples needed against the
    labelled examples the project holds.
accuracy requirement
    Modelled: :func:`~mlplan.core.portfolio.cost.factor_score` of the cost factor of
    reaching ``target`` from ``baseline`` (:mod:`mlplan.core.portfolio.cost`). For a
    linked project the baseline is the measured best model (its interval is the
    range) and the target the plan's requirement; a stored forecast replaces the
    factor by ``forecast examples / training examples``, and an unreachable
    forecast scores 1. With no baseline at all (a linked project that has not
    run yet and no judged one) the score is unknown: drawn uniformly from 1–5.
problem difficulty
    The judged ``score``.

With weights ``w`` normalised to sum to 1, each input contributes ``w_k * s_k``
and the priority score is their sum (again on 1–5). Feasibility, the chart's
horizontal axis, is the weighted mean of the three drivers alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mlplan.core.portfolio.cost import cost_factor, data_score, factor_score
from mlplan.records.portfolio import Measured, Source
from mlplan.schema.ideas import Idea, Range, Settings, Weights

__all__ = ["DRIVERS", "INPUTS", "IdeaModel", "build_model", "normalised_weights", "total_score"]

Array = NDArray[np.float64]

INPUTS = ("impact", "data", "accuracy", "difficulty")
DRIVERS = ("data", "accuracy", "difficulty")


def normalised_weights(weights: Weights) -> dict[str, float]:
    """The four weights divided by their sum.

    Examples
    --------
    >>> from mlplan.schema.ideas import Weights
    >>> normalised_weights(Weights(impact=2, data=1, accuracy=1, difficulty=0))
    {'impact': 0.5, 'data': 0.25, 'accuracy': 0.25, 'difficulty': 0.0}
    """
    raw = {k: float(getattr(weights, k)) for k in INPUTS}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def total_score(scores: Mapping[str, Array], weights: Mapping[str, float]) -> Array:
    """The priority score: ``sum(weight_k * score_k)`` over the four inputs."""
    return np.asarray(sum(weights[k] * np.asarray(scores[k]) for k in INPUTS), dtype=float)


def feasibility_score(scores: Mapping[str, Array], weights: Mapping[str, float]) -> Array:
    """The weighted mean of the three feasibility drivers."""
    share = sum(weights[k] for k in DRIVERS)
    if share <= 0:
        return np.full_like(np.asarray(scores["data"], dtype=float), np.nan)
    return np.asarray(sum(weights[k] * np.asarray(scores[k]) for k in DRIVERS) / share, dtype=float)


@dataclass(frozen=True, kw_only=True)
class IdeaModel:
    """The uncertain inputs of one idea and how they turn into scores.

    ``ranges`` names every uncertain number; :meth:`scores` maps arrays of their
    values (one value each for the point score, many for Monte Carlo) to the four
    input scores and the cost model's quantities.
    """

    idea: Idea
    settings: Settings
    measured: Measured | None
    ranges: dict[str, Range]
    sources: dict[str, Source]
    notes: tuple[str, ...] = field(default=())

    def central(self) -> dict[str, Array]:
        """Every uncertain input at its central value (arrays of one)."""
        return {k: np.array([r.central]) for k, r in self.ranges.items()}

    def draw(self, rng: np.random.Generator, n: int) -> dict[str, Array]:
        """``n`` independent draws of every uncertain input."""
        return {k: _draw(r, rng, n) for k, r in self.ranges.items()}

    def scores(self, values: Mapping[str, Array]) -> dict[str, Array]:
        """Scores of ``impact``, ``data``, ``accuracy``, ``difficulty``, plus
        ``factor`` (relative cost) and ``examples`` (examples needed, NaN if unknown)."""
        s = self.settings
        out: dict[str, Array] = {}
        if "impact.value" in values:
            low, high = s.impact_scale
            v = np.maximum(values["impact.value"], 1e-12)
            out["impact"] = 1.0 + 4.0 * np.clip(np.log10(v / low) / np.log10(high / low), 0, 1)
        else:
            out["impact"] = np.asarray(values["impact.score"], dtype=float)
        out["difficulty"] = np.asarray(values["difficulty.score"], dtype=float)

        exponent = self.idea.feasibility.accuracy.exponent or s.cost.exponent
        if "accuracy.score" in values:
            # no baseline to model the cost from: the score itself is the uncertainty
            factor = np.full_like(values["accuracy.score"], np.nan)
            examples = np.full_like(factor, np.nan)
        elif "forecast.log_n" in values:
            examples = np.asarray(10.0 ** values["forecast.log_n"], dtype=float)
            factor = np.maximum(examples / values["examples"], 1.0)
        elif "forecast.unreachable" in values:
            factor = np.full_like(values["forecast.unreachable"], s.cost.max_factor)
            examples = np.full_like(factor, np.nan)
        else:
            factor = cost_factor(values["target"], values["baseline"], exponent)
            examples = (
                values["examples"] * factor
                if "examples" in values
                else np.full_like(factor, np.nan)
            )
        out["factor"] = np.asarray(factor, dtype=float)
        out["examples"] = np.asarray(examples, dtype=float)
        out["accuracy"] = (
            np.asarray(values["accuracy.score"], dtype=float)
            if "accuracy.score" in values
            else factor_score(factor, s.cost.max_factor)
        )
        if self.sources["data"] == "measured":
            available = values["available"]
            out["data"] = data_score(examples, available, s.cost.max_data_ratio)
        else:
            out["data"] = np.asarray(values["data.score"], dtype=float)
        return out


def build_model(idea: Idea, settings: Settings, measured: Measured | None = None) -> IdeaModel:
    """Collect an idea's uncertain inputs, letting measured numbers replace judgements.

    Parameters
    ----------
    idea : Idea
        The validated idea.
    settings : Settings
        The portfolio settings (scales, cost-model defaults).
    measured : Measured, optional
        What the idea's linked project measured (see
        :func:`~mlplan.app.portfolio_evidence.read_project`).

    Returns
    -------
    IdeaModel
    """
    f = idea.feasibility
    ranges: dict[str, Range] = {}
    sources: dict[str, Source] = {"impact": "judged", "difficulty": "judged"}
    notes: list[str] = []
    if idea.impact.value_per_year is not None:
        ranges["impact.value"] = idea.impact.value_per_year
    else:
        assert idea.impact.score is not None
        ranges["impact.score"] = idea.impact.score
    ranges["difficulty.score"] = f.difficulty.score
    ranges["data.score"] = f.data.score
    ranges["target"] = f.accuracy.target
    if f.accuracy.baseline is not None:
        ranges["baseline"] = f.accuracy.baseline
    if f.data.examples is not None:
        ranges["examples"] = f.data.examples
    sources["accuracy"] = "modelled"
    sources["data"] = "judged"

    usable = measured is not None and measured.has_run and measured.higher_is_better
    if measured is not None and measured.has_run and not measured.higher_is_better:
        notes.append(
            f"{measured.project} measures a lower-is-better metric ({measured.metric}); "
            "the cost model needs an accuracy in [0, 1], so the judgements stand"
        )
    if measured is not None and not measured.has_run:
        notes.extend(measured.notes)
    if usable:
        assert measured is not None and measured.value is not None
        lo = measured.lo if measured.lo is not None else measured.value
        hi = measured.hi if measured.hi is not None else measured.value
        ranges["baseline"] = Range(
            low=min(lo, measured.value), likely=measured.value, high=max(hi, measured.value)
        )
        if measured.target is not None:
            ranges["target"] = Range(low=measured.target, high=measured.target)
        if measured.n_train:
            ranges["examples"] = Range(low=measured.n_train, high=measured.n_train)
        sources["accuracy"] = "measured"
        point = measured.forecast
        if point is not None and not point.reachable:
            ranges["forecast.unreachable"] = Range(low=1.0, high=1.0)
            notes.append(
                f"the stored forecast says {measured.primary} {point.target:g} is not reachable"
            )
        elif point is not None and point.n is not None and point.n > 0 and measured.n_train:
            ranges["forecast.log_n"] = _log_range(point.n, point.lo, point.hi)
            if point.hi is None:
                notes.append(
                    "the forecast's upper bound is open; its range is drawn symmetric "
                    "around the forecast in log space"
                )
        if measured.n_available and "examples" in ranges:
            ranges["available"] = Range(low=measured.n_available, high=measured.n_available)
            sources["data"] = "measured"
        notes.extend(measured.notes)
    if "baseline" not in ranges:
        ranges["accuracy.score"] = Range(low=1.0, high=5.0)
        sources["accuracy"] = "judged"
        notes.append(
            "no baseline accuracy yet (none judged, and the linked project has not "
            "measured one): the accuracy score is drawn from the whole 1–5 range"
        )
    return IdeaModel(
        idea=idea,
        settings=settings,
        measured=measured if usable else None,
        ranges=ranges,
        sources=sources,
        notes=tuple(notes),
    )


def describe(model: IdeaModel, name: str, central: Mapping[str, Array]) -> str:
    """One sentence saying how an input's score was computed, with its numbers."""
    r = model.ranges
    s = model.settings
    m = model.measured
    if name == "impact":
        if "impact.value" in r:
            v = r["impact.value"]
            low, high = s.impact_scale
            return (
                f"{_money(v.low)}–{_money(v.high)} {s.currency}/year on a log scale "
                f"({_money(low)} → 1, {_money(high)} → 5)"
            )
        return f"judged {_range(r['impact.score'])} of 5"
    if name == "difficulty":
        return f"judged {_range(r['difficulty.score'])} of 5"
    if name == "data":
        if model.sources["data"] == "measured" and m is not None:
            need = float(central["examples"][0])
            return (
                f"needs ~{need:,.0f} labelled examples; the project holds "
                f"{m.n_available:,} (measured; {s.cost.max_data_ratio:g}× short scores 1)"
            )
        return f"judged {_range(r['data.score'])} of 5"
    if "accuracy.score" in r:
        return "unknown until a baseline is judged or measured: drawn uniformly from 1–5"
    factor = float(central["factor"][0])
    if "forecast.unreachable" in r:
        return "the stored forecast says the target is not reachable (measured): scores 1"
    if "forecast.log_n" in r:
        fc = r["forecast.log_n"]
        return (
            f"forecast: {10**fc.central:,.0f} examples (drawn {10**fc.low:,.0f}–"
            f"{10**fc.high:,.0f}, log scale) for the target, {factor:.1f}× the "
            f"{r['examples'].central:,.0f} used now (measured; {s.cost.max_factor:g}× scores 1)"
        )
    exponent = model.idea.feasibility.accuracy.exponent or s.cost.exponent
    origin = "measured best baseline" if model.sources["accuracy"] == "measured" else "baseline"
    return (
        f"{origin} {_range(r['baseline'], 3)} → target {_range(r['target'], 3)}: "
        f"cost factor ((1-b)/(1-t))^{exponent:g} = {factor:.1f}× "
        f"({s.cost.max_factor:g}× scores 1)"
    )


def _log_range(n: float, lo: float | None, hi: float | None) -> Range:
    """A forecast's examples as a range of ``log10(n)``; an open side mirrors the other."""
    centre = float(np.log10(n))
    low = float(np.log10(lo)) if lo is not None and 0 < lo <= n else None
    high = float(np.log10(hi)) if hi is not None and hi >= n else None
    if low is None and high is not None:
        low = 2 * centre - high
    if high is None and low is not None:
        high = 2 * centre - low
    if low is None or high is None:
        return Range(low=centre, high=centre)
    return Range(low=low, likely=centre, high=high)


def _draw(r: Range, rng: np.random.Generator, n: int) -> Array:
    if r.low == r.high:
        return np.full(n, r.low, dtype=float)
    if r.likely is not None:
        return rng.triangular(r.low, r.likely, r.high, size=n)
    return rng.uniform(r.low, r.high, size=n)


def _range(r: Range, digits: int = 2) -> str:
    if r.low == r.high:
        return f"{r.low:.{digits}g}"
    middle = f" (likely {r.likely:.{digits}g})" if r.likely is not None else ""
    return f"{r.low:.{digits}g}–{r.high:.{digits}g}{middle}"


def _money(value: float) -> str:
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if abs(value) >= size:
            return f"{value / size:g}{unit}"
    return f"{value:g}"
