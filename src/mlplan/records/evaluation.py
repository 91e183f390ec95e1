"""The Evaluation record: one model scored on the frozen test rows with the plan's metric."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from mlplan._json import json_ready

__all__ = ["Evaluation", "Source"]

Source = Literal["rung", "model", "declared"]


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """A model's scores on the test part, with the interval of the plan's metric.

    Attributes
    ----------
    name, source
        Who was evaluated: a ladder rung, an external model, or a declared baseline.
    metric
        The plan's metric, by name (e.g. ``"recall s.t. precision >= 0.9"``).
    value, lo, hi
        The plan's metric on the test rows and its bootstrap interval.
    threshold
        The operating threshold the policy chose (scored binary models), else None.
    reachable
        False when the policy's constraints cannot be met at any threshold.
    metrics
        Standard metrics on the test rows at the operating point.
    cv_mean, cv_lo, cv_hi, cv_train_mean
        Cross-validation on the training part (rungs only): validation mean and
        interval, and the mean score on the fitting folds.
    costs
        fit_seconds, latency_ms (per 1k rows), model_mb when measured.
    """

    name: str
    source: Source
    metric: str
    value: float | None
    lo: float | None = None
    hi: float | None = None
    threshold: float | None = None
    reachable: bool = True
    metrics: dict[str, float] = field(default_factory=dict)
    cv_mean: float | None = None
    cv_lo: float | None = None
    cv_hi: float | None = None
    cv_train_mean: float | None = None
    costs: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN becomes None)."""
        return json_ready(asdict(self))
