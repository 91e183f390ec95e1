"""Values: an array and its kind, and how table columns, arrays and scalars become one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlplan.core.expr.kinds import Kind

__all__ = ["Value", "as_value", "column_value"]


@dataclass(frozen=True, slots=True)
class Value:
    """An array and its kind.

    ``number``: float64 (NaN missing); ``bool``: bool; ``text``: object holding
    ``str`` or ``None``; ``time``: datetime64 (NaT missing).
    """

    kind: Kind
    data: np.ndarray

    def __post_init__(self) -> None:
        # numpy gives scalars for 0-d operands (-np.asarray(1.0) is a float64): keep arrays
        object.__setattr__(self, "data", np.asarray(self.data))


def column_value(series: pd.Series) -> Value:
    """A table column as a :class:`Value`.

    Booleans without missing values are ``bool``; other booleans and numbers are
    ``number`` (missing is NaN); datetimes are ``time`` (timezone-aware ones in
    UTC); categories take the kind of their values; everything else is ``text``
    (each value as ``str``, missing as ``None``).
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return _booleans(series)
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return Value("number", series.to_numpy(dtype=np.float64, na_value=np.nan))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:
            series = series.dt.tz_convert(None)
        return Value("time", series.to_numpy())
    values = series.astype(object)
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred == "boolean":
        return _booleans(values)
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        try:
            return Value("number", values.to_numpy(dtype=np.float64, na_value=np.nan))
        except (OverflowError, TypeError, ValueError):
            pass  # numbers a float cannot hold: read them as text
    missing = values.isna().to_numpy()
    data = values.to_numpy(dtype=object, copy=True)
    if inferred != "string":
        strings = [None if m else str(v) for v, m in zip(data, missing, strict=True)]
        data = np.array(strings, dtype=object)
    data[missing] = None
    return Value("text", data)


def as_value(value: object) -> Value:
    """A :class:`Value` from a Series (see :func:`column_value`), an array or a scalar."""
    if isinstance(value, Value):
        return value
    if isinstance(value, pd.Series):
        return column_value(value)
    array = np.asarray(value)
    if array.dtype.kind == "b":
        return Value("bool", array)
    if array.dtype.kind in "iuf":
        return Value("number", array.astype(np.float64))
    if array.dtype.kind == "M":
        return Value("time", array)
    flat = column_value(pd.Series(array.ravel(), dtype=object))
    return Value(flat.kind, flat.data.reshape(array.shape))


def _booleans(series: pd.Series) -> Value:
    if series.isna().any():
        return Value("number", series.to_numpy(dtype=np.float64, na_value=np.nan))
    return Value("bool", series.to_numpy(dtype=bool))
