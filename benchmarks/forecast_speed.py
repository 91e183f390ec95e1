"""Wall time of the forecast on ~20k training rows with the default rungs.

The demo's flight-delay plan (recall s.t. precision >= 0.40, time split, ladder
dummy/linear/gradient_boosting) on a 25,000-flight sample: 20,000 training rows.
Times ``mlplan forecast`` after a run (its curves measured anew) and the forecast
part of ``mlplan run --forecast`` (which reuses the ladder's fold fits), both
with the default two worker processes.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

PLAN = """\
project: {name: Flight delays}
data:
  path: flights.parquet
  target: late
  id: flight_id
  positive: true
  split: {test_size: 0.2, time: time_hour}
metric:
  optimise: recall
  subject_to: {precision: ">= 0.40"}
  resamples: 200
baselines:
  requirement: {recall: 0.50}
  ladder: [dummy, linear, gradient_boosting]
"""


def wall_time(n_rows: int = 25_000, n_jobs: int = 2) -> dict[str, float]:
    """Seconds of ``forecast()`` after a run, and of the forecast inside ``run --forecast``."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    from demo_data import flight_delays

    from mlplan.app.forecast import forecast
    from mlplan.app.run import run as run_plan

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        flight_delays(n_rows, seed=0).to_parquet(folder / "flights.parquet", index=False)
        (folder / "mlplan.yaml").write_text(PLAN)
        t0 = time.perf_counter()
        run_plan(folder, n_jobs=n_jobs, write_reports=False)
        run_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = forecast(folder, n_jobs=n_jobs, write_charts=False)
        standalone = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_plan(folder, n_jobs=n_jobs, write_reports=False, forecast=True)
        with_forecast = time.perf_counter() - t0
    return {
        "n_train": float(result.n_train),
        "run_s": run_seconds,
        "forecast_s": standalone,
        "run_forecast_s": with_forecast,
        "forecast_in_run_s": max(with_forecast - run_seconds, 0.0),
    }


if __name__ == "__main__":
    print(wall_time())
