"""Column guards: an id or row counter that encodes the label, a feature that alone predicts it.

Both compare a column's own out-of-fold score with what chance reaches on the
same rows (:mod:`mlplan.core.baselines.leakage.scores`): a row counter is
evidence of leakage only when it carries the label, and a strong feature only
when it comes close to a perfect score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlplan.core.baselines.leakage.scores import (
    ColumnScore,
    as_number,
    column_score,
    raw_score,
)
from mlplan.core.data.columns import ColumnKind, ColumnProfile
from mlplan.core.data.dataset import Dataset
from mlplan.records.ladder import LeakageWarning, Severity

__all__ = [
    "ID_SKILL",
    "ROW_COUNTER_RHO",
    "SINGLE_FEATURE_LIMITS",
    "UNIQUE_SHARE",
    "id_like",
    "single_feature",
    "training_sample",
]

#: A single feature at or above these validation scores "nearly predicts" the target.
SINGLE_FEATURE_LIMITS = {"binary": 0.97, "multiclass": 0.95, "regression": 0.95}
#: A numeric feature with at least this share of distinct values is unique per row.
UNIQUE_SHARE = 0.98
#: A unique-per-row column this rank-correlated with the row order is a row counter.
ROW_COUNTER_RHO = 0.95
#: An id or counter that gets this share of the way from chance to perfect encodes the label.
ID_SKILL = 0.5
#: Training rows sampled for the column guards.
SAMPLE_ROWS = 5000
_MAX_COLUMNS = 100
_MIN_ROWS = 30


def training_sample(dataset: Dataset, train_pos: np.ndarray) -> np.ndarray | None:
    """Sorted positions of at most :data:`SAMPLE_ROWS` training rows (None if too few)."""
    rng = np.random.default_rng(0)
    pos = train_pos if len(train_pos) <= SAMPLE_ROWS else rng.choice(train_pos, SAMPLE_ROWS, False)
    if len(pos) < _MIN_ROWS:
        return None
    if dataset.task != "regression" and np.bincount(dataset.y[pos]).min() < 3:
        return None  # a class with fewer than 3 rows cannot be scored out of fold
    return np.sort(pos)


def id_like(dataset: Dataset, train_pos: np.ndarray) -> list[LeakageWarning]:
    """Ids left out of the features, and unique-per-row numeric features that count rows.

    Each is scored against the label on the training rows: an id the model
    cannot read is a note (``info``), stronger when it encodes the label; a row
    counter the model reads is ``critical`` when it nearly predicts the label,
    ``warning`` when it gets :data:`ID_SKILL` of the way from chance, ``info``
    when it carries nothing beyond chance.
    """
    pos = training_sample(dataset, train_pos)
    out = []
    for column in dataset.columns:
        if column.kind == ColumnKind.ID:
            out.append(_excluded_id(dataset, column, pos))
        elif column.kind == ColumnKind.NUMERIC and column.n_unique >= UNIQUE_SHARE * len(
            dataset.ids
        ):
            found = _row_counter(dataset, column.name, pos)
            if found is not None:
                out.append(found)
    return out


def _excluded_id(dataset: Dataset, column: ColumnProfile, pos: np.ndarray | None) -> LeakageWarning:
    evidence = f"left out of the features: {column.reason}"
    if pos is not None:
        found = column_score(
            as_number(dataset.frame[column.name].iloc[pos]), dataset.y[pos], dataset.task
        )
        if found.beyond_chance and found.skill >= ID_SKILL:
            evidence += (
                f"; it encodes the label ({found.describe(dataset.task)} from the id alone, on "
                f"{len(pos)} training rows): the rows were numbered in the order of the "
                "outcome. The ladder never reads it, but a model trained elsewhere must not"
            )
    return LeakageWarning(
        code="id_like_column", column=column.name, evidence=evidence, severity="info"
    )


def _row_counter(dataset: Dataset, name: str, pos: np.ndarray | None) -> LeakageWarning | None:
    values = dataset.frame[name].to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(values)
    if ok.sum() < 50 or not np.all(values[ok] == np.round(values[ok])):
        return None  # ids are integers; a unique real-valued measurement is a feature
    order = np.arange(len(values), dtype=float)
    rho = float(pd.Series(values[ok]).corr(pd.Series(order[ok]), method="spearman"))
    if abs(rho) < ROW_COUNTER_RHO or pos is None:
        return None
    found = column_score(as_number(dataset.frame[name].iloc[pos]), dataset.y[pos], dataset.task)
    limit = SINGLE_FEATURE_LIMITS[dataset.task]
    severity: Severity
    if found.beyond_chance and found.score >= limit:
        severity, verdict = "critical", "it encodes the label and the model reads it"
    elif found.beyond_chance and found.skill >= ID_SKILL:
        severity, verdict = "warning", "it carries the label's order and the model reads it"
    else:
        severity, verdict = "info", "it carries no more of the label than chance: drop it anyway"
    return LeakageWarning(
        code="id_like_column",
        column=name,
        evidence=(
            f"{int(ok.sum())} integer values, unique per row, Spearman {rho:+.3f} with the row "
            f"order: a row counter, not a feature; alone it reaches {found.describe(dataset.task)} "
            f"on {len(pos)} training rows: {verdict}"
        ),
        severity=severity,
    )


def single_feature(dataset: Dataset, train_pos: np.ndarray, skip: set[str]) -> list[LeakageWarning]:
    """Features that on their own (nearly) predict the target, beyond chance.

    ``critical`` at or above half-way from :data:`SINGLE_FEATURE_LIMITS` to a
    perfect score, ``warning`` from the limit; a score above the limit that is
    not beyond chance on these rows (a tiny sample) is not reported.
    """
    pos = training_sample(dataset, train_pos)
    if pos is None:
        return []
    task = dataset.task
    candidates = [
        c
        for c in dataset.columns
        if c.kind in (ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.DATETIME)
        and c.name not in skip
    ][:_MAX_COLUMNS]
    y = dataset.y[pos]
    numbers = {c.name: as_number(dataset.frame[c.name].iloc[pos]) for c in candidates}
    scores = {name: raw_score(values, y, task) for name, values in numbers.items()}
    limit = SINGLE_FEATURE_LIMITS[task]
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    unique = {c.name for c in candidates if c.n_unique >= UNIQUE_SHARE * len(dataset.ids)}
    out = []
    for name, score in ranked:
        if score < limit:
            break
        found = column_score(numbers[name], y, task)
        if not found.beyond_chance:
            continue
        out.append(_single(name, found, ranked, len(pos), task, limit, name in unique))
    return out


def _single(
    name: str,
    found: ColumnScore,
    ranked: list[tuple[str, float]],
    n: int,
    task: str,
    limit: float,
    unique: bool,
) -> LeakageWarning:
    others = [s for other, s in ranked if other != name]
    next_best = f"; the next best column reaches {others[0]:.3f}" if others else ""
    what = (
        " Its values are unique per row: an id numbered in the order of the outcome?"
        if unique
        else ""
    )
    return LeakageWarning(
        code="single_feature",
        column=name,
        evidence=(
            f"this column alone reaches {found.describe(task)} (the mean target of each of "
            f"its values or quantile bins, 3-fold CV on {n} training rows; limit {limit})"
            f"{next_best}: is it known before the prediction is made?{what}"
        ),
        severity="critical" if found.score >= (1 + limit) / 2 else "warning",
    )
