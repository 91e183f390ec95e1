"""The Evaluation record: one model scored on the frozen test rows with the plan's metric."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from mlplan._json import json_ready

__all__ = [
    "OPTIMISTIC",
    "OPTIMISTIC_NOTE",
    "ConstraintCheck",
    "Evaluation",
    "IntervalKind",
    "ScoreKind",
    "Source",
    "ThresholdSource",
    "best_evaluation",
]

Source = Literal["rung", "model", "declared"]

#: Where an operating threshold comes from:
#:
#: ``declared``
#:     stated in the plan (the model entry's ``threshold:``, or the metric's);
#: ``cv``
#:     chosen on the out-of-fold cross-validation predictions of the training part;
#: ``validation``
#:     chosen on the model's validation predictions (rows of the training part);
#: ``test (optimistic)``
#:     chosen on the test rows themselves: the value is optimistic;
#: ``default 0.5`` / ``default 0 (margin)``
#:     nothing declared or tuned: probabilities at 0.5, margins at 0;
#: ``accepted``
#:     the champion's, stored when the regression gate accepted it;
#: ``labels``
#:     the model gave labels, not scores: its own decisions, no threshold.
ThresholdSource = Literal[
    "declared",
    "accepted",
    "cv",
    "validation",
    "test (optimistic)",
    "default 0.5",
    "default 0 (margin)",
    "labels",
]
THRESHOLD_SOURCES: tuple[str, ...] = get_args(ThresholdSource)
#: The source whose value is optimistic: the threshold was chosen on the rows it is scored on.
OPTIMISTIC: ThresholdSource = "test (optimistic)"
#: The words every output puts beside such a value.
OPTIMISTIC_NOTE = "optimistic (threshold chosen on the test rows)"

#: What an interval resamples: the test rows at the fixed threshold (or labels), or
#: the test rows with the threshold re-chosen inside every resample (the interval of
#: a tuned point, which says how stable the tuning is); "" for no threshold at all.
IntervalKind = Literal["", "threshold fixed", "threshold re-chosen per resample"]

#: What a binary score is: a probability of the positive class, or a margin
#: (any real number, larger = more positive; probability metrics are skipped).
ScoreKind = Literal["probability", "margin"]


@dataclass(frozen=True, kw_only=True)
class ConstraintCheck:
    """One constraint of the policy checked on the test rows at the operating point.

    Attributes
    ----------
    name, op, bound
        The constraint, e.g. ``precision >= 0.5``.
    value, lo, hi
        The constrained metric on the test rows and its bootstrap interval at the
        fixed threshold (no interval for cost metrics, which are measured once).
    holds
        Whether ``value op bound``.
    """

    name: str
    op: str
    bound: float
    value: float | None
    lo: float | None = None
    hi: float | None = None
    holds: bool = True

    @property
    def shown_violated(self) -> bool:
        """Missed beyond noise: the whole interval lies on the wrong side of the bound.

        A check without an interval (a cost measured once) is shown violated
        whenever it does not hold; one missed by its value only is within noise,
        as the regression gate judges it.
        """
        if self.holds:
            return False
        if self.lo is None or self.hi is None:
            return True
        nearest = self.hi if self.op in (">=", ">") else self.lo
        return not _compare(nearest, self.op, self.bound)

    def __str__(self) -> str:
        """``precision 0.46 [0.41, 0.51] < 0.5`` (violated) or ``precision 0.53 >= 0.5``."""
        shown = "–" if self.value is None else f"{self.value:.3g}"
        if self.lo is not None and self.hi is not None:
            shown += f" [{self.lo:.3g}, {self.hi:.3g}]"
        op = self.op if self.holds else _NEGATED.get(self.op, "!" + self.op)
        return f"{self.name} {shown} {op} {self.bound:g}"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConstraintCheck:
        """Read a stored check back (unknown keys are ignored)."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">="}


def _compare(value: float, op: str, bound: float) -> bool:
    return {
        ">=": value >= bound,
        ">": value > bound,
        "<=": value <= bound,
        "<": value < bound,
    }.get(op, False)


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
        The operating threshold of a scored binary model (None for labels, other
        tasks, or when the constraints were unreachable where it was chosen).
    threshold_source
        Where the threshold comes from (:data:`ThresholdSource`); None when no
        threshold applies (multi-class, regression, declared rungs).
    interval
        What ``lo``/``hi`` resample (:data:`IntervalKind`).
    reachable
        False when the policy's constraints cannot be met at any threshold of the
        rows the threshold is chosen on (then ``value`` is None).
    constraints
        The policy's constraints checked on the test rows at the threshold, with
        intervals; a check that does not hold is a violated constraint.
    score_kind
        ``probability`` or ``margin`` for scored binary models, else None.
    metrics
        Standard metrics on the test rows at the operating point.
    cv_mean, cv_lo, cv_hi, cv_train_mean
        Cross-validation on the training part (rungs only): validation mean and
        interval, and the mean score on the fitting folds.
    costs
        fit_seconds, latency_ms (per 1k rows), model_mb when measured.
    warnings
        What the numbers cannot show by themselves: an optimistic threshold, a
        violated constraint, scores that look inverted.
    note
        How the numbers were computed, and caveats.
    """

    name: str
    source: Source
    metric: str
    value: float | None
    lo: float | None = None
    hi: float | None = None
    threshold: float | None = None
    threshold_source: ThresholdSource | None = None
    interval: IntervalKind = ""
    reachable: bool = True
    constraints: tuple[ConstraintCheck, ...] = ()
    score_kind: ScoreKind | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    cv_mean: float | None = None
    cv_lo: float | None = None
    cv_hi: float | None = None
    cv_train_mean: float | None = None
    costs: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        # records read back from the store hold plain dicts and lists
        checks = tuple(
            c if isinstance(c, ConstraintCheck) else ConstraintCheck.from_dict(c)
            for c in self.constraints
        )
        object.__setattr__(self, "constraints", checks)
        object.__setattr__(self, "warnings", tuple(self.warnings))

    @property
    def optimistic(self) -> bool:
        """True when the threshold was chosen on the test rows (the value is optimistic)."""
        return self.threshold_source == OPTIMISTIC

    @property
    def violated(self) -> tuple[ConstraintCheck, ...]:
        """The constraints that do not hold on the test rows at the threshold."""
        return tuple(c for c in self.constraints if not c.holds)

    @property
    def constraints_met(self) -> bool:
        """Whether every constraint holds on the test rows (True without constraints)."""
        return self.reachable and not self.violated

    @property
    def eligible(self) -> bool:
        """May be called best: reachable, with no constraint missed beyond noise."""
        return self.reachable and not any(c.shown_violated for c in self.constraints)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (NaN becomes None); ``optimistic`` and ``constraints_met`` included."""
        out = json_ready(asdict(self))
        out["optimistic"] = self.optimistic
        out["constraints_met"] = self.constraints_met
        return out


def best_evaluation(evaluations: Iterable[Evaluation], higher_is_better: bool) -> Evaluation | None:
    """The evaluation with the best value among the eligible ones (all, when none is).

    One rule for the results table's star, the advice and the report: a model whose
    constraint misses only by its point value (within noise, as the gate judges it)
    competes; one that misses beyond noise wins only when every model does.
    """
    pool = [e for e in evaluations if e.value is not None]
    if not pool:
        return None
    pool = [e for e in pool if e.eligible] or pool
    sign = 1.0 if higher_is_better else -1.0
    return max(pool, key=lambda e: sign * float(e.value))  # type: ignore[arg-type]
