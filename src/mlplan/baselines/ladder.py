"""Running the trained rungs: cross-validation on the training part, one test score."""

from __future__ import annotations

import io
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from mlplan.baselines.rungs import build_estimator, rung_spec
from mlplan.data.dataset import Dataset
from mlplan.data.split import Split, cv_folds
from mlplan.metrics import MetricPolicy, standard_metrics

__all__ = ["Predictions", "RungResult", "fold_interval", "predict", "run_ladder"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, kw_only=True)
class Predictions:
    """What a model says about some rows.

    ``score`` is the positive-class score (binary), the class probabilities
    ``(n, K)`` (multi-class) or ``None`` (labels only, or regression); ``pred`` is
    the label codes (classification) or the predicted values (regression).
    """

    pred: np.ndarray
    score: np.ndarray | None = None


@dataclass(frozen=True, kw_only=True)
class RungResult:
    """One trained rung: its fold scores, its test predictions and its costs."""

    name: str
    description: str
    fold_scores: tuple[float, ...]
    fold_train_scores: tuple[float, ...]
    fold_metrics: dict[str, tuple[float, ...]]
    test: Predictions
    costs: dict[str, float]
    notes: tuple[str, ...] = field(default=())

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


def fold_interval(scores: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean of fold scores (a spread, not a guarantee)."""
    values = np.asarray(scores, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) < 2:
        mean = float(values.mean()) if len(values) else float("nan")
        return mean, mean  # one fold gives no spread
    half = stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * values.std(ddof=1)
    half /= np.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


def predict(model: BaseEstimator, frame: pd.DataFrame, dataset: Dataset) -> Predictions:
    """Predictions of a fitted model in mlplan's encoding (see :class:`Predictions`)."""
    if dataset.task == "regression":
        return Predictions(pred=np.asarray(model.predict(frame), dtype=float))
    proba = np.asarray(model.predict_proba(frame), dtype=float)
    full = np.zeros((len(frame), len(dataset.classes)))
    full[:, np.asarray(model.classes_, dtype=int)] = proba
    if dataset.task == "binary":
        score = full[:, 1]
        return Predictions(pred=(score >= 0.5).astype(np.int64), score=score)
    return Predictions(pred=full.argmax(axis=1), score=full)


def run_ladder(
    dataset: Dataset,
    split: Split,
    policy: MetricPolicy,
    *,
    rungs: Sequence[str] = ("dummy", "linear"),
    n_folds: int = 5,
    balanced: bool = False,
    n_jobs: int = 1,
    on_progress: Progress | None = None,
) -> tuple[RungResult, ...]:
    """Cross-validate every rung on the training part and score it once on the test part.

    Parameters
    ----------
    dataset, split
        The typed data and its frozen split; test rows are only predicted, never
        used to choose anything.
    policy
        The plan's metric policy; fold scores are its value.
    rungs
        Names of trained rungs (see :data:`mlplan.baselines.rungs.RUNGS`).
    n_folds
        Cross-validation folds inside the training part.
    balanced
        Give classes balanced weights (for metrics that weigh classes equally).
    n_jobs
        Parallel jobs over rungs × folds; each job runs with one BLAS thread.
    on_progress
        Called as ``on_progress(label, done, total)`` after each finished job.
    """
    for name in rungs:
        rung_spec(name)  # fail on an unknown name before any work
    train_pos, test_pos = split.positions(dataset)
    X_train = dataset.frame.iloc[train_pos]
    y_train = dataset.y[train_pos]
    X_test = dataset.frame.iloc[test_pos]
    kinds = {c.name: c.kind for c in dataset.columns if c.is_feature}
    folds = list(cv_folds(dataset, split, n_folds))
    jobs = [(name, k) for name in rungs for k in range(len(folds))] + [(n, -1) for n in rungs]

    def job(name: str, k: int) -> tuple[str, int, _FoldOutcome | _FinalOutcome]:
        with threadpool_limits(1):
            model = build_estimator(name, dataset.task, kinds, balanced=balanced)
            if k >= 0:
                fit_pos, val_pos = folds[k]
                return name, k, _fold(model, dataset, policy, X_train, y_train, fit_pos, val_pos)
            return name, k, _final(model, dataset, X_train, y_train, X_test)

    outputs: dict[tuple[str, int], _FoldOutcome | _FinalOutcome] = {}
    runner = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    for done, (name, k, result) in enumerate(runner(delayed(job)(n, k) for n, k in jobs), 1):
        outputs[name, k] = result
        if on_progress is not None:
            label = f"{name} fold {k + 1}" if k >= 0 else f"{name} final fit"
            on_progress(label, done, len(jobs))
    return tuple(_collect(name, outputs, len(folds)) for name in rungs)


@dataclass(frozen=True, slots=True)
class _FoldOutcome:
    train: float
    val: float
    metrics: dict[str, float]


@dataclass(frozen=True, slots=True)
class _FinalOutcome:
    test: Predictions
    costs: dict[str, float]


def _fold(
    model: BaseEstimator,
    dataset: Dataset,
    policy: MetricPolicy,
    X: pd.DataFrame,
    y: np.ndarray,
    fit_pos: np.ndarray,
    val_pos: np.ndarray,
) -> _FoldOutcome:
    model.fit(X.iloc[fit_pos], y[fit_pos])
    values = []
    for pos in (fit_pos, val_pos):
        preds = predict(model, X.iloc[pos], dataset)
        result = policy.evaluate(y[pos], y_pred=preds.pred, y_score=preds.score, n_resamples=0)
        values.append(np.nan if result.value is None else float(result.value))
    metrics = standard_metrics(dataset.task, y[val_pos], y_pred=preds.pred, y_score=preds.score)
    return _FoldOutcome(train=values[0], val=values[1], metrics=metrics)


def _final(
    model: BaseEstimator, dataset: Dataset, X: pd.DataFrame, y: np.ndarray, X_test: pd.DataFrame
) -> _FinalOutcome:
    start = time.perf_counter()
    model.fit(X, y)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    preds = predict(model, X_test, dataset)
    latency_ms = (time.perf_counter() - start) * 1e6 / max(len(X_test), 1)
    buffer = io.BytesIO()
    pickle.dump(model, buffer)  # measures our own model's size; nothing is ever unpickled
    costs = {"fit_seconds": fit_seconds, "latency_ms": latency_ms, "model_mb": buffer.tell() / 1e6}
    return _FinalOutcome(test=preds, costs=costs)


def _collect(
    name: str, outputs: dict[tuple[str, int], _FoldOutcome | _FinalOutcome], k: int
) -> RungResult:
    folds = [outputs[name, i] for i in range(k)]
    final = outputs[name, -1]
    assert all(isinstance(f, _FoldOutcome) for f in folds) and isinstance(final, _FinalOutcome)
    fold_outcomes: list[_FoldOutcome] = folds  # type: ignore[assignment]
    names = sorted({m for f in fold_outcomes for m in f.metrics})
    undefined = sum(not np.isfinite(f.val) for f in fold_outcomes)
    notes = (
        (f"the metric is undefined (unreachable) in {undefined} of {k} folds",) if undefined else ()
    )
    return RungResult(
        name=name,
        description=rung_spec(name).description,
        fold_scores=tuple(f.val for f in fold_outcomes),
        fold_train_scores=tuple(f.train for f in fold_outcomes),
        fold_metrics={m: tuple(f.metrics.get(m, np.nan) for f in fold_outcomes) for m in names},
        test=final.test,
        costs=final.costs,
        notes=notes,
    )
