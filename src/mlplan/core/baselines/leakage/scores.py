"""How well one column predicts the target on its own, and what chance gives.

A column's values (or :data:`BINS` quantile bins of them) are target-encoded out
of fold: each of three folds gets the mean target (class frequencies) of its
code in the other folds. The score of that encoding -- ROC AUC (binary),
balanced accuracy (multi-class), R² (regression) -- is compared with the same
score after shuffling the target :data:`N_SHUFFLES` times, which is what a
column with no information about the target reaches on this many rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

__all__ = [
    "BEYOND_CHANCE_Z",
    "BINS",
    "N_SHUFFLES",
    "ColumnScore",
    "as_number",
    "codes_of",
    "column_score",
    "metric_of",
    "raw_score",
]

#: Quantile bins of a column with many distinct values.
BINS = 64
#: Shuffles of the target that measure the chance level.
N_SHUFFLES = 20
#: A column scores beyond chance when it is this many chance standard deviations above it.
BEYOND_CHANCE_Z = 4.0

_METRICS = {"binary": "ROC AUC", "multiclass": "balanced accuracy", "regression": "R²"}
_PERFECT = 1.0


def metric_of(task: str) -> str:
    """The name of the score a column gets for ``task``."""
    return _METRICS[task]


@dataclass(frozen=True, slots=True)
class ColumnScore:
    """One column's out-of-fold score and the chance level it is compared with.

    Attributes
    ----------
    score : float
    chance, chance_sd : float
        Mean and standard deviation of the score with the target shuffled.
    """

    score: float
    chance: float
    chance_sd: float

    @property
    def skill(self) -> float:
        """Share of the way from chance to a perfect score (1 = perfect, 0 = chance)."""
        room = _PERFECT - self.chance
        return (self.score - self.chance) / room if room > 0 else 0.0

    @property
    def z(self) -> float:
        """How many chance standard deviations the score is above chance."""
        if self.chance_sd <= 0:
            return math.inf if self.score > self.chance + 1e-9 else 0.0
        return (self.score - self.chance) / self.chance_sd

    @property
    def beyond_chance(self) -> bool:
        """The score is above chance by :data:`BEYOND_CHANCE_Z` standard deviations."""
        return self.z >= BEYOND_CHANCE_Z

    def describe(self, task: str) -> str:
        """``"ROC AUC 0.991 (chance 0.500 ± 0.012)"``."""
        return (
            f"{metric_of(task)} {self.score:.3f} (chance {self.chance:.3f} ± {self.chance_sd:.3f})"
        )


def as_number(column: pd.Series) -> np.ndarray:
    """A column as one float per row: numbers, datetimes as integers, other values as codes.

    Strings that all carry digits (``"C0042"``) become their digits, so ids
    numbered in some order keep it; missing values become one low sentinel.
    """
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype=float, na_value=np.nan)
    elif pd.api.types.is_datetime64_any_dtype(column):
        values = column.astype("int64").to_numpy(dtype=float)
    else:
        text = column.astype("string")
        parsed = pd.to_datetime(column, errors="coerce", format="mixed")
        if parsed.notna().mean() > 0.95:
            return _finite(parsed.astype("int64").to_numpy(dtype=float))
        digits = pd.to_numeric(text.str.replace(r"\D", "", regex=True), errors="coerce")
        if digits.notna().mean() > 0.95 and digits.nunique() > 0.5 * len(column):
            values = digits.to_numpy(dtype=float, na_value=np.nan)
        else:
            values = text.astype("category").cat.codes.to_numpy(dtype=float)
            values[values < 0] = np.nan
    return _finite(values)


def _finite(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, -1e18)


def codes_of(values: np.ndarray) -> np.ndarray:
    """Codes of a column: its values when few, else one of :data:`BINS` quantile bins."""
    distinct, codes = np.unique(values, return_inverse=True)
    if len(distinct) <= BINS:
        return codes.ravel()
    edges = np.unique(np.quantile(values, np.linspace(0, 1, BINS + 1)[1:-1]))
    return np.searchsorted(edges, values, side="right")


def raw_score(values: np.ndarray, y: np.ndarray, task: str, seed: int = 0) -> float:
    """Out-of-fold score of ``y`` from one column (cheap: no chance level)."""
    fold = np.random.default_rng(seed).permutation(len(y)) % 3
    return _encoded_score(codes_of(values), y, fold, task)


def column_score(
    values: np.ndarray, y: np.ndarray, task: str, *, binned: bool = True, seed: int = 0
) -> ColumnScore:
    """Out-of-fold score of ``y`` from one column, and the chance level on these rows.

    ``binned=False`` keeps every distinct value as its own code (groups), instead
    of :data:`BINS` quantile bins when there are more.
    """
    rng = np.random.default_rng(seed)
    codes = codes_of(values) if binned else np.unique(values, return_inverse=True)[1].ravel()
    fold = rng.permutation(len(y)) % 3
    score = _encoded_score(codes, y, fold, task)
    shuffled = [_encoded_score(codes, rng.permutation(y), fold, task) for _ in range(N_SHUFFLES)]
    return ColumnScore(
        score=score, chance=float(np.mean(shuffled)), chance_sd=float(np.std(shuffled, ddof=1))
    )


def _encoded_score(codes: np.ndarray, y: np.ndarray, fold: np.ndarray, task: str) -> float:
    """Out-of-fold score of predicting ``y`` by the mean target of each code.

    Each fold's rows get the target mean (class frequencies) of their code in the
    other folds, shrunk towards the overall mean by one pseudo-row; a code not
    seen there gets the overall mean.
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
        recalls = [np.mean(guess[y == c] == c) for c in np.unique(y)]
        return float(np.mean(recalls))
    target = y.astype(float)
    mean = float(target.mean())
    estimate = np.zeros(len(y))
    for f in range(3):
        fit = fold != f
        sums = np.bincount(codes[fit], weights=target[fit], minlength=n_codes)
        counts = np.bincount(codes[fit], minlength=n_codes)
        estimate[~fit] = ((sums + mean) / (counts + 1.0))[codes[~fit]]
    if task == "binary":
        return _auc(y.astype(bool), estimate)
    total = float(np.sum((target - mean) ** 2))
    return 1.0 - float(np.sum((target - estimate) ** 2)) / total if total > 0 else 0.0


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count half); 0.5 with one class."""
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        return 0.5
    ranks = rankdata(score)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
