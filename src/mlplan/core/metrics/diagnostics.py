"""Diagnostics of a model at its operating point: curves, confusion, calibration, per class.

Everything is computed exactly from the test labels, the model's predictions
and the threshold the plan's policy chose, with the cumulative counts of
:func:`~mlplan.core.metrics.counts.score_curve`:

* the precision–recall curve is scikit-learn's ``precision_recall_curve``, the ROC
  curve its ``roc_curve(drop_intermediate=False)``, point for point;
* the confusion matrix at the operating point predicts positive iff
  ``score >= threshold`` (as the policy does);
* calibration bins are ``calibration_curve(strategy="uniform")``'s, with counts;
* per-class precision, recall and F1 are ``precision_recall_fscore_support``'s
  (a ratio with a zero denominator is None, not 0).

A curve with many distinct scores is *thinned* for drawing: a subset of its exact
points that keeps both ends and every point where the curve turns by more than
a small step, so the drawn line never leaves the exact curve by more than that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics.constraints import Constraint
from mlplan.core.metrics.counts import counts_at_threshold, multiclass_confusion, score_curve
from mlplan.core.metrics.scores import average_precision_from_curve, roc_auc_from_curve
from mlplan.records.diagnostics import (
    Calibration,
    ClassScores,
    ConstraintLine,
    Diagnostics,
    OperatingMark,
    PRCurve,
    ROCCurve,
    RunDiagnostics,
)

__all__ = [
    "MAX_POINTS",
    "ModelPredictions",
    "calibration",
    "constraint_lines",
    "diagnose",
    "diagnose_run",
    "per_class_scores",
    "pr_curve",
    "roc_curve",
]

#: Most points a curve keeps for drawing.
MAX_POINTS = 400
CALIBRATION_BINS = 10


@dataclass(frozen=True, kw_only=True)
class ModelPredictions:
    """One evaluated model's test predictions, in test-id order.

    ``pred`` holds labels as class codes (binary: 0/1); ``score`` the score of
    class 1 (binary) or (n, K) probabilities (multiclass).
    """

    name: str
    source: str
    pred: NDArray[Any] | None
    score: NDArray[Any] | None = None
    threshold: float | None = None


def pr_curve(y: NDArray[Any], score: NDArray[Any], max_points: int | None = None) -> PRCurve:
    """The exact precision–recall curve (scikit-learn's order), thinned to ``max_points``."""
    curve = score_curve(np.asarray(y, dtype=bool), np.asarray(score))
    tps = curve.tps.astype(np.float64)
    predicted = tps + curve.fps
    precision = np.divide(tps, predicted, out=np.ones_like(tps), where=predicted > 0)
    recall = tps / curve.n_pos if curve.n_pos else np.ones_like(tps)
    precision = np.concatenate((precision[::-1], [1.0]))
    recall = np.concatenate((recall[::-1], [0.0]))
    thresholds = curve.thresholds[::-1].astype(np.float64)
    keep = _thin(recall, precision, max_points)
    return PRCurve(
        precision=tuple(precision[keep].tolist()),
        recall=tuple(recall[keep].tolist()),
        thresholds=tuple(thresholds[keep[keep < len(thresholds)]].tolist()),
        average_precision=average_precision_from_curve(curve),
        n_points=int(precision.size),
    )


def roc_curve(y: NDArray[Any], score: NDArray[Any], max_points: int | None = None) -> ROCCurve:
    """The exact ROC curve (``drop_intermediate=False``), thinned to ``max_points``."""
    curve = score_curve(np.asarray(y, dtype=bool), np.asarray(score))
    tps = np.concatenate(([0], curve.tps)).astype(np.float64)
    fps = np.concatenate(([0], curve.fps)).astype(np.float64)
    fpr = fps / fps[-1] if fps[-1] else np.full_like(fps, np.nan)
    tpr = tps / tps[-1] if tps[-1] else np.full_like(tps, np.nan)
    thresholds = np.concatenate(([np.inf], curve.thresholds.astype(np.float64)))
    keep = _thin(fpr, tpr, max_points)
    return ROCCurve(
        fpr=tuple(fpr[keep].tolist()),
        tpr=tuple(tpr[keep].tolist()),
        thresholds=tuple(thresholds[keep].tolist()),
        auc=roc_auc_from_curve(curve),
        n_points=int(fpr.size),
    )


def _thin(x: NDArray[np.float64], y: NDArray[np.float64], max_points: int | None) -> NDArray[Any]:
    """Indices of a subset of the points: both ends, and a point per step along the path."""
    n = x.size
    if max_points is None or n <= max_points:
        return np.arange(n)
    step = np.hypot(np.diff(np.nan_to_num(x)), np.diff(np.nan_to_num(y)))
    travelled = np.concatenate(([0.0], np.cumsum(step)))
    marks = np.linspace(0.0, travelled[-1], max_points - 1)
    picked = np.searchsorted(travelled, marks, side="left")
    return np.unique(np.concatenate(([0], np.clip(picked, 0, n - 1), [n - 1])))


def calibration(y: NDArray[Any], prob: NDArray[Any], n_bins: int = CALIBRATION_BINS) -> Calibration:
    """Reliability bins: ``calibration_curve(y, prob, n_bins, strategy="uniform")`` with counts."""
    truth = np.asarray(y, dtype=np.float64)
    p = np.asarray(prob, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], p)  # on an edge: the lower bin, as scikit-learn
    counts = np.bincount(bins, minlength=n_bins)
    sums = np.bincount(bins, weights=p, minlength=n_bins)
    positives = np.bincount(bins, weights=truth, minlength=n_bins)
    used = counts > 0
    return Calibration(
        n_bins=n_bins,
        mean_predicted=tuple((sums[used] / counts[used]).tolist()),
        observed=tuple((positives[used] / counts[used]).tolist()),
        counts=tuple(int(c) for c in counts[used]),
    )


