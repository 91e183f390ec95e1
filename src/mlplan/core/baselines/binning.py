"""Numeric columns as quantile-bin indices, before histogram gradient boosting.

HistGradientBoosting bins every feature into at most 255 quantile bins anyway.
With sample weights (balanced class weights) it computes each of the 254 bin
edges of a feature by a separate weighted percentile, sorting the column every
time: half of a boosting fit on the 7,000-row churn table. Binning once here,
unweighted, leaves it at most 255 distinct values per feature, which it splits at
their midpoints without any percentile. The splits the trees can make are the
same up to where the edges fall; missing values stay missing.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted, check_scalar, validate_data

__all__ = ["QuantileBins"]


class QuantileBins(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Replace each value by the index of its quantile bin; NaN stays NaN.

    A column with at most ``n_bins`` distinct values in the fitting rows is
    passed through unchanged. The edges come from the finite values; infinite
    ones (which HistGradientBoosting accepts) fall in the outer bins.

    Parameters
    ----------
    n_bins : int, default 255
        Bins per column (HistGradientBoosting's ``max_bins``).
    subsample : int, default 200_000
        Rows the edges are computed from (HistGradientBoosting's own choice).
    random_state : int, numpy.random.Generator or None, default 0
        Seed of the row subsample (only drawn with more than ``subsample`` rows).

    Attributes
    ----------
    edges_ : list of ndarray or None
        Inner bin edges of each column (None: passed through).
    n_features_in_ : int
        Columns seen in fitting.
    feature_names_in_ : ndarray of str
        Their names, when fitted on a DataFrame with string column names.

    Examples
    --------
    >>> X = np.column_stack([np.arange(1000.0), np.arange(1000) % 3])
    >>> bins = QuantileBins(n_bins=4).fit(X)
    >>> bins.transform([[0.0, 2.0], [999.0, 1.0], [np.nan, 0.0]]).tolist()
    [[0.0, 2.0], [3.0, 1.0], [nan, 0.0]]
    """

    def __init__(
        self,
        n_bins: int = 255,
        subsample: int = 200_000,
        random_state: int | np.random.Generator | None = 0,
    ) -> None:
        self.n_bins = n_bins
        self.subsample = subsample
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> QuantileBins:
        """Find the inner bin edges of every column with more than ``n_bins`` values.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numbers; NaN and infinite values allowed.
        y : None
            Ignored.

        Returns
        -------
        self : QuantileBins
            This transformer, fitted.
        """
        check_scalar(self.n_bins, "n_bins", Integral, min_val=2)
        check_scalar(self.subsample, "subsample", Integral, min_val=1)
        values = validate_data(self, X, dtype=np.float64, ensure_all_finite=False)
        if len(values) > self.subsample:
            rng = np.random.default_rng(self.random_state)
            values = values[rng.choice(len(values), self.subsample, replace=False)]
        inner = np.linspace(0.0, 1.0, self.n_bins + 1)[1:-1]
        self.edges_: list[np.ndarray | None] = []
        for column in values.T:
            present = column[np.isfinite(column)]
            if len(np.unique(present)) <= self.n_bins:
                self.edges_.append(None)
            else:
                self.edges_.append(np.unique(np.quantile(present, inner)))
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Bin indices (as floats, NaN kept) of the binned columns; the others unchanged.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The columns seen in fitting, in the same order.

        Returns
        -------
        binned : ndarray of shape (n_samples, n_features)
            A new float64 array; ``X`` is not changed.
        """
        check_is_fitted(self, "edges_")
        out = validate_data(
            self, X, dtype=np.float64, ensure_all_finite=False, copy=True, reset=False
        )
        for j, edges in enumerate(self.edges_):
            if edges is None:
                continue
            column = out[:, j]
            present = ~np.isnan(column)
            column[present] = np.searchsorted(edges, column[present], side="right")
        return out

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
