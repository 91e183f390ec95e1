"""One fit of the ladder: a cross-validation fold or the final fit, and what it returns."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from mlplan.core.baselines.costs import model_megabytes, peak_memory, per_thousand_ms
from mlplan.core.baselines.resolve import ResolvedRung
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.core.metrics.standard import standard_metrics
from mlplan.records.ladder import RungKind, RungResult
from mlplan.records.predictions import Predictions

__all__ = [
    "FinalOutcome",
    "FoldOutcome",
    "RungThreshold",
    "collect_rung",
    "convergence_notes",
    "fit_job",
    "model_notes",
    "predict",
    "predict_encoded",
    "rung_outcomes",
    "rung_result",
]


def predict(model: BaseEstimator, frame: pd.DataFrame, dataset: Dataset) -> Predictions:
    """Predictions of a fitted model in mlplan's encoding (see :class:`Predictions`)."""
    return predict_encoded(model, frame, dataset.task, len(dataset.classes))


def predict_encoded(model: Any, frame: pd.DataFrame, task: str, n_classes: int) -> Predictions:
    if task == "regression":
        return Predictions(pred=np.asarray(model.predict(frame), dtype=float))
    if not hasattr(model, "predict_proba"):
        return Predictions(pred=np.asarray(model.predict(frame), dtype=np.int64))
    proba = np.asarray(model.predict_proba(frame), dtype=float)
    full = np.zeros((len(frame), n_classes))
    full[:, np.asarray(model.classes_, dtype=int)] = proba
    if task == "binary":
        score = full[:, 1]
        return Predictions(pred=(score >= 0.5).astype(np.int64), score=score)
    return Predictions(pred=full.argmax(axis=1), score=full)


@dataclass(frozen=True, slots=True)
class FoldOutcome:
    """One cross-validation fit: its scores on a sample of its fitting rows and on its
    validation rows, and, when the threshold is tuned, the predictions to tune it on.

    ``train``/``val`` are NaN and ``metrics`` empty until the threshold is known
    (``val_pred`` and ``train_pred`` set; see :mod:`mlplan.core.baselines.cv_threshold`).
    """

    train: float
    val: float
    metrics: dict[str, float]
    notes: tuple[str, ...] = ()
    val_pred: Predictions | None = None
    train_pred: Predictions | None = None
    train_y: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class FinalOutcome:
    test: Predictions
    costs: dict[str, float]
    notes: tuple[str, ...]


def fit_job(
    rung: ResolvedRung,
    k: int,
    kinds: dict[str, ColumnKind],
    X_fit: pd.DataFrame,
    y_fit: np.ndarray,
    X_other: pd.DataFrame,
    y_other: np.ndarray | None,
    X_scored: pd.DataFrame | None,
    y_scored: np.ndarray | None,
    *,
    task: str,
    n_classes: int,
    policy: MetricPolicy,
    balanced: bool,
) -> tuple[str, int, FoldOutcome | FinalOutcome]:
    """One fit: a fold (scores on a sample of its fitting rows and on its validation rows)
    or the final fit."""
    with threadpool_limits(1), catch_warnings():
        simplefilter("ignore", ConvergenceWarning)
        model = rung.build(task, kinds, balanced)
        if k >= 0:
            assert y_other is not None and X_scored is not None and y_scored is not None
            model.fit(X_fit, y_fit)
            scored = predict_encoded(model, X_scored, task, n_classes)
            preds = predict_encoded(model, X_other, task, n_classes)
            notes = convergence_notes(model)
            if policy.tunes and preds.score is not None:
                # the threshold comes from the out-of-fold predictions of all folds
                outcome = FoldOutcome(
                    np.nan, np.nan, {}, notes, val_pred=preds, train_pred=scored, train_y=y_scored
                )
                return rung.name, k, outcome
            values = []
            for p, y in ((scored, y_scored), (preds, y_other)):
                result = policy.evaluate(y, y_pred=p.pred, y_score=p.score, n_resamples=0)
                values.append(np.nan if result.value is None else float(result.value))
            labels = preds.pred
            if policy.fixed_threshold is not None and preds.score is not None:
                labels = (preds.score >= policy.fixed_threshold).astype(np.int64)
            metrics = standard_metrics(task, y_other, y_pred=labels, y_score=preds.score)
            outcome = FoldOutcome(train=values[0], val=values[1], metrics=metrics, notes=notes)
            return rung.name, k, outcome
        with peak_memory() as peak:
            began = time.perf_counter()
            model.fit(X_fit, y_fit)
            fit_seconds = time.perf_counter() - began
        began = time.perf_counter()
        preds = predict_encoded(model, X_other, task, n_classes)
        latency = per_thousand_ms(time.perf_counter() - began, len(X_other))
    costs = {
        "fit_seconds": fit_seconds,
        "latency_ms": latency,
        "model_mb": model_megabytes(model),
        "peak_mb": peak.megabytes,
    }
    notes = (*model_notes(model), *convergence_notes(model))
    return rung.name, k, FinalOutcome(test=preds, costs=costs, notes=notes)


