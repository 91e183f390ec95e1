"""Learning curves: the plan's metric measured on growing subsets of the training part."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from mlplan.core.baselines.jobs import predict
from mlplan.core.baselines.rungs import build_estimator
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.split import Split, cv_folds
from mlplan.core.metrics import MetricPolicy
from mlplan.errors import DataError
from mlplan.records.forecast import LearningCurve

__all__ = ["LearningCurve", "geometric_sizes", "learning_curves"]

MIN_SIZE = 50


def geometric_sizes(n_max: int, *, n_min: int = MIN_SIZE, count: int = 10) -> np.ndarray:
    """``count`` geometrically spaced integer sizes from ``n_min`` to ``n_max`` (both kept).

    Raises
    ------
    DataError
        When fewer than two distinct sizes fit between the bounds.
    """
    if n_max < 2 * n_min:
        raise DataError(
            f"forecast: the training part offers {n_max} rows per fold; a learning curve "
            f"needs at least {2 * n_min} (two sizes from {n_min})"
        )
    return np.unique(np.geomspace(n_min, n_max, count).round().astype(int))


def learning_curves(
    dataset: Dataset,
    split: Split,
    policy: MetricPolicy,
    rungs: Sequence[str],
    *,
    n_folds: int = 5,
    n_sizes: int = 10,
    balanced: bool = False,
    seed: int = 0,
    n_jobs: int = 2,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> tuple[LearningCurve, ...]:
    """Measure a learning curve per rung by cross-validation inside the training part.

    For every fold, a stratified random subset of each size is drawn from the
    fold's fitting rows, the rung is fitted on it and scored on the fold's
    validation rows with the plan's metric. The test rows are never touched.
    """
    train_pos, _ = split.positions(dataset)
    X = dataset.frame.iloc[train_pos]
    y = dataset.y[train_pos]
    kinds = {c.name: c.kind for c in dataset.columns if c.is_feature}
    folds = list(cv_folds(dataset, split, n_folds))
    # Time-ordered folds grow: the largest sizes are measured on the folds that have them.
    n_available = max(len(fit) for fit, _ in folds)
    sizes = geometric_sizes(n_available, count=n_sizes)
    jobs = [
        (rung, int(n), k)
        for rung in rungs
        for n in sizes
        for k, (fit, _) in enumerate(folds)
        if n <= len(fit)
    ]

    def job(rung: str, n: int, k: int) -> tuple[str, int, float, float]:
        fit_pos, val_pos = folds[k]
        subset = _subset(fit_pos, y, n, dataset.task, seed + k)
        with threadpool_limits(1):
            model = build_estimator(rung, dataset.task, kinds, balanced=balanced)
            start = time.perf_counter()
            model.fit(X.iloc[subset], y[subset])
            seconds = time.perf_counter() - start
            preds = predict(model, X.iloc[val_pos], dataset)
        result = policy.evaluate(y[val_pos], y_pred=preds.pred, y_score=preds.score, n_resamples=0)
        return rung, n, np.nan if result.value is None else float(result.value), seconds

    found: dict[str, list[tuple[int, float, float]]] = {rung: [] for rung in rungs}
    runner = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    for done, (rung, n, score, seconds) in enumerate(runner(delayed(job)(*j) for j in jobs), 1):
        found[rung].append((n, score, seconds))
        if on_progress is not None:
            on_progress(f"{rung} n={n}", done, len(jobs))
    curves = []
    for rung in rungs:
        rows = sorted(found[rung])
        curves.append(
            LearningCurve(
                rung=rung,
                sizes=tuple(r[0] for r in rows),
                scores=tuple(r[1] for r in rows),
                fit_seconds=tuple(r[2] for r in rows),
                n_available=n_available,
            )
        )
    return tuple(curves)


def _subset(fit_pos: np.ndarray, y: np.ndarray, n: int, task: str, seed: int) -> np.ndarray:
    """``n`` positions from ``fit_pos``, stratified by class when every class can be kept."""
    if n >= len(fit_pos):
        return fit_pos
    labels = y[fit_pos] if task != "regression" else None
    if labels is not None and np.bincount(labels).min() < 2:
        labels = None
    n_classes = len(np.unique(labels)) if labels is not None else 0
    if labels is not None and min(n, len(fit_pos) - n) < n_classes:
        labels = None
    chosen, _ = train_test_split(fit_pos, train_size=n, random_state=seed, stratify=labels)
    return np.sort(chosen)
