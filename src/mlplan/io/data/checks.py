"""Checks of a table against the plan, before anything is split or trained.

- **Infinite values** (``inf``, ``-inf``) in numeric columns are treated as missing,
  with a note naming the columns: features then go through the rungs' imputation,
  and rows whose target is infinite are left out like rows without a target. The
  data fingerprint stays the one of the file as read.
- **Split sizes**: the plan's ``test_size`` must leave rows on both sides of the
  split, and a stratified split (classes, no ``time`` or ``group``) needs at least
  one row of every class on each side; ``task: multiclass`` with 1,000 classes and
  a 600-row test set is refused with the smallest ``test_size`` that works.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mlplan.core.data.dataset import Dataset
from mlplan.errors import DataError
from mlplan.schema.plan import SplitSection

__all__ = ["check_split_sizes", "infinite_as_missing"]


def infinite_as_missing(frame: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """Replace ``±inf`` in numeric columns by NaN; returns the table and a note (or None).

    Examples
    --------
    >>> table, note = infinite_as_missing(pd.DataFrame({"x": [1.0, float("inf")]}))
    >>> note
    '1 infinite value treated as missing (x: 1)'
    """
    counts: dict[str, int] = {}
    fixed = frame
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_float_dtype(values):
            continue
        infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
        if infinite.any():
            if fixed is frame:
                fixed = frame.copy()
            fixed[column] = values.mask(infinite)
            counts[str(column)] = int(infinite.sum())
    if not counts:
        return frame, None
    total = sum(counts.values())
    shown = ", ".join(f"{name}: {n}" for name, n in list(counts.items())[:5])
    more = f" and {len(counts) - 5} more columns" if len(counts) > 5 else ""
    plural = "s" if total != 1 else ""
    return fixed, f"{total} infinite value{plural} treated as missing ({shown}{more})"


def check_split_sizes(dataset: Dataset, section: SplitSection, where: str = "data.split") -> None:
    """Refuse a ``test_size`` that leaves a side of the split empty or short of a class.

    Parameters
    ----------
    dataset : Dataset
        The loaded data.
    section : SplitSection
        The plan's split settings.
    where : str
        Prefix of messages (``file:line``).

    Raises
    ------
    DataError
        A side of the split would be empty, or a stratified split would miss a class.
    """
    n = len(dataset.ids)
    size = section.test_size
    key = f"{where}: data.split.test_size"
    if section.group is not None and section.group in dataset.frame.columns:
        groups = int(dataset.frame[section.group].astype(str).nunique())
        n_test = math.ceil(size * groups)
        if groups - n_test < 1:
            raise DataError(
                f"{key}: {size:g} of {groups} groups of '{section.group}' leaves no group "
                "for training; lower test_size or use more groups"
            )
        return
    n_test = max(1, round(n * size)) if section.time is not None else math.ceil(size * n)
    n_train = n - n_test
    if n_train < 1:
        raise DataError(
            f"{key}: {size:g} of {n:,} rows puts every row in the test set; lower test_size"
        )
    stratified = section.time is None and dataset.task != "regression"
    if not stratified or np.bincount(dataset.y).min() < 2:  # not stratified: see make_split
        return
    classes = len(dataset.classes)
    if n_test >= classes and n_train >= classes:
        return
    side, count = ("test", n_test) if n_test < classes else ("training", n_train)
    lowest, highest = classes / n, (n - classes) / n
    rows = "row" if count == 1 else "rows"
    raise DataError(
        f"{key}: {size:g} of {n:,} rows puts {count:,} {rows} in the {side} set, fewer than "
        f"the {classes:,} classes of '{dataset.target}'; a stratified split needs a row of "
        f"every class on each side: use a test_size from {_up(lowest)} to {_down(highest)}, "
        "or merge rare classes"
    )


def _up(x: float) -> str:
    return f"{math.ceil(x * 1000) / 1000:g}"


def _down(x: float) -> str:
    return f"{math.floor(x * 1000) / 1000:g}"
