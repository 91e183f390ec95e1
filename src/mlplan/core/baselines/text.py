"""Bag-of-words features: TF-IDF word and character n-grams of free-text columns."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted, check_scalar, validate_data

__all__ = ["TextFeatures"]


class TextFeatures(TransformerMixin, BaseEstimator):
    """TF-IDF of word 1–2-grams and character 2–4-grams, for each text column.

    Missing values count as empty text, other values (numbers) as their text.  A
    column with no usable words in the fitting rows (all empty, say) contributes
    no features instead of failing, and is listed in ``empty_columns_``.

    Parameters
    ----------
    columns : sequence of str or int, optional
        The free-text columns to read: names when ``X`` is a DataFrame with
        string column names, else positions. Default: every column.
    max_features : int, default 50_000
        Vocabulary cap per column and analyser.
    chars : bool, default True
        Add character n-grams (robust to typos and morphology).

    Attributes
    ----------
    vectorisers_ : list of (column, TfidfVectorizer)
        The fitted analysers of each column that has features.
    empty_columns_ : list
        The columns without usable words in the fitting rows.
    n_features_in_ : int
        Columns seen in fitting (all of them, read or not).
    feature_names_in_ : ndarray of str
        Their names, when fitted on a DataFrame with string column names.
    """

    def __init__(
        self,
        columns: Sequence[Hashable] | None = None,
        *,
        max_features: int = 50_000,
        chars: bool = True,
    ) -> None:
        self.columns = columns
        self.max_features = max_features
        self.chars = chars

    def _analysers(self) -> list[TfidfVectorizer]:
        word = TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=2,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        if not self.chars:
            return [word]
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            min_df=3,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        return [word, char]

    def fit(self, X: Any, y: Any = None) -> TextFeatures:
        """Learn each column's vocabulary.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Holds the text columns.
        y : None
            Ignored.

        Returns
        -------
        self : TextFeatures
            This transformer, fitted.
        """
        if isinstance(self.columns, str):
            raise TypeError(
                f"columns must be a sequence of column names, not the string {self.columns!r}; "
                f"did you mean [{self.columns!r}]?"
            )
        check_scalar(self.max_features, "max_features", Integral, min_val=1)
        frame = self._frame(X, reset=True)
        columns = list(frame.columns) if self.columns is None else list(self.columns)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(
                f"TextFeatures reads the columns {missing}, which X (of {frame.shape[1]} "
                "columns) lacks"
            )
        self.vectorisers_: list[tuple[Hashable, TfidfVectorizer]] = []
        self.empty_columns_: list[Hashable] = []
        for column in columns:
            texts = _texts(frame[column])
            fitted = []
            for vectoriser in self._analysers():
                try:
                    vectoriser.fit(texts)
                except ValueError:  # empty vocabulary (or min_df too high for few rows)
                    try:
                        vectoriser.set_params(min_df=1).fit(texts)
                    except ValueError:
                        continue
                fitted.append((column, vectoriser))
            if not fitted:
                self.empty_columns_.append(column)
            self.vectorisers_.extend(fitted)
        return self

    def transform(self, X: Any) -> sparse.csr_matrix:
        """Sparse TF-IDF features of every fitted column, side by side.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Laid out as in fitting.

        Returns
        -------
        features : scipy.sparse.csr_matrix of float32
            ``(n_samples, n_features_out)``.
        """
        check_is_fitted(self, "vectorisers_")
        frame = self._frame(X, reset=False)
        blocks = [v.transform(_texts(frame[c])) for c, v in self.vectorisers_]
        if not blocks:
            return sparse.csr_matrix((len(frame), 0), dtype=np.float32)
        return sparse.hstack(blocks, format="csr")

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``column__term`` for every feature.

        Parameters
        ----------
        input_features : array-like of str, optional
            Names of the input columns; default ``feature_names_in_``, or
            ``x0, x1, …`` when fitted on an array.

        Returns
        -------
        names : ndarray of str
        """
        check_is_fitted(self, "vectorisers_")
        names_in = getattr(self, "feature_names_in_", None)
        if input_features is not None:
            input_features = np.asarray(input_features, dtype=object)
            if len(input_features) != self.n_features_in_:
                raise ValueError(
                    f"input_features should have length equal to number of features "
                    f"({self.n_features_in_}), got {len(input_features)}"
                )
            if names_in is not None and not np.array_equal(names_in, input_features):
                raise ValueError("input_features is not equal to feature_names_in_")
            names_in = input_features

        def name(column: Hashable) -> str:
            if isinstance(column, str):
                return column
            if names_in is not None and isinstance(column, Integral):
                return str(names_in[column])  # a position in an array
            return f"x{column}"

        names = [f"{name(c)}__{t}" for c, v in self.vectorisers_ for t in v.get_feature_names_out()]
        return np.asarray(names, dtype=object)

    def _frame(self, X: Any, *, reset: bool) -> pd.DataFrame:
        """``X`` as a DataFrame labelled as in fitting (names, else positions), checked."""
        if not isinstance(X, pd.DataFrame):
            array = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
            names = getattr(self, "feature_names_in_", None)  # fitted with names: by position
            return pd.DataFrame(array, columns=names)
        validate_data(self, X, skip_check_array=True, reset=reset)
        if reset and len(X) == 0:
            raise ValueError(
                "Found a DataFrame with 0 rows while a minimum of 1 is required by TextFeatures."
            )
        if not hasattr(self, "feature_names_in_"):  # fitted without names: by position
            return X.set_axis(pd.RangeIndex(X.shape[1]), axis=1)
        return X

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        # float32 TF-IDF whatever the input: the vocabulary can be 100,000 columns wide
        tags.transformer_tags.preserves_dtype = []
        return tags


def _texts(column: pd.Series) -> list[str]:
    return column.astype("string").fillna("").tolist()
