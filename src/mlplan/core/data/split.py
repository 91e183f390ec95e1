"""The held-out split and the cross-validation folds inside the training part."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    train_test_split,
)

from mlplan.core.data.dataset import Dataset
from mlplan.core.data.fingerprint import fingerprint_values
from mlplan.errors import DataError
from mlplan.schema.plan import SplitSection

__all__ = ["Split", "cv_folds", "make_split"]


@dataclass(frozen=True, kw_only=True)
class Split:
    """Which rows are held out for the test; frozen once made.

    Attributes
    ----------
    train_ids, test_ids : tuple of str
        Row ids of the two parts.
    strategy : str
        ``"stratified"``, ``"random"``, ``"group:<col>"`` or ``"time:<col>"``.
    config : dict
        The plan's split settings this split was made with.
    test_fingerprint : str
        Hash of the test ids and their labels; changes when the test set does.
    """

    train_ids: tuple[str, ...]
    test_ids: tuple[str, ...]
    strategy: str
    config: dict[str, object]
    test_fingerprint: str
    note: str = ""

    def positions(self, dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """Row positions of the train and test parts in ``dataset``."""
        train = dataset.ids.get_indexer(pd.Index(self.train_ids))
        test = dataset.ids.get_indexer(pd.Index(self.test_ids))
        return train, test

    def covers(self, dataset: Dataset) -> bool:
        """Whether every id of this split is still present in ``dataset``."""
        train, test = self.positions(dataset)
        return bool((train >= 0).all() and (test >= 0).all())


def make_split(dataset: Dataset, section: SplitSection) -> Split:
    """Draw the held-out test rows as the plan says.

    A time column sends the latest ``test_size`` share of rows to the test part; a
    group column keeps each group on one side; otherwise classification targets are
    stratified by class.
    """
    n = len(dataset.ids)
    positions = np.arange(n)
    config = section.model_dump()
    note = ""
    if n < 10:
        raise DataError(f"data: {n} labelled rows is too few to hold out a test set (need >= 10)")
    if section.time is not None:
        order = _time_order(dataset, section.time)
        n_test = max(1, round(n * section.test_size))
        test_pos, train_pos = order[n - n_test :], order[: n - n_test]
        strategy = f"time:{section.time}"
    elif section.group is not None:
        groups = dataset.frame[section.group].astype(str).to_numpy()
        splitter = GroupShuffleSplit(
            n_splits=1, test_size=section.test_size, random_state=section.seed
        )
        train_pos, test_pos = next(splitter.split(positions, groups=groups))
        strategy = f"group:{section.group}"
    else:
        stratify = dataset.y if dataset.task != "regression" else None
        if stratify is not None and np.bincount(stratify).min() < 2:
            stratify, note = None, "a class has fewer than 2 rows: split not stratified"
        train_pos, test_pos = train_test_split(
            positions, test_size=section.test_size, random_state=section.seed, stratify=stratify
        )
        strategy = "stratified" if stratify is not None else "random"
    train_pos, test_pos = np.sort(train_pos), np.sort(test_pos)
    test_ids = dataset.ids[test_pos]
    return Split(
        train_ids=tuple(dataset.ids[train_pos]),
        test_ids=tuple(test_ids),
        strategy=strategy,
        config=config,
        test_fingerprint=fingerprint_values(test_ids, dataset.y[test_pos]),
        note=note,
    )


def cv_folds(
    dataset: Dataset, split: Split, n_folds: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Cross-validation folds over the training part, as positions into the training part.

    Folds respect the split strategy: time order (expanding window), groups, or
    class strata.
    """
    train_pos, _ = split.positions(dataset)
    y = dataset.y[train_pos]
    index = np.arange(len(train_pos))
    config = split.config
    if config.get("time"):
        order = np.argsort(_time_values(dataset, str(config["time"]))[train_pos], kind="stable")
        for fit, val in TimeSeriesSplit(n_splits=n_folds).split(order):
            yield order[fit], order[val]
        return
    if config.get("group"):
        groups = dataset.frame[str(config["group"])].astype(str).to_numpy()[train_pos]
        yield from GroupKFold(n_splits=n_folds).split(index, groups=groups)
        return
    seed = int(config.get("seed", 0))  # type: ignore[call-overload]
    if dataset.task != "regression" and np.bincount(y).min() >= n_folds:
        yield from StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(index, y)
    else:
        yield from KFold(n_folds, shuffle=True, random_state=seed).split(index)


def _time_values(dataset: Dataset, column: str) -> np.ndarray:
    values = dataset.frame[column]
    if not pd.api.types.is_numeric_dtype(values):
        values = pd.to_datetime(values, errors="coerce", format="mixed")
    if values.isna().any():
        raise DataError(f"data.split.time: column '{column}' has missing or unparsable times")
    return values.to_numpy()


def _time_order(dataset: Dataset, column: str) -> np.ndarray:
    return np.argsort(_time_values(dataset, column), kind="stable")
