"""The ladder's records: each rung's fold scores, test predictions and costs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from mlplan.records.predictions import Predictions

__all__ = [
    "BaselineReport",
    "BudgetDecision",
    "LadderResult",
    "LeakageWarning",
    "RungKind",
    "RungResult",
    "Severity",
    "SkippedRung",
    "fold_interval",
]


@dataclass(frozen=True, kw_only=True)
class RungResult:
    """One rung: its fold scores, its test predictions and its costs.

    Attributes
    ----------
    name, description : str
    fold_scores, fold_train_scores : tuple of float
        The plan's metric on each validation fold and on its fitting part (on a
        sample of at most :data:`TRAIN_SCORE_ROWS` fitting rows).
    fold_metrics : dict
        Standard metrics per validation fold.
    test : Predictions
        Predictions on the held-out test rows.
    costs : dict
        ``fit_seconds`` (final fit), ``latency_ms`` (predicting 1,000 rows),
        ``model_mb`` (serialised size), ``peak_mb`` (memory the final fit added).
    notes : tuple of str
        Row caps, budget decisions, caveats.
    kind : {"trained", "scripted", "custom"}
    n_rows : int or None
        Training rows the final fit used.
    cv_rows : int or None
        Fitting rows of each cross-validation fit (at most), when a row cap made
        them fewer than the folds give; None otherwise.
    """

    name: str
    description: str
    fold_scores: tuple[float, ...]
    fold_train_scores: tuple[float, ...]
    fold_metrics: dict[str, tuple[float, ...]]
    test: Predictions
    costs: dict[str, float]
    notes: tuple[str, ...] = field(default=())
    kind: RungKind = "trained"
    n_rows: int | None = None
    cv_rows: int | None = None

    @property
    def cv_mean(self) -> float | None:
        """Mean of the primary metric over the validation folds where it is defined."""
        values = np.asarray(self.fold_scores, dtype=float)
        values = values[np.isfinite(values)]
        return float(values.mean()) if len(values) else None

    @property
    def cv_train_mean(self) -> float | None:
        """Mean of the primary metric on the fitting folds (for over/underfitting)."""
        values = np.asarray(self.fold_train_scores, dtype=float)
        values = values[np.isfinite(values)]
        return float(values.mean()) if len(values) else None

    @property
    def cv_interval(self) -> tuple[float, float]:
        """95 % t-interval of the fold mean."""
        return fold_interval(self.fold_scores)


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedRung:
    """A rung that did not run, and why (not applicable, not installed, over budget)."""

    name: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class LadderResult:
    """The whole ladder: rungs that ran, rungs skipped, leakage warnings, budget decisions.

    Attributes
    ----------
    rungs : tuple of RungResult
        Scripted rules first, then trained and custom rungs in the order asked.
    skipped : tuple of SkippedRung
    warnings : tuple of LeakageWarning
        Leakage guards that fired, with evidence (see :mod:`mlplan.core.baselines.leakage`).
    budget : tuple of BudgetDecision
        What the time budget did to each trained rung (empty without a budget).
    budget_seconds : float or None
    elapsed_seconds : float
    notes : tuple of str
    """

    rungs: tuple[RungResult, ...]
    skipped: tuple[SkippedRung, ...] = ()
    warnings: tuple[LeakageWarning, ...] = ()
    budget: tuple[BudgetDecision, ...] = ()
    budget_seconds: float | None = None
    elapsed_seconds: float = 0.0
    notes: tuple[str, ...] = ()

    def rung(self, name: str) -> RungResult:
        """The rung called ``name``."""
        for result in self.rungs:
            if result.name == name:
                return result
        raise KeyError(name)

    @property
    def all_notes(self) -> tuple[str, ...]:
        """Notes, skipped rungs and warnings as lines for a report."""
        lines = list(self.notes)
        lines += [f"rung {s.name} skipped: {s.reason}" for s in self.skipped]
        lines += [f"leakage {w}" for w in self.warnings]
        return tuple(lines)


def fold_interval(scores: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean of fold scores (a spread, not a guarantee)."""
    from scipy import stats  # here, not at the top: reading records must start fast

    values = np.asarray(scores, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) < 2:
        mean = float(values.mean()) if len(values) else float("nan")
        return mean, mean  # one fold gives no spread
    half = stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * values.std(ddof=1)
    half /= np.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


@dataclass(frozen=True, slots=True, kw_only=True)
class LeakageWarning:
    """One leakage guard that fired, with the numbers that made it fire.

    Attributes
    ----------
    code : str
        One of :data:`LEAKAGE_CODES`.
    column : str or None
        The column concerned, when there is one.
    evidence : str
        What was measured, with counts and examples.
    severity : {"info", "warning", "critical"}
        ``critical``: the test score is probably inflated; ``warning``: check it;
        ``info``: handled, for the record.
    """

    code: str
    column: str | None
    evidence: str
    severity: Severity

    def __str__(self) -> str:
        where = f" [{self.column}]" if self.column else ""
        return f"{self.severity} {self.code}{where}: {self.evidence}"


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetDecision:
    """What the budget did to one rung.

    Attributes
    ----------
    rung : str
    action : {"full", "sampled", "skipped"}
    rows : int
        Training rows the rung's final fit gets (its row cap when it has one; 0
        when skipped).
    estimate_seconds : float
        Estimated wall time on all the rows it may use (all training rows, or its
        row caps).
    note : str
        The decision in words, with its numbers.
    """

    rung: str
    action: Literal["full", "sampled", "skipped"]
    rows: int
    estimate_seconds: float
    note: str


RungKind = Literal["trained", "scripted", "custom"]


Severity = Literal["info", "warning", "critical"]


@dataclass(frozen=True, kw_only=True)
class BaselineReport:
    """Declared, scripted and trained rungs evaluated on the frozen test rows.

    Attributes
    ----------
    metric : str
    higher_is_better : bool
    evaluations : tuple of Evaluation
        Declared rungs first, then scripted, then trained.
    ladder : LadderResult
        Fold scores, costs, skipped rungs, budget decisions, leakage warnings.
    """

    metric: str
    higher_is_better: bool
    evaluations: tuple[Any, ...]
    ladder: LadderResult

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "metric": {"name": self.metric, "higher_is_better": self.higher_is_better},
            "evaluations": [e.to_dict() for e in self.evaluations],
            "skipped": [asdict(s) for s in self.ladder.skipped],
            "budget": [asdict(d) for d in self.ladder.budget],
            "warnings": [asdict(w) for w in self.ladder.warnings],
            "notes": list(self.ladder.notes),
            "elapsed_seconds": self.ladder.elapsed_seconds,
        }
