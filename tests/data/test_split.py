"""The held-out split: strategies, folds and exported id files."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlplan.core.data.dataset import build_dataset
from mlplan.core.data.split import cv_folds, make_split
from mlplan.io.data import export_split
from mlplan.schema.plan import DataSection, SplitSection


def dataset(frame: pd.DataFrame, **split: object):
    return build_dataset(
        frame,
        DataSection.model_validate(
            {"path": "x", "target": "late", "id": "flight_id", "split": split}
        ),
    )


def test_stratified_split_keeps_the_class_balance(flights_sample: pd.DataFrame) -> None:
    data = dataset(flights_sample)
    split = make_split(data, SplitSection())
    train, test = split.positions(data)
    assert len(test) == 600 and len(train) == 2400
    assert abs(data.y[test].mean() - data.y[train].mean()) < 0.01
    assert set(split.train_ids).isdisjoint(split.test_ids)


def test_same_seed_same_split(flights_sample: pd.DataFrame) -> None:
    data = dataset(flights_sample)
    assert make_split(data, SplitSection()).test_ids == make_split(data, SplitSection()).test_ids
    assert (
        make_split(data, SplitSection(seed=1)).test_ids != make_split(data, SplitSection()).test_ids
    )


def test_time_split_puts_the_latest_rows_in_test(flights_sample: pd.DataFrame) -> None:
    data = dataset(flights_sample, time="time_hour")
    split = make_split(data, SplitSection(time="time_hour"))
    train, test = split.positions(data)
    times = pd.to_datetime(data.frame["time_hour"])
    assert times.iloc[train].max() <= times.iloc[test].min()
    for fit, val in cv_folds(data, split, 3):
        assert times.iloc[train[fit]].max() <= times.iloc[train[val]].min()


def test_group_split_keeps_groups_apart(flights_sample: pd.DataFrame) -> None:
    data = dataset(flights_sample, group="dest")
    split = make_split(data, SplitSection(group="dest"))
    train, test = split.positions(data)
    dest = data.frame["dest"].to_numpy()
    assert set(dest[train]).isdisjoint(dest[test])
    for fit, val in cv_folds(data, split, 3):
        assert set(dest[train[fit]]).isdisjoint(dest[train[val]])


def test_export_writes_id_files(flights_sample: pd.DataFrame, tmp_path) -> None:
    data = dataset(flights_sample)
    split = make_split(data, SplitSection())
    train_path, test_path = export_split(data, split, tmp_path)
    assert pd.read_csv(test_path, dtype=str)["id"].tolist() == list(split.test_ids)
    assert len(pd.read_csv(train_path)) == len(split.train_ids)
    assert np.isin(pd.read_csv(test_path, dtype=str)["id"], data.ids).all()
