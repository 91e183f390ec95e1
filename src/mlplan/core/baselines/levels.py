"""Categorical columns as integer codes of their frequent levels.

scikit-learn's encoders count and look up levels of object (string) arrays in
pure Python, one value at a time; with ``min_frequency`` or ``max_categories``
that was most of a linear rung's fit on the 7,000-row churn table. A pandas
index does the same lookups hashed and vectorised, so the ladder's encoders read
these codes instead of the strings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["MISSING_LEVEL", "LevelCodes"]

#: The level a missing value counts as (it is frequent or rare like any other).
MISSING_LEVEL = "(missing)"


class LevelCodes(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Each categorical column becomes codes ``0 … L-1`` of its frequent levels.

    Text values are compared as they are, other values (numbers, categories) as
    their text; a missing value is the level ``"(missing)"``.
    The kept levels of a column are its most frequent ones, at most
    ``max_levels - 1`` of them, each covering at least ``min_share`` of the
    fitting rows; every other value (a rare level, or one never seen in fitting)
    gets the shared code ``L`` ("other").

    Parameters
    ----------
    max_levels : int, default 30
        Codes per column including "other".
    min_share : float, default 0.0
        Smallest share of the fitting rows a kept level covers.

    Attributes
    ----------
    levels_ : list of pandas.Index
        The kept levels of each column, most frequent first.

    Examples
    --------
    >>> frame = pd.DataFrame({"city": ["Oslo", "Oslo", "Rome", None, "Oslo"]})
    >>> codes = LevelCodes(max_levels=3).fit(frame)
    >>> list(codes.levels_[0])
    ['Oslo', 'Rome']
    >>> codes.transform(pd.DataFrame({"city": ["Rome", "Paris", None]})).ravel().tolist()
    [1.0, 2.0, 2.0]
    """

    def __init__(self, max_levels: int = 30, min_share: float = 0.0) -> None:
        self.max_levels = max_levels
        self.min_share = min_share

    def fit(self, X: Any, y: Any = None) -> LevelCodes:
        """Learn the kept levels of every column."""
        frame = _frame(X)
        floor = self.min_share * len(frame)
        self.levels_ = []
        for name in frame.columns:
            counts = _as_levels(frame[name]).value_counts(sort=True)
            kept = counts[counts >= floor].index[: max(self.max_levels - 1, 1)]
            self.levels_.append(pd.Index(kept))
        self.n_features_in_ = frame.shape[1]
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Codes as a float array of shape ``(n_rows, n_columns)``."""
        check_is_fitted(self, "levels_")
        frame = _frame(X)
        out = np.empty(frame.shape, dtype=np.float64)
        for j, (name, levels) in enumerate(zip(frame.columns, self.levels_, strict=True)):
            codes = levels.get_indexer(_as_levels(frame[name]))
            out[:, j] = np.where(codes < 0, len(levels), codes)
        return out


def _frame(X: Any) -> pd.DataFrame:
    return X if isinstance(X, pd.DataFrame) else pd.DataFrame(X)


def _as_levels(column: pd.Series) -> pd.Series:
    """The column as Python objects with missing values named; numbers etc. as text.

    Object columns are used as they are: hashing Python strings is three times
    faster than converting them to a pandas string array first.
    """
    if column.dtype != object:
        column = column.astype("string").astype(object)
    return column.fillna(MISSING_LEVEL)
