"""Bag-of-words features: TF-IDF word and character n-grams of free-text columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["TextFeatures"]


class TextFeatures(TransformerMixin, BaseEstimator):
    """TF-IDF of word 1–2-grams and character 2–4-grams, for each text column.

    Missing values count as empty text.  A column with no usable words in the
    fitting rows (all empty, say) contributes no features instead of failing, and
    is listed in ``empty_columns_``.

    Parameters
    ----------
    columns : sequence of str
        The free-text columns to read.
    max_features : int, default 50_000
        Vocabulary cap per column and analyser.
    chars : bool, default True
        Add character n-grams (robust to typos and morphology).
    """

    def __init__(
        self, columns: Sequence[str] = (), *, max_features: int = 50_000, chars: bool = True
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

    def fit(self, X: pd.DataFrame, y: Any = None) -> TextFeatures:
        """Learn each column's vocabulary."""
        self.vectorisers_: list[tuple[str, TfidfVectorizer]] = []
        self.empty_columns_: list[str] = []
        for column in self.columns:
            texts = _texts(X[column])
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

    def transform(self, X: pd.DataFrame) -> sparse.csr_matrix:
        """Sparse TF-IDF features of every fitted column, side by side."""
        blocks = [v.transform(_texts(X[c])) for c, v in self.vectorisers_]
        if not blocks:
            return sparse.csr_matrix((len(X), 0), dtype=np.float32)
        return sparse.hstack(blocks, format="csr")

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``column__term`` for every feature."""
        names = [f"{c}__{t}" for c, v in self.vectorisers_ for t in v.get_feature_names_out()]
        return np.asarray(names, dtype=object)


def _texts(column: pd.Series) -> list[str]:
    return column.astype("string").fillna("").tolist()
