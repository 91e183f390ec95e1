"""Slices of the test rows where a model does worst, over the plan's input columns only.

A slice is one value of a categorical feature, or one of :data:`N_BINS` quantile
bins of a numeric feature. Ids, free text and the model's own outputs are never
sliced: a slice must be something the team can collect more rows of. Each slice
is scored in the plan's metric when a slice can carry it, otherwise in the
metric :func:`~mlplan.core.advise.slice_metrics.choose_metric` picks and says
why. Because many slices are tested, every interval uses a Bonferroni-corrected
level (family error :data:`FAMILY_ALPHA`), so a flagged slice is unlikely to be
chance. Against the best baseline, each slice gets the paired difference on the
same rows (joint bootstrap of the confusion cells, or a paired t of row losses).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from mlplan.core.advise.slice_metrics import (
    SliceMetric,
    choose_metric,
    clip,
    confusion_draws,
    losses,
    proportion,
)
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.metrics import MetricPolicy
from mlplan.records.evidence import Slice

__all__ = [
    "FAMILY_ALPHA",
    "MIN_SLICE_DENOMINATOR",
    "MIN_SLICE_ROWS",
    "Slice",
    "weak_slices",
    "wilson",
]

#: A slice needs this many test rows to be judged.
MIN_SLICE_ROWS = 50
#: ... and this many rows in the metric's denominator (positives for recall, F1, ...).
MIN_SLICE_DENOMINATOR = 20
#: Most frequent values of a categorical column that are sliced.
MAX_VALUES_PER_COLUMN = 12
#: Quantile bins of numeric columns.
N_BINS = 5
#: Family-wise error rate spread over all slices (Bonferroni).
FAMILY_ALPHA = 0.05

Side = tuple[np.ndarray, np.ndarray | None, float | None]


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


def _groups(frame: pd.DataFrame, dataset: Dataset) -> list[tuple[str, str, np.ndarray]]:
    """``(column, label, mask)`` for every candidate slice of the input columns."""
    out: list[tuple[str, str, np.ndarray]] = []
    kinds = dataset.kinds()
    for name in dataset.features:
        kind, column = kinds.get(name), frame[name]
        if kind == ColumnKind.CATEGORICAL or column.dtype == bool:
            text = column.astype("string").fillna("(missing)")
            for value in text.value_counts().index[:MAX_VALUES_PER_COLUMN]:
                out.append((str(name), str(value), text.to_numpy() == value))
        elif kind == ColumnKind.NUMERIC:
            out.extend(_bins(str(name), pd.to_numeric(column, errors="coerce").to_numpy(float)))
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
    policy: MetricPolicy,
    model: Side,
    baseline: Side | None = None,
    seed: int = 0,
) -> tuple[tuple[Slice, ...], str]:
    """Score the model on every slice of the test rows' input columns; flag the weak ones.

    Parameters
    ----------
    dataset
        The typed dataset (feature names and kinds).
    frame, y
        The test rows and their truth, in the order of the predictions.
    policy
        The plan's metric policy (chooses the slice metric).
    model, baseline
        ``(pred, score, threshold)`` of the model and of the best baseline.

    Returns
    -------
    slices : tuple of Slice
        Every judged slice, weakest first.
    note : str
        The slice metric, and why when it is not the plan's.
    """
    labels = _labels(policy.task, *model)
    base = _labels(policy.task, *baseline) if baseline is not None else None
    score = model[1]
    metric = choose_metric(policy, y, labels, score)
    note = f"slices scored in {metric.name}: {metric.note}"
    groups = [g for g in _groups(frame, dataset) if int(np.count_nonzero(g[2])) >= MIN_SLICE_ROWS]
    if not groups:
        return (), note
    alpha = FAMILY_ALPHA / len(groups)
    z = float(stats.norm.ppf(1 - alpha / 2))
    k = max(2, len(dataset.classes)) if policy.task != "regression" else 0
    rng = np.random.default_rng(seed)
    overall = _overall(metric, y, labels, score, k, rng)
    results = []
    for column, label, mask in groups:
        part = (y[mask], labels[mask], None if base is None else base[mask])
        found = _judge(metric, *part, score[mask] if score is not None else None, k, z, rng)
        if found is not None:
            found.update(overall=overall, weak=_worse(metric, found["hi"], found["lo"], overall))
            results.append(Slice(column=column, label=label, **found))
    return tuple(sorted(results, key=lambda s: -s.shortfall)), note


def _labels(
    task: str, pred: np.ndarray, score: np.ndarray | None, threshold: float | None
) -> np.ndarray:
    if task == "binary" and score is not None and score.ndim == 1 and threshold is not None:
        return (score >= threshold).astype(np.int64)
    return np.asarray(pred, dtype=float if task == "regression" else np.int64)


def _worse(metric: SliceMetric, hi: float, lo: float, overall: float) -> bool:
    """The slice's whole interval lies on the bad side of the overall value."""
    return hi < overall if metric.higher_is_better else lo > overall


