"""Learning curves: the plan's metric measured on growing subsets of the training part.

Sizes are measured in ascending waves (every rung and fold of one size at a time,
in parallel). Three things keep the measurement short:

- the ladder's cross-validation already fitted every rung on the full folds: its
  fold scores, passed as ``known``, stand for the largest size;
- a curve that has been flat over its last sizes stops there and jumps to the
  largest size (the one the forecast is anchored on);
- sizes of :data:`LARGE_FIT_ROWS` rows and more are fitted on at most
  :data:`LARGE_FIT_FOLDS` folds;
- a fit that fails at a small size (a class too rare for early stopping's split)
  scores NaN with a note instead of failing the whole forecast.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from mlplan.core.baselines.execution import PROCESS_ROWS, THREAD_ROWS
from mlplan.core.baselines.jobs import predict_encoded
from mlplan.core.baselines.rungs import build_estimator, rung_spec
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.split import Split, cv_folds
from mlplan.core.metrics import MetricPolicy
from mlplan.errors import DataError
from mlplan.records.forecast import LearningCurve
from mlplan.schema.plan import Task

if TYPE_CHECKING:
    from mlplan.core.distributed import Cluster

__all__ = ["CurveData", "curve_job", "geometric_sizes", "is_flat", "learning_curves"]

MIN_SIZE = 50
#: Sizes measured before a flat curve may stop early.
MIN_SIZES_BEFORE_STOP = 5
#: A curve is flat when its last FLAT_SPAN sizes gain less than this many standard errors.
FLAT_SPAN = 3
FLAT_SE = 1.0
#: From this many fitting rows a size is measured on at most LARGE_FIT_FOLDS folds: the
#: fits are the costliest and their validation scores the least noisy.
LARGE_FIT_ROWS = 5_000
LARGE_FIT_FOLDS = 3


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


def is_flat(rows: Sequence[tuple[int, float]], higher_is_better: bool) -> bool:
    """Whether the last :data:`FLAT_SPAN` + 1 measured sizes show no gain beyond noise.

    ``rows`` are ``(size, score)`` pairs (several per size, one per fold). The
    gain from the size :data:`FLAT_SPAN` steps back to the last one is compared
    with the standard error of that difference from the folds' spread.
    """
    sizes = sorted({n for n, s in rows if np.isfinite(s)})
    if len(sizes) < max(MIN_SIZES_BEFORE_STOP, FLAT_SPAN + 1):
        return False
    sign = 1.0 if higher_is_better else -1.0

    def at(n: int) -> np.ndarray:
        return np.array([sign * s for m, s in rows if m == n and np.isfinite(s)])

    first, last = at(sizes[-1 - FLAT_SPAN]), at(sizes[-1])
    middle = [at(n).mean() for n in sizes[-FLAT_SPAN:-1]]
    if len(first) < 2 or len(last) < 2:
        return False
    se = np.sqrt(first.var(ddof=1) / len(first) + last.var(ddof=1) / len(last))
    gain = last.mean() - first.mean()
    rising_middle = any(m > first.mean() + FLAT_SE * se for m in middle)
    return bool(gain <= FLAT_SE * se and not rising_middle)


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
    known: Mapping[str, Sequence[float]] | None = None,
    stop_when_flat: bool = True,
    on_progress: Callable[[str, int, int], None] | None = None,
    cluster: Cluster | None = None,
) -> tuple[LearningCurve, ...]:
    """Measure a learning curve per rung by cross-validation inside the training part.

    For every fold, a stratified random subset of each size is drawn from the
    fold's fitting rows, the rung is fitted on it and scored on the fold's
    validation rows with the plan's metric. The test rows are never touched.
    With ``cluster``, the fits run on its Dask workers, the training part sent to
    each worker once; the curves equal the local ones.

    Parameters
    ----------
    known : mapping of str to sequence of float, optional
        Per rung, the ladder's validation scores of the same ``n_folds`` folds
        fitted on all their rows: they are the curve's largest size, not refitted.
    stop_when_flat : bool, default True
        Skip the remaining intermediate sizes of a rung once :func:`is_flat`.
    """
    train_pos, _ = split.positions(dataset)
    X = dataset.frame.iloc[train_pos]
    y = dataset.y[train_pos]
    kinds = {c.name: c.kind for c in dataset.columns if c.is_feature}
    folds = list(cv_folds(dataset, split, n_folds))
    # Time-ordered folds grow: the largest sizes are measured on the folds that have them.
    n_available = max(len(fit) for fit, _ in folds)
    sizes = [int(n) for n in geometric_sizes(n_available, count=n_sizes)]
    reused = {
        rung: [float(s) for s in scores]
        for rung, scores in (known or {}).items()
        if rung in rungs and len(scores) == len(folds)
    }

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
    failures: dict[str, list[str]] = {rung: [] for rung in rungs}
    for rung, scores in reused.items():
        found[rung].extend((n_available, s, np.nan) for s in scores)
    active = set(rungs)
    planned = len(rungs) * len(sizes) * len(folds)
    done = 0
    backend, workers = _backend(rungs, kinds, len(train_pos), n_jobs)
    shared = cluster.share(data) if cluster is not None else None
    with Parallel(n_jobs=workers, backend=backend, return_as="generator_unordered") as runner:
        for i, n in enumerate(sizes):
            last = i == len(sizes) - 1
            eligible = [k for k, (fit, _) in enumerate(folds) if n <= len(fit)]
            if n >= LARGE_FIT_ROWS:
                eligible = eligible[-LARGE_FIT_FOLDS:]
            wave = [
                (rung, n, k)
                for rung in rungs
                if (rung in active or last) and not (last and rung in reused)
                for k in eligible
            ]
            results = (
                cluster.run(curve_job, wave, shared=shared)
                if cluster is not None
                else runner(delayed(curve_job)(data, *j) for j in wave)
            )
            for rung, size, score, seconds, error in results:
                found[rung].append((size, score, seconds))
                if error:
                    failures[rung].append(f"n={size}: {error}")
                done += 1
                if on_progress is not None:
                    on_progress(f"{rung} n={size}", done, planned)
            if stop_when_flat:
                flat = {
                    r
                    for r in active
                    if is_flat([(m, s) for m, s, _ in found[r]], policy.higher_is_better)
                }
                active -= flat
    if on_progress is not None and done < planned:
        on_progress("done", planned, planned)
    return tuple(
        _curve(rung, found[rung], failures[rung], n_available, sizes, rung in reused)
        for rung in rungs
    )


def _backend(
    rungs: Sequence[str], kinds: Mapping[str, ColumnKind], n_train: int, n_jobs: int
) -> tuple[str, int]:
    """Where the fits run, as the ladder decides.

    Threads (fits release the GIL, and nothing is copied); one thread for small
    tables of short fits; worker processes for free text on large tables
    (tokenising holds the GIL).
    """
    specs = [rung_spec(r) for r in rungs]
    text = any(s.reads_text for s in specs) and ColumnKind.TEXT in kinds.values()
    if text and n_train >= PROCESS_ROWS:
        return "loky", n_jobs
    if n_train < THREAD_ROWS and all(s.short_fits for s in specs):
        return "sequential", 1
    return "threading", n_jobs


def _curve(
    rung: str,
    found: list[tuple[int, float, float]],
    failures: list[str],
    n_available: int,
    sizes: list[int],
    reused: bool,
) -> LearningCurve:
    rows = sorted(found, key=lambda r: (r[0], r[1] if np.isfinite(r[1]) else -np.inf))
    measured = sorted({r[0] for r in rows})
    notes = []
    if reused:
        notes.append(f"the largest size ({n_available}) reuses the ladder's fold scores")
    skipped = [n for n in sizes if n not in measured]
    if skipped:
        notes.append(
            f"flat after n={max(n for n in measured if n < n_available)}: "
            f"sizes {', '.join(map(str, skipped))} were not measured"
        )
    if failures:
        notes.append(f"{len(failures)} fits failed and score as undefined ({failures[0]})")
    return LearningCurve(
        rung=rung,
        sizes=tuple(r[0] for r in rows),
        scores=tuple(r[1] for r in rows),
        fit_seconds=tuple(r[2] for r in rows),
        n_available=n_available,
        notes=tuple(notes),
    )


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


def curve_job(data: CurveData, rung: str, n: int, k: int) -> tuple[str, int, float, float, str]:
    """Fit ``rung`` on ``n`` rows of fold ``k``'s fitting part.

    Returns the rung, the size, the validation score, the fit time and, when the fit
    failed (a class too rare for early stopping's split, say), why.
    """
    fit_pos, val_pos = data.folds[k]
    subset = _subset(fit_pos, data.y, n, data.task, data.seed + k)
    try:
        with threadpool_limits(1):
            model = build_estimator(rung, data.task, data.kinds, balanced=data.balanced)
            start = time.perf_counter()
            model.fit(data.X.iloc[subset], data.y[subset])
            seconds = time.perf_counter() - start
            preds = predict_encoded(model, data.X.iloc[val_pos], data.task, data.n_classes)
    except ValueError as exc:
        return rung, n, np.nan, np.nan, f"{type(exc).__name__}: {exc}"
    y_val = data.y[val_pos]
    result = data.policy.evaluate(y_val, y_pred=preds.pred, y_score=preds.score, n_resamples=0)
    return rung, n, np.nan if result.value is None else float(result.value), seconds, ""


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
