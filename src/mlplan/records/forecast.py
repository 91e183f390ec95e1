"""Forecast records: learning curves, and the data each target needs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mlplan._json import json_ready
from mlplan.records.display import HtmlDisplay

__all__ = ["RULES_OF_THUMB", "Forecast", "LearningCurve", "RungForecast", "TargetNeed"]


@dataclass(frozen=True, kw_only=True)
class LearningCurve:
    """One rung's scores at growing training sizes (one observation per size and fold).

    Attributes
    ----------
    rung : str
        The ladder rung that was trained.
    sizes, scores, fit_seconds : tuple
        One entry per (size, fold): training-set size, validation score of the
        plan's metric, and the time the fit took.
    n_available : int
        The largest training size a fold offers (the training part minus its
        validation fold; with time-ordered folds, the latest fold's).
    notes : tuple of str
        Sizes reused from the ladder or skipped on a flat curve, failed fits.
    """

    rung: str
    sizes: tuple[int, ...]
    scores: tuple[float, ...]
    fit_seconds: tuple[float, ...]
    n_available: int
    notes: tuple[str, ...] = ()

    def means(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct sizes and the mean score at each (sizes where the metric is undefined are left out)."""
        sizes = np.asarray(self.sizes)
        scores = np.asarray(self.scores, dtype=float)
        defined = np.isfinite(scores)
        distinct = np.unique(sizes[defined])
        return distinct, np.array([scores[defined & (sizes == n)].mean() for n in distinct])


RULES_OF_THUMB = (
    "about 10,000 labelled examples for an ordinary ML problem",
    "about 100,000 for images",
    "the dataset sizes of similar published work",
    "pre-training on a larger similar dataset when labels are short",
)


@dataclass(frozen=True, kw_only=True)
class TargetNeed:
    """Training examples needed to reach one target level, and what they cost.

    ``met_now`` is True when the forecast at today's size reaches the target
    (then ``n`` is today's size); ``capped`` when an end of the answer lies
    beyond the forecastable horizon (100x today's data), where it is infinite.
    ``n`` is the median size among the forecast curves that reach the target
    within that horizon, and ``chance`` the share of them that do (None in
    forecasts stored before it was measured).
    """

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
    met_now: bool = False
    capped: bool = False
    chance: float | None = None


@dataclass(frozen=True, kw_only=True)
class RungForecast:
    """One rung's learning curve, its extrapolation and the data each target needs.

    ``today``, ``today_lo``, ``today_hi`` are the forecast at today's training
    size; ``ceiling`` (with its interval) the forecast at 100x that size.
    ``test_score`` is today's test score the forecast is anchored on (None:
    the forecast is one of cross-validation scores).
    """

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
    today: float | None = None
    today_lo: float | None = None
    today_hi: float | None = None
    test_score: float | None = None


@dataclass(frozen=True, kw_only=True)
class Forecast(HtmlDisplay):
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
    outputs: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (infinite sizes become None)."""
        return json_ready(asdict(self))
