"""Categorical columns as integer codes of their frequent levels.

scikit-learn's encoders count and look up levels of object (string) arrays in
pure Python, one value at a time; with ``min_frequency`` or ``max_categories``
that was most of a linear rung's fit on the 7,000-row churn table. A pandas
index does the same lookups hashed and vectorised, so the ladder's encoders read
these codes instead of the strings.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted, check_scalar, validate_data

__all__ = ["MISSING_LEVEL", "LevelCodes"]

#: The level a missing value counts as (it is frequent or rare like any other).
MISSING_LEVEL = "(missing)"


class LevelCodes(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Each categorical column becomes codes ``0 … L-1`` of its frequent levels.

    Text values are compared as they are, other values (numbers, categories) as
    their text; a missing value is the level ``"(missing)"``. A DataFrame is read
    column by column as it is; any other 2-D input (arrays of text, numbers or
    objects) is first validated by scikit-learn's ``check_array``.
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
    n_features_in_ : int
        Columns seen in fitting.
    feature_names_in_ : ndarray of str
        Their names, when fitted on a DataFrame with string column names.

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
        """Learn the kept levels of every column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The categorical columns.
        y : None
            Ignored.

        Returns
        -------
        self : LevelCodes
            This transformer, fitted.
        """
        check_scalar(self.max_levels, "max_levels", Integral, min_val=1)
        check_scalar(self.min_share, "min_share", Real, min_val=0.0, max_val=1.0)
        frame = self._frame(X, reset=True)
        floor = self.min_share * len(frame)
        self.levels_ = []
        for name in frame.columns:
            column = _as_levels(frame[name])
            kept = self._kept(column, floor)
            # pandas counts dicts and lists, but cannot look them up later
            if not all(map(_is_hashable, kept)):
                kept = self._kept(_hashable(column), floor)
            self.levels_.append(pd.Index(kept))
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Codes as a float array of shape ``(n_rows, n_columns)``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The columns seen in fitting, in the same order.

        Returns
        -------
        codes : ndarray of shape (n_samples, n_features)
            Each value's code, ``len(levels_[j])`` ("other") for a rare or unseen one.
        """
        check_is_fitted(self, "levels_")
        frame = self._frame(X, reset=False)
        out = np.empty(frame.shape, dtype=np.float64)
        for j, (name, levels) in enumerate(zip(frame.columns, self.levels_, strict=True)):
            codes = _codes(levels, _as_levels(frame[name]))
            out[:, j] = np.where(codes < 0, len(levels), codes)
        return out

    def _kept(self, column: pd.Series, floor: float) -> pd.Index:
        counts = column.value_counts(sort=True)
        return counts[counts >= floor].index[: max(self.max_levels - 1, 1)]

    def _frame(self, X: Any, *, reset: bool) -> pd.DataFrame:
        """``X`` as a DataFrame, its shape and feature names checked against fitting."""
        if isinstance(X, pd.DataFrame):
            # only names and width are checked: converting the whole frame to one
            # object array (``check_array``) costs more than the lookups themselves
            validate_data(self, X, skip_check_array=True, reset=reset)
            if reset and len(X) == 0:
                raise ValueError(
                    f"Found a DataFrame with 0 rows while a minimum of 1 is required by "
                    f"{type(self).__name__}."
                )
            return X
        # dtype=None keeps text and objects as they are; NaN is the missing level
        array = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
        return pd.DataFrame(array)

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags


def _as_levels(column: pd.Series) -> pd.Series:
    """The column as Python objects with missing values named; numbers etc. as text.

    Object columns are used as they are: hashing Python strings is three times
    faster than converting them to a pandas string array first.
    """
    if column.dtype != object:
        column = column.astype("string").astype(object)
    return column.fillna(MISSING_LEVEL)


def _codes(levels: pd.Index, column: pd.Series) -> np.ndarray:
    # pandas takes any array-like here; its stubs only name Index
    try:
        return levels.get_indexer(column)  # type: ignore[arg-type]
    except TypeError:  # a dict or list in the column
        return levels.get_indexer(_hashable(column))  # type: ignore[arg-type]


def _is_hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _hashable(column: pd.Series) -> pd.Series:
    """The column with each value that cannot be hashed (a dict, a list) as its text.

    Only called for a column that holds such values, so ordinary columns never
    pay for this value-by-value pass.
    """
    return column.map(lambda value: value if _is_hashable(value) else str(value))
