"""Learning curves: the plan's metric measured on growing subsets of the training part."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from mlplan.core.baselines.jobs import predict_encoded
from mlplan.core.baselines.rungs import build_estimator
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.split import Split, cv_folds
from mlplan.core.metrics import MetricPolicy
from mlplan.errors import DataError
from mlplan.records.forecast import LearningCurve
from mlplan.schema.plan import Task

if TYPE_CHECKING:
    from mlplan.core.distributed import Cluster

__all__ = ["CurveData", "LearningCurve", "curve_job", "geometric_sizes", "learning_curves"]

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
    cluster: Cluster | None = None,
) -> tuple[LearningCurve, ...]:
    """Measure a learning curve per rung by cross-validation inside the training part.

    For every fold, a stratified random subset of each size is drawn from the
    fold's fitting rows, the rung is fitted on it and scored on the fold's
    validation rows with the plan's metric. The test rows are never touched.
    With ``cluster``, the fits run on its Dask workers, the training part sent
    to each worker once; the curves equal the local ones.
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

    data = CurveData(
        X=X,
        y=y,
        folds=folds,
        kinds=kinds,
        task=dataset.task,
        n_classes=len(dataset.classes),
        policy=policy,
        balanced=balanced,
        seed=seed,
    )
    found: dict[str, list[tuple[int, float, float]]] = {rung: [] for rung in rungs}
    if cluster is not None:
        results = cluster.run(curve_job, jobs, shared=cluster.share(data))
    else:
        runner = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
        results = runner(delayed(curve_job)(data, *j) for j in jobs)
    for done, (rung, n, score, seconds) in enumerate(results, 1):
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


@dataclass(frozen=True)
class CurveData:
    """What every learning-curve fit reads (sent to a cluster's workers once)."""

    X: pd.DataFrame
    y: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray]]
    kinds: dict[str, ColumnKind]
    task: Task
    n_classes: int
    policy: MetricPolicy
    balanced: bool
    seed: int


def curve_job(data: CurveData, rung: str, n: int, k: int) -> tuple[str, int, float, float]:
    """Fit ``rung`` on ``n`` rows of fold ``k``'s fitting part; its validation score and fit time."""
    fit_pos, val_pos = data.folds[k]
    subset = _subset(fit_pos, data.y, n, data.task, data.seed + k)
    with threadpool_limits(1):
        model = build_estimator(rung, data.task, data.kinds, balanced=data.balanced)
        start = time.perf_counter()
        model.fit(data.X.iloc[subset], data.y[subset])
        seconds = time.perf_counter() - start
        preds = predict_encoded(model, data.X.iloc[val_pos], data.task, data.n_classes)
    y_val = data.y[val_pos]
    result = data.policy.evaluate(y_val, y_pred=preds.pred, y_score=preds.score, n_resamples=0)
    return rung, n, np.nan if result.value is None else float(result.value), seconds


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
