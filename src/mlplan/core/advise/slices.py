"""Slices of the test rows where a model does worst: column values and score ranges.

Each slice is scored with one *proportion* metric so its interval is exact and
cheap (Wilson): the plan's metric when it is a proportion (recall, precision,
accuracy, specificity, npv), else accuracy; regression slices use the mean
absolute error with a t-interval. Because many slices are tested, intervals
use a Bonferroni-corrected level, so a flagged slice is unlikely to be chance.
Against the baseline, each slice gets the paired difference from
:func:`mlplan.core.metrics.compare` (regression: a paired t-interval).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.metrics import compare
from mlplan.errors import MetricError
from mlplan.records.evidence import Slice

__all__ = [
    "MIN_SLICE_DENOMINATOR",
    "MIN_SLICE_ROWS",
    "Slice",
    "slice_metric",
    "weak_slices",
    "wilson",
]

#: A slice needs this many test rows to be judged.
MIN_SLICE_ROWS = 50
#: ... and this many rows in the metric's denominator (positives for recall).
MIN_SLICE_DENOMINATOR = 20
#: Most frequent values of a categorical column that are sliced.
MAX_VALUES_PER_COLUMN = 12
#: Quantile bins of numeric columns and scores.
N_BINS = 5
#: Family-wise error rate spread over all slices (Bonferroni).
FAMILY_ALPHA = 0.05

_PROPORTIONS = ("recall", "precision", "accuracy", "specificity", "npv")


def wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n`` at normal quantile ``z``.

    Examples
    --------
    >>> lo, hi = wilson(8, 10, 1.96)
    >>> round(lo, 3), round(hi, 3)
    (0.49, 0.943)
    """
    if n == 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def slice_metric(task: str, optimise: str | None) -> str:
    """The metric slices are scored with for this task and plan metric."""
    if task == "regression":
        return "mae"
    if task == "binary" and optimise in _PROPORTIONS:
        return optimise
    return "accuracy"


