"""Diagnostics records: the curves, confusion and calibration behind a model's operating point.

Plain numbers, computed by :mod:`mlplan.core.metrics.diagnostics` from the test
labels, a model's predictions and its chosen threshold, and drawn by
:mod:`mlplan.io.report`; a chart never recomputes them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mlplan._json import json_ready

__all__ = [
    "Calibration",
    "ClassScores",
    "ConstraintLine",
    "Diagnostics",
    "OperatingMark",
    "PRCurve",
    "ROCCurve",
    "RunDiagnostics",
]


@dataclass(frozen=True, kw_only=True)
class PRCurve:
    """Precision–recall points, as scikit-learn's ``precision_recall_curve`` returns them.

    ``thresholds`` increase; ``precision`` and ``recall`` have one more point, the
    final ``(recall 0, precision 1)``. When the curve was thinned for drawing,
    the points kept are a subset of the exact ones, always with both ends.

    Attributes
    ----------
    precision, recall, thresholds : tuple of float
    average_precision : float or None
        scikit-learn's ``average_precision_score`` on all the points.
    n_points : int
        Points of the exact curve (before thinning).
    """

    precision: tuple[float, ...]
    recall: tuple[float, ...]
    thresholds: tuple[float, ...]
    average_precision: float | None
    n_points: int


@dataclass(frozen=True, kw_only=True)
class ROCCurve:
    """ROC points, as ``roc_curve(..., drop_intermediate=False)`` returns them.

    ``thresholds`` decrease and start at ``inf`` (stored as None in JSON).

    Attributes
    ----------
    fpr, tpr, thresholds : tuple of float
    auc : float or None
    n_points : int
        Points of the exact curve (before thinning).
    """

    fpr: tuple[float, ...]
    tpr: tuple[float, ...]
    thresholds: tuple[float, ...]
    auc: float | None
    n_points: int


@dataclass(frozen=True, kw_only=True)
class OperatingMark:
    """Where a binary model's chosen threshold sits on its curves."""

    threshold: float
    precision: float | None
    recall: float | None
    fpr: float | None


@dataclass(frozen=True, kw_only=True)
class ConstraintLine:
    """A constraint of the plan's metric as a line on the PR and ROC charts.

    Attributes
    ----------
    text : str
        The constraint as written, e.g. ``"precision >= 0.5"``.
    pr, roc : tuple of two (x, y) points, or None
        The segment bounding the feasible region on each chart (None when the
        constraint is not a line there, e.g. an F1 bound on the ROC chart).
    """

    text: str
    pr: tuple[tuple[float, float], tuple[float, float]] | None
    roc: tuple[tuple[float, float], tuple[float, float]] | None


@dataclass(frozen=True, kw_only=True)
class Calibration:
    """Reliability bins of a binary model's probabilities (uniform bins on [0, 1]).

    ``mean_predicted`` and ``observed`` are scikit-learn's ``calibration_curve``
    (``strategy="uniform"``): only bins holding rows appear, with their ``counts``.
    """

    n_bins: int
    mean_predicted: tuple[float, ...]
    observed: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class ClassScores:
    """One class's precision, recall and F1 at the operating point, and its counts."""

    label: str
    precision: float | None
    recall: float | None
    f1: float | None
    support: int
    predicted: int


@dataclass(frozen=True, kw_only=True)
class Diagnostics:
    """One model's diagnostics on the test rows.

    Attributes
    ----------
    name, source : str
        The evaluation's name and source (rung, model).
    task : str
    labels : tuple of str
        Class labels in code order (binary: negative, positive).
    confusion : tuple of tuple of int
        Rows: true class, columns: predicted class, at the operating point.
    threshold : float or None
        The operating threshold (scored binary models).
    mark : OperatingMark or None
    pr, roc : PRCurve, ROCCurve or None
        Binary models with scores.
    calibration : Calibration or None
        Binary models whose scores are probabilities.
    per_class : tuple of ClassScores
    note : str
        Why a part is missing (labels only, scores outside [0, 1], ...).
    """

    name: str
    source: str
    task: str
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    threshold: float | None = None
    mark: OperatingMark | None = None
    pr: PRCurve | None = None
    roc: ROCCurve | None = None
    calibration: Calibration | None = None
    per_class: tuple[ClassScores, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (an infinite threshold becomes None)."""
        return json_ready(asdict(self))


@dataclass(frozen=True, kw_only=True)
class RunDiagnostics:
    """The diagnostics of every scored model of a run, with the plan's constraint lines.

    Attributes
    ----------
    task : str
    positive : str or None
        The class counted as positive (binary).
    n_test : int
    n_positive : int or None
        Positives among the test rows (binary): the PR chart's chance level.
    models : tuple of Diagnostics
    constraints : tuple of ConstraintLine
    notes : tuple of str
    """

    task: str
    positive: str | None
    n_test: int
    n_positive: int | None
    models: tuple[Diagnostics, ...]
    constraints: tuple[ConstraintLine, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def model(self, name: str) -> Diagnostics | None:
        """The diagnostics of the model called ``name``."""
        return next((m for m in self.models if m.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``diagnostics.json`` holds)."""
        return json_ready(asdict(self))