def convergence_notes(model: Any) -> tuple[str, ...]:
    """A note when the final estimator stopped at its iteration limit (ConvergenceWarning)."""
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    final = getattr(final, "regressor_", final)  # inside a target transformer
    limit = getattr(final, "max_iter", None)
    done = getattr(final, "n_iter_", None)
    if not isinstance(limit, int) or done is None or "HistGradient" in type(final).__name__:
        return ()
    if int(np.max(done)) < limit:
        return ()
    return (
        f"{type(final).__name__} stopped at its limit of {limit} iterations before "
        "converging (ConvergenceWarning caught)",
    )


def model_notes(model: Any) -> tuple[str, ...]:
    """Caveats a fitted model reports about itself (empty text columns, ...)."""
    notes = []
    steps = model.named_steps.get("prepare") if isinstance(model, Pipeline) else None
    parts = steps.transformer_list if isinstance(steps, FeatureUnion) else []
    for _, part in parts:
        empty = getattr(part, "empty_columns_", [])
        if empty:
            notes.append(f"text column(s) {', '.join(empty)} had no words; they were left out")
    return tuple(notes)


@dataclass(frozen=True, slots=True)
class RungThreshold:
    """The operating threshold a rung's test predictions are scored at (see RungResult)."""

    threshold: float | None
    source: Literal["cv", "declared"] | None
    reachable: bool = True
    note: str = ""
    fold_thresholds: tuple[float | None, ...] = ()
    cv_scores: np.ndarray | None = None


def rung_outcomes(
    name: str, outputs: dict[tuple[str, int], FoldOutcome | FinalOutcome], k: int
) -> tuple[list[FoldOutcome], FinalOutcome]:
    """A rung's fold outcomes and final fit from the ladder's outputs."""
    folds = [outputs[name, i] for i in range(k)]
    final = outputs[name, -1]
    assert all(isinstance(f, FoldOutcome) for f in folds) and isinstance(final, FinalOutcome)
    return folds, final  # type: ignore[return-value]


def collect_rung(
    rung: ResolvedRung,
    outputs: dict[tuple[str, int], FoldOutcome | FinalOutcome],
    k: int,
    extra: list[str],
    n_rows: int,
    cv_rows: int | None = None,
    threshold: RungThreshold | None = None,
) -> RungResult:
    fold_outcomes, final = rung_outcomes(rung.name, outputs, k)
    fold_notes = [n for f in fold_outcomes for n in f.notes]
    if fold_notes:
        # the final fit's own note says whether it converged; folds are counted
        extra = [*extra, f"{len(fold_notes)} of {k} cross-validation fits: {fold_notes[0]}"]
    return rung_result(
        name=rung.name,
        description=rung.description,
        kind=rung.kind,
        fold_outcomes=fold_outcomes,
        test=final.test,
        costs=final.costs,
        notes=[*extra, *final.notes],
        n_rows=n_rows,
        cv_rows=cv_rows,
        threshold=threshold,
    )


def rung_result(
    *,
    name: str,
    description: str,
    kind: RungKind,
    fold_outcomes: list[FoldOutcome],
    test: Predictions,
    costs: dict[str, float],
    notes: list[str],
    n_rows: int,
    cv_rows: int | None = None,
    threshold: RungThreshold | None = None,
) -> RungResult:
    k = len(fold_outcomes)
    names = sorted({m for f in fold_outcomes for m in f.metrics})
    undefined = sum(not np.isfinite(f.val) for f in fold_outcomes)
    if undefined:
        notes = [*notes, f"the metric is undefined (unreachable) in {undefined} of {k} folds"]
    return RungResult(
        name=name,
        description=description,
        fold_scores=tuple(f.val for f in fold_outcomes),
        fold_train_scores=tuple(f.train for f in fold_outcomes),
        fold_metrics={m: tuple(f.metrics.get(m, np.nan) for f in fold_outcomes) for m in names},
        test=test,
        costs=costs,
        notes=tuple(notes),
        kind=kind,
        n_rows=n_rows,
        cv_rows=cv_rows,
        **_threshold_fields(threshold),
    )


def _threshold_fields(t: RungThreshold | None) -> dict[str, Any]:
    if t is None:
        return {}
    return {
        "threshold": t.threshold,
        "threshold_source": t.source,
        "threshold_reachable": t.reachable,
        "threshold_note": t.note,
        "fold_thresholds": t.fold_thresholds,
        "cv_scores": t.cv_scores,
    }