def _proportion(metric: str, y: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """``(numerator, denominator)`` of a proportion metric."""
    if metric == "recall":
        mask = y == 1
    elif metric == "precision":
        mask = labels == 1
    elif metric == "specificity":
        mask = y == 0
    elif metric == "npv":
        mask = labels == 0
    else:
        mask = np.ones(len(y), dtype=bool)
    return int(np.count_nonzero(labels[mask] == y[mask])), int(np.count_nonzero(mask))


def _groups(
    frame: pd.DataFrame, dataset: Dataset, score: np.ndarray | None
) -> list[tuple[str, str, np.ndarray]]:
    """``(column, label, mask)`` for every candidate slice."""
    out: list[tuple[str, str, np.ndarray]] = []
    kinds = {c.name: c.kind for c in dataset.columns}
    for name in frame.columns:
        kind = kinds.get(name)
        column = frame[name]
        if kind == ColumnKind.CATEGORICAL or column.dtype == bool:
            counts = column.astype("string").fillna("(missing)").value_counts()
            text = column.astype("string").fillna("(missing)").to_numpy()
            for value in counts.index[:MAX_VALUES_PER_COLUMN]:
                out.append((str(name), str(value), text == value))
        elif kind == ColumnKind.NUMERIC:
            out.extend(_bins(str(name), pd.to_numeric(column, errors="coerce").to_numpy(float)))
    if score is not None:
        out.extend(_bins("score", score))
    return out


def _bins(name: str, values: np.ndarray) -> list[tuple[str, str, np.ndarray]]:
    finite = np.isfinite(values)
    if finite.sum() < 2 * MIN_SLICE_ROWS or len(np.unique(values[finite])) < 2:
        return []
    edges = np.unique(np.quantile(values[finite], np.linspace(0, 1, N_BINS + 1)))
    out = []
    for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
        last = i == len(edges) - 2
        mask = finite & (values >= lo) & ((values <= hi) if last else (values < hi))
        out.append((name, f"[{lo:.4g}, {hi:.4g}{']' if last else ')'}", mask))
    if (~finite).sum() >= MIN_SLICE_ROWS:
        out.append((name, "(missing)", ~finite))
    return out


def weak_slices(
    dataset: Dataset,
    frame: pd.DataFrame,
    y: np.ndarray,
    *,
    task: str,
    optimise: str | None,
    model: tuple[np.ndarray, np.ndarray | None, float | None],
    baseline: tuple[np.ndarray, np.ndarray | None, float | None] | None = None,
    seed: int = 0,
) -> tuple[Slice, ...]:
    """Score the model on every slice of the test rows; flag the weak ones.

    Parameters
    ----------
    dataset
        The typed dataset (for column kinds).
    frame, y
        The test rows' features and truth, in the order of the predictions.
    task, optimise
        The task and the plan's optimised metric (chooses the slice metric).
    model, baseline
        ``(pred, score, threshold)`` of the model and of the best baseline.

    Returns
    -------
    tuple of Slice
        Every judged slice, weakest first.
    """
    metric = slice_metric(task, optimise)
    labels = _labels(task, *model)
    base_labels = _labels(task, *baseline) if baseline is not None else None
    score = model[1] if task == "binary" and model[1] is not None and model[1].ndim == 1 else None
    groups = [
        g for g in _groups(frame, dataset, score) if int(np.count_nonzero(g[2])) >= MIN_SLICE_ROWS
    ]
    if not groups:
        return ()
    alpha = FAMILY_ALPHA / len(groups)
    z = float(stats.norm.ppf(1 - alpha / 2))
    results = []
    if metric == "mae":
        overall = float(np.mean(np.abs(labels - y)))
    else:
        k, n = _proportion(metric, y, labels)
        overall = k / n if n else float("nan")
    for column, label, mask in groups:
        found = _judge(metric, y, labels, base_labels, mask, overall, z, 1 - alpha, seed)
        if found is not None:
            results.append(Slice(column=column, label=label, **found))
    return tuple(sorted(results, key=lambda s: -s.shortfall))


def _labels(
    task: str, pred: np.ndarray, score: np.ndarray | None, threshold: float | None
) -> np.ndarray:
    if task == "binary" and score is not None and score.ndim == 1 and threshold is not None:
        return (score >= threshold).astype(np.int64)
    return np.asarray(pred, dtype=float if task == "regression" else np.int64)


def _judge(
    metric: str,
    y: np.ndarray,
    labels: np.ndarray,
    base: np.ndarray | None,
    mask: np.ndarray,
    overall: float,
    z: float,
    confidence: float,
    seed: int,
) -> dict[str, Any] | None:
    ys, ls = y[mask], labels[mask]
    n = int(mask.sum())
    if metric == "mae":
        errors = np.abs(ls - ys)
        value = float(errors.mean())
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * errors.std(ddof=1) / np.sqrt(n))
        found: dict[str, Any] = dict(
            n=n,
            denominator=n,
            metric=metric,
            higher_is_better=False,
            value=value,
            lo=value - half,
            hi=value + half,
            overall=overall,
            weak=value - half > overall,
        )
        if base is not None:
            d = errors - np.abs(base[mask] - ys)
            dh = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * d.std(ddof=1) / np.sqrt(n))
            found.update(
                baseline=float(np.abs(base[mask] - ys).mean()),
                difference=float(d.mean()),
                difference_lo=float(d.mean() - dh),
                difference_hi=float(d.mean() + dh),
                below_baseline=float(d.mean() - dh) > 0,
            )
        return found
    k, d = _proportion(metric, ys, ls)
    if d < MIN_SLICE_DENOMINATOR:
        return None
    lo, hi = wilson(k, d, z)
    found = dict(
        n=n,
        denominator=d,
        metric=metric,
        higher_is_better=True,
        value=k / d,
        lo=lo,
        hi=hi,
        overall=overall,
        weak=hi < overall,
    )
    if base is not None and len(np.unique(ys)) > 1:
        try:
            c = compare(
                ys,
                base[mask],
                ls,
                metric=metric,
                task="binary" if set(np.unique(y)) <= {0, 1} else "multiclass",
                n_resamples=500,
                confidence=confidence,
                seed=seed,
            )
        except MetricError:
            return found
        difference, difference_lo, difference_hi = c.unoriented()
        found.update(
            baseline=c.value_a,
            difference=difference,
            difference_lo=difference_lo,
            difference_hi=difference_hi,
            below_baseline=difference_hi is not None and difference_hi < 0,
        )
    return found