def per_class_scores(
    confusion: NDArray[np.int64], labels: Sequence[str]
) -> tuple[ClassScores, ...]:
    """Precision, recall and F1 of every class from a K x K confusion (rows: truth)."""
    tp = np.diag(confusion).astype(np.float64)
    predicted = confusion.sum(axis=0)
    support = confusion.sum(axis=1)
    out = []
    for k, label in enumerate(labels):
        precision = tp[k] / predicted[k] if predicted[k] else None
        recall = tp[k] / support[k] if support[k] else None
        wrong = predicted[k] + support[k] - 2 * tp[k]  # false positives + false negatives
        f1 = 2 * tp[k] / (2 * tp[k] + wrong) if 2 * tp[k] + wrong else None
        out.append(
            ClassScores(
                label=str(label),
                precision=None if precision is None else float(precision),
                recall=None if recall is None else float(recall),
                f1=None if f1 is None else float(f1),
                support=int(support[k]),
                predicted=int(predicted[k]),
            )
        )
    return tuple(out)


def diagnose(
    model: ModelPredictions, y: NDArray[Any], task: str, labels: Sequence[str]
) -> Diagnostics:
    """The diagnostics of one model on the test labels ``y`` (class codes)."""
    truth = np.asarray(y).astype(np.int64)
    k = len(labels)
    names = tuple(str(label) for label in labels)
    score = None if model.score is None else np.asarray(model.score, dtype=np.float64)
    binary_scores = task == "binary" and score is not None and score.ndim == 1
    if binary_scores and model.threshold is not None:
        assert score is not None
        pred = (score >= model.threshold).astype(np.int64)
    elif model.pred is not None:
        pred = np.asarray(model.pred).astype(np.int64)
    elif score is not None and score.ndim == 2:
        pred = score.argmax(axis=1)
    else:
        return Diagnostics(
            name=model.name, source=model.source, task=task, labels=names, confusion=(),
            note="no predictions stored",
        )  # fmt: skip
    confusion = multiclass_confusion(truth, pred, k)
    base = Diagnostics(
        name=model.name,
        source=model.source,
        task=task,
        labels=names,
        confusion=tuple(tuple(int(c) for c in row) for row in confusion),
        threshold=model.threshold if binary_scores else None,
        per_class=per_class_scores(confusion, names),
    )
    if not binary_scores:
        note = "" if task != "binary" else "labels only: no curves or calibration"
        return base if not note else _with(base, note=note)
    assert score is not None
    return _binary(base, truth.astype(bool), score, model.threshold)