def _overall(
    metric: SliceMetric,
    y: np.ndarray,
    labels: np.ndarray,
    score: np.ndarray | None,
    k: int,
    rng: np.random.Generator,
) -> float:
    if metric.kind == "rowwise":
        value = float(np.mean(losses(metric, y, labels, score)))
        return float(np.sqrt(value)) if metric.name == "rmse" else value
    if metric.kind == "proportion":
        hits, n = proportion(metric, y, labels)
        return hits / n if n else float("nan")
    values, _ = confusion_draws(metric, y, [labels], k, rng)
    return float(values[0])


def _judge(
    metric: SliceMetric,
    y: np.ndarray,
    labels: np.ndarray,
    base: np.ndarray | None,
    score: np.ndarray | None,
    k: int,
    z: float,
    rng: np.random.Generator,
) -> dict[str, Any] | None:
    common = {"n": len(y), "metric": metric.name, "higher_is_better": metric.higher_is_better}
    if metric.kind == "rowwise":
        return {**common, **_rowwise(metric, y, labels, base, score, z)}
    if metric.kind == "proportion":
        hits, denominator = proportion(metric, y, labels)
        if denominator < MIN_SLICE_DENOMINATOR:
            return None
        lo, hi = wilson(hits, denominator, z)
        found: dict[str, Any] = {
            **common,
            "denominator": denominator,
            "value": hits / denominator,
            "lo": lo,
            "hi": hi,
        }
    else:
        denominator = int(np.count_nonzero(y == 1)) if k == 2 else len(y)
        if denominator < MIN_SLICE_DENOMINATOR or len(np.unique(y)) < 2:
            return None
        found = {**common, "denominator": denominator}
    if base is None and metric.kind == "proportion":
        return found
    sides = [labels] if base is None else [labels, base]
    values, draws = confusion_draws(metric, y, sides, k, rng)
    if metric.kind == "confusion":
        half = z * float(np.std(draws[:, 0], ddof=1))
        found.update(
            value=float(values[0]),
            lo=clip(metric, values[0] - half),
            hi=clip(metric, values[0] + half),
        )
    if base is not None:
        difference = float(values[0] - values[1])
        half = z * float(np.std(draws[:, 0] - draws[:, 1], ddof=1))
        found.update(_difference(float(values[1]), difference, half, metric.higher_is_better))
    return found


def _rowwise(
    metric: SliceMetric,
    y: np.ndarray,
    labels: np.ndarray,
    base: np.ndarray | None,
    score: np.ndarray | None,
    z: float,
) -> dict[str, Any]:
    errors = losses(metric, y, labels, score)
    n = len(errors)
    t = float(stats.t.ppf(stats.norm.cdf(z), n - 1))
    value = float(errors.mean())
    half = t * float(errors.std(ddof=1)) / np.sqrt(n)
    root = np.sqrt if metric.name == "rmse" else (lambda v: v)
    found: dict[str, Any] = {
        "denominator": n,
        "value": float(root(value)),
        "lo": float(root(max(value - half, 0.0))),
        "hi": float(root(value + half)),
    }
    if base is not None and metric.name not in ("log_loss", "brier"):
        theirs = losses(metric, y, base, None)
        d = errors - theirs
        dh = t * float(d.std(ddof=1)) / np.sqrt(n)
        found.update(_difference(float(root(theirs.mean())), float(d.mean()), dh, False))
    return found


def _difference(baseline: float, difference: float, half: float, higher: bool) -> dict[str, Any]:
    lo, hi = difference - half, difference + half
    return {
        "baseline": baseline,
        "difference": difference,
        "difference_lo": lo,
        "difference_hi": hi,
        "below_baseline": hi < 0 if higher else lo > 0,
    }
