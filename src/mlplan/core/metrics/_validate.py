"""Input checks shared by the metric engine: one-line :class:`MetricError` messages."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.errors import MetricError

__all__ = [
    "as_binary_labels",
    "as_class_codes",
    "as_probabilities",
    "as_real",
    "as_scores",
    "check_lengths",
]


def _show(values: NDArray[Any], k: int = 5) -> str:
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:k])
    return "[" + shown + (", ...]" if len(values) > k else "]")


def check_lengths(where: str, **arrays: NDArray[Any] | None) -> int:
    """Check that all given arrays have the same first dimension; return it."""
    sizes = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(sizes.values())) > 1:
        desc = ", ".join(f"{k} has {v}" for k, v in sizes.items())
        raise MetricError(f"{where}: inputs must have the same number of rows; {desc}")
    n = next(iter(sizes.values()), 0)
    if n == 0:
        raise MetricError(f"{where}: no rows to score; give at least one row")
    return n


def as_binary_labels(y: Any, where: str = "y_true") -> NDArray[np.bool_]:
    """Return a 1-D bool array from 0/1 (or bool) labels."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise MetricError(f"{where}: expected a 1-D array of 0/1 labels; got shape {arr.shape}")
    if arr.dtype == np.bool_:
        return arr
    if arr.dtype.kind not in "iuf":
        raise MetricError(
            f"{where}: labels must be 0/1 numbers for a binary task; got dtype {arr.dtype}"
        )
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        raise MetricError(
            f"{where}: labels must be 0 or 1 for a binary task; got {_show(np.unique(arr[bad]))}"
        )
    return arr == 1


def as_scores(s: Any, where: str = "y_score") -> NDArray[np.floating[Any]]:
    """Return a finite 1-D float array (float32 and float64 are kept as they are)."""
    arr = np.asarray(s)
    if arr.ndim != 1:
        raise MetricError(f"{where}: expected a 1-D array of scores; got shape {arr.shape}")
    if arr.dtype.kind in "iub":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise MetricError(f"{where}: scores must be numbers; got dtype {arr.dtype}")
    elif arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise MetricError(
            f"{where}: scores must be finite; row {i} is {arr[i]!r} "
            f"({int((~finite).sum())} non-finite rows); drop or impute them"
        )
    return arr


def as_real(y: Any, where: str) -> NDArray[np.float64]:
    """Return a finite 1-D float64 array (regression targets and predictions)."""
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.dtype.kind not in "iufb":
        raise MetricError(
            f"{where}: expected a 1-D numeric array; got shape {arr.shape}, dtype {arr.dtype}"
        )
    arr = arr.astype(np.float64, copy=False)
    finite = np.isfinite(arr)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise MetricError(f"{where}: values must be finite; row {i} is {arr[i]!r}")
    return arr


def as_class_codes(y: Any, k: int | None, where: str) -> NDArray[np.int64]:
    """Return int64 class codes, checking they lie in ``0..k-1`` when ``k`` is known."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise MetricError(f"{where}: expected a 1-D array of class codes; got shape {arr.shape}")
    if arr.dtype.kind not in "iub" and not (
        arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))
    ):
        raise MetricError(f"{where}: class codes must be integers 0..K-1; got dtype {arr.dtype}")
    codes = arr.astype(np.int64)
    hi = k if k is not None else int(codes.max()) + 1 if codes.size else 0
    bad = (codes < 0) | (codes >= hi)
    if bad.any():
        raise MetricError(
            f"{where}: labels outside the declared classes 0..{hi - 1}: {_show(np.unique(codes[bad]))}"
        )
    return codes


def as_probabilities(p: Any, where: str = "y_score", atol: float = 1e-6) -> NDArray[np.float64]:
    """Return an (n, K) float64 probability matrix whose rows sum to 1 (within ``atol``)."""
    arr = np.asarray(p)
    if arr.ndim != 2 or arr.shape[1] < 2:
        raise MetricError(
            f"{where}: expected an (n, K) matrix of class probabilities with K >= 2; got shape {arr.shape}"
        )
    if arr.dtype.kind not in "iuf":
        raise MetricError(f"{where}: probabilities must be numbers; got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        i = int(np.flatnonzero(~np.isfinite(arr).all(axis=1))[0])
        raise MetricError(f"{where}: probabilities must be finite; row {i} is {arr[i].tolist()}")
    if (arr < 0).any() or (arr > 1).any():
        i = int(np.flatnonzero(((arr < 0) | (arr > 1)).any(axis=1))[0])
        raise MetricError(
            f"{where}: probabilities must lie in [0, 1]; row {i} is {arr[i].tolist()}"
        )
    sums = arr.sum(axis=1)
    off = np.abs(sums - 1.0) > atol
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise MetricError(
            f"{where}: each row of probabilities must sum to 1 (tolerance {atol:g}); "
            f"row {i} sums to {sums[i]:.6g} ({int(off.sum())} rows off)"
        )
    return arr