def _binary(
    base: Diagnostics, truth: NDArray[np.bool_], score: NDArray[np.float64], threshold: float | None
) -> Diagnostics:
    mark = None
    if threshold is not None:
        c = counts_at_threshold(truth, score, threshold)
        mark = OperatingMark(
            threshold=float(threshold),
            precision=c.tp / (c.tp + c.fp) if c.tp + c.fp else None,
            recall=c.tp / (c.tp + c.fn) if c.tp + c.fn else None,
            fpr=c.fp / (c.fp + c.tn) if c.fp + c.tn else None,
        )
    probabilities = bool(score.size) and score.min() >= 0.0 and score.max() <= 1.0
    return _with(
        base,
        mark=mark,
        pr=pr_curve(truth, score, MAX_POINTS),
        roc=roc_curve(truth, score, MAX_POINTS),
        calibration=calibration(truth, score) if probabilities else None,
        note="" if probabilities else "scores outside [0, 1]: no calibration curve",
    )


def _with(base: Diagnostics, **changes: Any) -> Diagnostics:
    return replace(base, **changes)


def constraint_lines(
    constraints: Sequence[Constraint], n_positive: int, n_negative: int
) -> tuple[ConstraintLine, ...]:
    """Each constraint as a segment on the PR chart (x recall, y precision) and ROC chart.

    A precision bound ``p`` is a horizontal line on the PR chart and the ray
    ``tpr = fpr · N p / (P (1 - p))`` on the ROC chart; a recall bound is vertical
    on the PR chart and horizontal on the ROC chart; a false-positive-rate or
    specificity bound is vertical on the ROC chart. Other metrics draw no line.
    """
    lines = []
    for c in constraints:
        pr = roc = None
        b = float(c.bound)
        if c.name == "precision":
            pr = ((0.0, b), (1.0, b))
            if 0.0 < b < 1.0 and n_positive:
                slope = n_negative * b / (n_positive * (1.0 - b))
                roc = ((0.0, 0.0), (min(1.0, 1.0 / slope), min(1.0, slope)))
        elif c.name in ("recall", "sensitivity", "tpr"):
            pr = ((b, 0.0), (b, 1.0))
            roc = ((0.0, b), (1.0, b))
        elif c.name in ("fpr", "specificity", "tnr"):
            x = b if c.name == "fpr" else 1.0 - b
            roc = ((x, 0.0), (x, 1.0))
        lines.append(ConstraintLine(text=str(c), pr=pr, roc=roc))
    return tuple(lines)


def diagnose_run(
    y: NDArray[Any],
    models: Sequence[ModelPredictions],
    *,
    task: str,
    labels: Sequence[object],
    positive: str | None = None,
    constraints: Sequence[Constraint] = (),
) -> RunDiagnostics:
    """The diagnostics of every model of a run (classification; regression has none)."""
    truth = np.asarray(y)
    names = [str(label) for label in labels]
    if task == "regression":
        return RunDiagnostics(
            task=task, positive=None, n_test=int(truth.size), n_positive=None, models=(),
            notes=("regression: no confusion, curves or calibration",),
        )  # fmt: skip
    n_pos = int(np.count_nonzero(truth == 1)) if task == "binary" else None
    diagnosed = tuple(diagnose(m, truth, task, names) for m in models)
    lines: tuple[ConstraintLine, ...] = ()
    if task == "binary" and n_pos is not None:
        lines = constraint_lines(constraints, n_pos, int(truth.size) - n_pos)
    return RunDiagnostics(
        task=task,
        positive=positive,
        n_test=int(truth.size),
        n_positive=n_pos,
        models=diagnosed,
        constraints=lines,
    )
