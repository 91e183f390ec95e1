"""Typing the columns of a table: what each column is, decided from its values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

__all__ = ["ColumnKind", "ColumnProfile", "profile_columns"]

_ID_NAME = re.compile(r"(^|_)(id|uuid|key|guid)$|^id_", re.IGNORECASE)
#: Names that exports give a saved row index (R's rownames, pandas' index).
_ROW_INDEX_NAME = re.compile(r"^(rownames|row_?names|index|unnamed: ?0|row_?(num|number)?)$", re.I)
_TEXT_MIN_WORDS = 3.0
_ID_UNIQUE_RATIO = 0.95


class ColumnKind(StrEnum):
    """What a column holds, as far as modelling is concerned."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    TEXT = "text"
    DATETIME = "datetime"
    ID = "id"
    CONSTANT = "constant"


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnProfile:
    """One column's kind and the evidence for it."""

    name: str
    kind: ColumnKind
    dtype: str
    n_unique: int
    missing_share: float
    reason: str

    @property
    def is_feature(self) -> bool:
        """Whether models use the column (ids and constants are left out)."""
        return self.kind not in (ColumnKind.ID, ColumnKind.CONSTANT)


def profile_columns(frame: pd.DataFrame) -> tuple[ColumnProfile, ...]:
    """Decide the kind of every column of ``frame``.

    Rules, in order: one distinct value → constant; datetime dtype → datetime;
    a name like ``*_id`` or unique values that look like codes → id; numbers →
    numeric; strings of several words → text; other strings → categorical.
    """
    return tuple(_profile(frame[name], str(name)) for name in frame.columns)


def _profile(column: pd.Series, name: str) -> ColumnProfile:
    values = column.dropna()
    n_unique = int(values.nunique())
    n = len(values)
    kind, reason = _kind(column, values, name, n_unique, n)
    return ColumnProfile(
        name=name,
        kind=kind,
        dtype=str(column.dtype),
        n_unique=n_unique,
        missing_share=float(column.isna().mean()) if len(column) else 0.0,
        reason=reason,
    )


def _kind(
    column: pd.Series, values: pd.Series, name: str, n_unique: int, n: int
) -> tuple[ColumnKind, str]:
    if n_unique <= 1:
        return ColumnKind.CONSTANT, f"{n_unique} distinct value"
    if pd.api.types.is_datetime64_any_dtype(column):
        return ColumnKind.DATETIME, "datetime dtype"
    unique_ratio = n_unique / n
    if _ID_NAME.search(name) and unique_ratio > 0.5:
        return ColumnKind.ID, f"name looks like an id, {unique_ratio:.0%} unique"
    if _ROW_INDEX_NAME.match(name) and unique_ratio >= _ID_UNIQUE_RATIO:
        # A saved row index can encode the order the data was sorted in (by the target).
        return ColumnKind.ID, f"a saved row index, {unique_ratio:.0%} unique"
    if pd.api.types.is_bool_dtype(column):
        return ColumnKind.CATEGORICAL, "boolean"
    if pd.api.types.is_numeric_dtype(column):
        integral = pd.api.types.is_integer_dtype(column)
        if integral and unique_ratio >= 1.0 and n > 50 and _is_sequence(values):
            return ColumnKind.ID, "unique consecutive integers"
        return ColumnKind.NUMERIC, "numeric dtype"
    strings = values.astype(str)
    words = float(strings.str.count(r"\s+").mean()) + 1.0
    if words >= _TEXT_MIN_WORDS and unique_ratio > 0.2:
        return ColumnKind.TEXT, f"{words:.1f} words per value on average"
    if _looks_like_dates(strings):
        return ColumnKind.DATETIME, "strings parse as dates"
    if unique_ratio >= _ID_UNIQUE_RATIO and n > 50:
        return ColumnKind.ID, f"{unique_ratio:.0%} unique short strings"
    return ColumnKind.CATEGORICAL, f"{n_unique} distinct strings"


def _is_sequence(values: pd.Series) -> bool:
    ordered = np.sort(values.to_numpy())
    return bool(np.all(np.diff(ordered) == 1))


def _looks_like_dates(strings: pd.Series) -> bool:
    sample = strings.head(200)
    if not sample.str.contains(r"\d{1,4}[-/.]\d{1,2}", regex=True).all():
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() > 0.95)
