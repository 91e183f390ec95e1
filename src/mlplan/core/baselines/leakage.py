"""Leakage guards: warnings, with the evidence, that a score may be too good to be true.

Codes (stable, for the advice engine):

``duplicate_rows``
    Test rows whose feature values appear identically in the training part.
``id_like_column``
    A column that identifies rows (left out of the features), or a feature that
    is unique per row and nearly ordered with the row ids.
``single_feature``
    One feature that, on its own, nearly predicts the target.
``time_order``
    Training rows later than test rows when the plan names a time column.
``group_overlap``
    Groups found on both sides when the plan names a group column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import balanced_accuracy_score, r2_score, roc_auc_score

from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.pixels import image_shape
from mlplan.core.data.split import Split
from mlplan.records.ladder import LeakageWarning, Severity

__all__ = ["LEAKAGE_CODES", "LeakageWarning", "check_leakage"]

LEAKAGE_CODES = (
    "duplicate_rows",
    "id_like_column",
    "single_feature",
    "time_order",
    "group_overlap",
)

#: A single feature at or above these validation scores "nearly predicts" the target.
SINGLE_FEATURE_LIMITS = {"binary": 0.97, "multiclass": 0.95, "regression": 0.95}
_SAMPLE = 5000
_MAX_COLUMNS = 100
_BINS = 64


def check_leakage(dataset: Dataset, split: Split) -> tuple[LeakageWarning, ...]:
    """Run every guard that applies to this data and split.

    The time and group guards read the plan's split settings (``split.config``).
    Image pixels skip the per-column guards (no single pixel is a feature anyone
    chose).
    """
    train_pos, test_pos = split.positions(dataset)
    warnings: list[LeakageWarning] = []
    warnings += _duplicates(dataset, train_pos, test_pos)
    pixels = image_shape(dataset.features) is not None
    if not pixels:
        warnings += _id_like(dataset)
        warnings += _single_feature(dataset, train_pos)
    time_column = split.config.get("time")
    if time_column:
        warnings += _time_order(dataset, str(time_column), train_pos, test_pos)
    group_column = split.config.get("group")
    if group_column:
        warnings += _group_overlap(dataset, str(group_column), train_pos, test_pos)
    return tuple(warnings)


def _duplicates(
    dataset: Dataset, train_pos: np.ndarray, test_pos: np.ndarray
) -> list[LeakageWarning]:
    features = dataset.frame[dataset.features]
    if features.shape[1] == 0 or len(test_pos) == 0:
        return []
    hashes = pd.util.hash_pandas_object(features, index=False).to_numpy()
    first = pd.Series(train_pos, index=hashes[train_pos])
    first = first[~first.index.duplicated()]
    partner = first.reindex(hashes[test_pos]).to_numpy(dtype=float)
    matched = ~np.isnan(partner)
    n = int(matched.sum())
    if n == 0:
        return []
    share = n / len(test_pos)
    first_test = int(test_pos[np.flatnonzero(matched)[0]])
    first_train = int(partner[matched][0])
    same_label = dataset.y[test_pos][matched] == dataset.y[partner[matched].astype(np.int64)]
    evidence = (
        f"{n} of {len(test_pos)} test rows ({share:.1%}) have a feature row identical to a "
        f"training row (e.g. test id '{dataset.ids[first_test]}' = train id "
        f"'{dataset.ids[first_train]}'); {float(np.mean(same_label)):.0%} of them share the label"
    )
    severity: Severity = "critical" if share >= 0.05 else "warning" if share >= 0.005 else "info"
    return [
        LeakageWarning(code="duplicate_rows", column=None, evidence=evidence, severity=severity)
    ]


def _id_like(dataset: Dataset) -> list[LeakageWarning]:
    out = []
    order = np.arange(len(dataset.ids))
    for column in dataset.columns:
        if column.kind == ColumnKind.ID:
            out.append(
                LeakageWarning(
                    code="id_like_column",
                    column=column.name,
                    evidence=f"left out of the features: {column.reason}",
                    severity="info",
                )
            )
        elif column.kind == ColumnKind.NUMERIC and column.n_unique >= 0.98 * len(dataset.ids):
            values = dataset.frame[column.name].to_numpy(dtype=float, na_value=np.nan)
            ok = np.isfinite(values)
            if ok.sum() < 50:
                continue
            rho = float(pd.Series(values[ok]).corr(pd.Series(order[ok]), method="spearman"))
            if abs(rho) >= 0.95:
                out.append(
                    LeakageWarning(
                        code="id_like_column",
                        column=column.name,
                        evidence=(
                            f"{column.n_unique} distinct values in {len(dataset.ids)} rows and "
                            f"Spearman {rho:+.3f} with the row order: a row counter, not a feature"
                        ),
                        severity="warning",
                    )
                )
    return out


def _single_feature(dataset: Dataset, train_pos: np.ndarray) -> list[LeakageWarning]:
    rng = np.random.default_rng(0)
    pos = train_pos if len(train_pos) <= _SAMPLE else rng.choice(train_pos, _SAMPLE, replace=False)
    y = dataset.y[pos]
    if len(pos) < 30:
        return []
    candidates = [
        c.name
        for c in dataset.columns
        if c.kind in (ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.DATETIME)
    ][:_MAX_COLUMNS]
    task = dataset.task
    if task != "regression" and np.bincount(y).min() < 3:
        return []
    fold = rng.permutation(len(pos)) % 3
    scores = {
        name: _binned_score(_bins(_as_number(dataset.frame[name].iloc[pos])), y, fold, task)
        for name in candidates
    }
    if not scores:
        return []
    metric = {"binary": "ROC AUC", "multiclass": "balanced accuracy", "regression": "R²"}[task]
    limit = SINGLE_FEATURE_LIMITS[task]
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    out = []
    for name, score in ranked:
        if score < limit:
            break
        others = [s for n, s in ranked if n != name]
        next_best = f"; the next best column reaches {others[0]:.3f}" if others else ""
        out.append(
            LeakageWarning(
                code="single_feature",
                column=name,
                evidence=(
                    f"this column alone reaches {metric} {score:.3f} (the mean target of each of "
                    f"its values or {_BINS} quantile bins, 3-fold CV on {len(pos)} training rows; "
                    f"limit {limit}){next_best}: is it known before the prediction is made?"
                ),
                severity="critical" if score >= (1 + limit) / 2 else "warning",
            )
        )
    return out


def _as_number(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype=float, na_value=np.nan)
    elif pd.api.types.is_datetime64_any_dtype(column):
        values = column.astype("int64").to_numpy(dtype=float)
    else:
        parsed = pd.to_datetime(column, errors="coerce", format="mixed")
        if parsed.notna().mean() > 0.95:
            values = parsed.astype("int64").to_numpy(dtype=float)
        else:
            values = column.astype("category").cat.codes.to_numpy(dtype=float)
            values[values < 0] = np.nan
    values = np.where(np.isfinite(values), values, -1e18)
    return values.reshape(-1, 1)


def _bins(x: np.ndarray) -> np.ndarray:
    """Codes of a column: its values when few, else one of :data:`_BINS` quantile bins."""
    values = x.ravel()
    distinct, codes = np.unique(values, return_inverse=True)
    if len(distinct) <= _BINS:
        return codes
    edges = np.unique(np.quantile(values, np.linspace(0, 1, _BINS + 1)[1:-1]))
    return np.searchsorted(edges, values, side="right")


def _binned_score(codes: np.ndarray, y: np.ndarray, fold: np.ndarray, task: str) -> float:
    """Out-of-fold score of predicting ``y`` by the mean target of each code.

    Each fold's rows get the target mean (class frequencies) of their code in the
    other folds, shrunk towards the overall mean by one pseudo-row; a code not
    seen there gets the overall mean. Scored by ROC AUC (binary), balanced
    accuracy (multi-class) or R² (regression).
    """
    n_codes = int(codes.max()) + 1
    if task == "multiclass":
        k = int(y.max()) + 1
        prior = np.bincount(y, minlength=k) / len(y)
        guess = np.zeros(len(y), dtype=np.int64)
        for f in range(3):
            fit = fold != f
            counts = np.bincount(codes[fit] * k + y[fit], minlength=n_codes * k)
            table = counts.reshape(n_codes, k) + prior  # one pseudo-row of the prior
            guess[~fit] = table[codes[~fit]].argmax(axis=1)
        return float(balanced_accuracy_score(y, guess))
    target = y.astype(float)
    mean = float(target.mean())
    estimate = np.zeros(len(y))
    for f in range(3):
        fit = fold != f
        sums = np.bincount(codes[fit], weights=target[fit], minlength=n_codes)
        counts = np.bincount(codes[fit], minlength=n_codes)
        estimate[~fit] = ((sums + mean) / (counts + 1.0))[codes[~fit]]
    if task == "binary":
        return float(roc_auc_score(y, estimate)) if len(np.unique(y)) == 2 else 0.5
    return float(r2_score(target, estimate))


def _time_order(
    dataset: Dataset, column: str, train_pos: np.ndarray, test_pos: np.ndarray
) -> list[LeakageWarning]:
    if column not in dataset.frame.columns:
        return []
    values = dataset.frame[column]
    if not pd.api.types.is_numeric_dtype(values):
        values = pd.to_datetime(values, errors="coerce", format="mixed")
    train, test = values.iloc[train_pos], values.iloc[test_pos]
    if train.empty or test.empty:
        return []
    first_test = test.min()
    late = int((train > first_test).sum())
    if late == 0:
        return []
    return [
        LeakageWarning(
            code="time_order",
            column=column,
            evidence=(
                f"{late} of {len(train)} training rows are later than the first test row "
                f"({first_test}); the latest training row is {train.max()}: the model sees "
                "the future"
            ),
            severity="critical" if late / len(train) >= 0.01 else "warning",
        )
    ]


def _group_overlap(
    dataset: Dataset, column: str, train_pos: np.ndarray, test_pos: np.ndarray
) -> list[LeakageWarning]:
    if column not in dataset.frame.columns:
        return []
    groups = dataset.frame[column].astype(str)
    train, test = set(groups.iloc[train_pos]), groups.iloc[test_pos]
    shared = sorted(set(test) & train)
    if not shared:
        return []
    rows = int(test.isin(shared).sum())
    return [
        LeakageWarning(
            code="group_overlap",
            column=column,
            evidence=(
                f"{len(shared)} groups (e.g. {', '.join(map(repr, shared[:3]))}) are on both "
                f"sides; {rows} of {len(test)} test rows belong to a group seen in training"
            ),
            severity="critical",
        )
    ]
