"""Building the Dataset: task inference, target encoding and bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from palmerpenguins import load_penguins
from sklearn.datasets import load_diabetes

from mlplan import DataError
from mlplan.core.data.dataset import build_dataset, infer_task
from mlplan.io.data import read_table
from mlplan.schema.plan import DataSection


def section(**fields: object) -> DataSection:
    return DataSection.model_validate({"path": "x.csv", **fields})


def test_task_inference_on_real_targets(flights_sample: pd.DataFrame) -> None:
    """Binary from two values, multi-class from a few labels, regression from many numbers."""
    assert infer_task(flights_sample["late"])[0] == "binary"
    assert infer_task(load_penguins()["species"]) == ("multiclass", "3 distinct values")
    diabetes = load_diabetes(as_frame=True).frame
    assert infer_task(diabetes["target"])[0] == "regression"


def test_binary_target_encodes_the_positive_class(flights_sample: pd.DataFrame) -> None:
    data = build_dataset(flights_sample, section(target="late", id="flight_id"))
    assert data.task == "binary"
    assert data.classes == (False, True)
    assert data.y.sum() == flights_sample["late"].sum()
    assert "flight_id" not in data.frame.columns
    assert list(data.ids[:2]) == ["F000000", "F000001"]


def test_rows_without_a_target_are_left_out_with_a_note() -> None:
    penguins = load_penguins()
    penguins.loc[:4, "species"] = None
    data = build_dataset(penguins, section(target="species"))
    assert len(data.y) == len(penguins) - 5
    assert any("5 rows without a target" in note for note in data.notes)


def test_missing_target_suggests_the_closest_column(flights_sample: pd.DataFrame) -> None:
    with pytest.raises(
        DataError, match=r"column 'lat' not found in the data \(did you mean 'late'"
    ):
        build_dataset(flights_sample, section(target="lat"))


def test_single_class_target_is_refused(flights_sample: pd.DataFrame) -> None:
    frame = flights_sample.assign(late=False)
    with pytest.raises(DataError, match="single class"):
        build_dataset(frame, section(target="late"))


def test_duplicate_ids_are_refused(flights_sample: pd.DataFrame) -> None:
    frame = flights_sample.assign(flight_id="same")
    with pytest.raises(DataError, match=r"duplicate ids, e\.g\. 'same'"):
        build_dataset(frame, section(target="late", id="flight_id"))


def test_fingerprint_changes_with_one_value(flights_sample: pd.DataFrame) -> None:
    a = build_dataset(flights_sample, section(target="late"))
    changed = flights_sample.copy()
    changed.loc[0, "distance"] += 1
    b = build_dataset(changed, section(target="late"))
    assert a.fingerprint != b.fingerprint
    assert a.fingerprint == build_dataset(flights_sample.copy(), section(target="late")).fingerprint


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"\x00\x01\x02garbage", "cannot be read")],
)
def test_bad_files(tmp_path, content: bytes, message: str) -> None:
    path = tmp_path / ("data.csv" if not content else "data.parquet")
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_table(path)


def test_missing_and_unsupported_files(tmp_path) -> None:
    with pytest.raises(DataError, match="data file not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "data.xlsx").write_text("x")
    with pytest.raises(DataError, match=r"unsupported format '.xlsx'; allowed: .csv"):
        read_table(tmp_path / "data.xlsx")


def test_float_ids_read_as_integers_and_an_infinity_as_itself() -> None:
    """``3.0`` is the id ``"3"``; a column holding ``inf`` keeps its floats (found by fuzzing:
    a predictions file whose label column held ``inf`` crashed in ``np.mod``)."""
    import warnings

    from mlplan.core.data.dataset import normalise_ids

    assert list(normalise_ids(pd.Series([3.0, 4.0]))) == ["3", "4"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(normalise_ids(pd.Series([0.0, float("inf")]))) == ["0.0", "inf"]
