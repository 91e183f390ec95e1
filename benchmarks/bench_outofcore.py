"""Benchmark: the exact operating point + a 1000-resample interval on a Parquet set of 1e8 rows.

A binary prediction set (truth ``y_true``, float64 ``score``; positives 10 %) is
written as Parquet parts of ``--part`` rows in a temporary folder (about 9 bytes
a row: check ``df -h /tmp`` first). Each step runs in a child process of its
own, so its peak memory is its own:

1. out of core (``mlplan.core.metrics.outofcore``) on all rows: recall s.t.
   precision >= 0.8, exact threshold and count-bootstrap interval (1000 resamples);
2. the same on a ``--subset``-row prefix, and the in-memory engine
   (``operating_point`` + ``MetricPolicy.evaluate(rechoose=False)``) on those rows
   loaded: the thresholds must be bit-identical;
3. scikit-learn's ``precision_recall_curve`` path on the subset (the ratio).

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_outofcore.py [--rows 1e8] [--subset 1e7]``
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POLICY = {"optimise": "recall", "subject_to": {"precision": ">= 0.8"}, "resamples": 1000}


def write(folder: Path, rows: int, part: int) -> list[str]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    names = []
    for i, start in enumerate(range(0, rows, part)):
        n = min(part, rows - start)
        y = rng.random(n) < 0.1
        score = np.clip(rng.normal(0.3 + 0.35 * y, 0.15), 0, 1)
        name = str(folder / f"part-{i:04d}.parquet")
        pq.write_table(pa.table({"y_true": y, "score": score}), name, row_group_size=1_000_000)
        names.append(name)
    return names


def step(kind: str, files: list[str]) -> dict[str, object]:
    import pyarrow.parquet as pq

    from mlplan.core.metrics import operating_point, policy_from_section
    from mlplan.core.metrics.outofcore import OutOfCore
    from mlplan.io.data.partitioned import PartReader

    policy = policy_from_section(POLICY, "binary")
    start = time.perf_counter()
    if kind == "outofcore":
        engine = OutOfCore(files, PartReader("y_true", "score", True))
        found = engine.evaluate(policy)
        point = engine.operating_point("recall", {"precision": ">= 0.8"})
        out = {
            "threshold": float(point.threshold).hex(),
            "value": found.result.value,
            "lo": found.result.lo,
            "hi": found.result.hi,
            "passes": engine.passes,
            "n": found.n_rows,
        }
    else:
        table = pq.ParquetDataset(files).read()
        y = table.column("y_true").to_numpy()
        s = table.column("score").to_numpy()
        del table
        if kind == "memory":
            point = operating_point(y, s, "recall", {"precision": ">= 0.8"})
            found = policy.evaluate(y, y_score=s, rechoose=False)
            out = {
                "threshold": float(point.threshold).hex(),
                "value": found.value,
                "lo": found.lo,
                "hi": found.hi,
                "n": int(y.size),
            }
        else:
            from sklearn.metrics import precision_recall_curve

            precision, recall, thresholds = precision_recall_curve(y, s)
            ok = precision[:-1] >= 0.8
            best = recall[:-1][ok].max()
            out = {
                "threshold": float(thresholds[ok & (recall[:-1] == best)][0]).hex(),
                "value": float(best),
                "n": int(y.size),
            }
    out["wall"] = time.perf_counter() - start
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=float, default=1e8)
    parser.add_argument("--subset", type=float, default=1e7)
    parser.add_argument("--part", type=float, default=5e6)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(step(args.child[0], args.child[1:])))
        return
    rows, subset, part = int(args.rows), int(args.subset), int(args.part)
    folder = Path(tempfile.mkdtemp(prefix="mlplan-outofcore-"))
    try:
        free = shutil.disk_usage(folder).free
        if free < 2 * 9 * rows:
            sys.exit(f"only {free / 1e9:.0f} GB free in {folder}; scale down with --rows")
        began = time.perf_counter()
        files = write(folder, rows, part)
        written = time.perf_counter() - began
        size = sum(Path(f).stat().st_size for f in files) / 1e9
        head = files[: max(1, subset // part)]

        def run(kind: str, names: list[str]) -> dict[str, object]:
            done = subprocess.run(
                [sys.executable, __file__, "--child", kind, *names],
                capture_output=True,
                text=True,
                check=True,
            )
            return json.loads(done.stdout.strip().splitlines()[-1])

        results = [
            ("out of core", rows, run("outofcore", files)),
            ("out of core", subset, run("outofcore", head)),
            ("in memory (mlplan)", subset, run("memory", head)),
            ("scikit-learn precision_recall_curve", subset, run("sklearn", head)),
        ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\n{rows:.0e} rows in {len(files)} Parquet parts ({size:.1f} GB, written in {written:.0f} s); "
        f"policy recall s.t. precision >= 0.8, 1000 resamples\n"
    )
    print("| engine | rows | wall s | peak MB | threshold (hex) | recall | interval | passes |")
    print("|---|---:|---:|---:|---|---:|---|---:|")
    for name, n, r in results:
        ci = f"[{r['lo']:.5f}, {r['hi']:.5f}]" if r.get("lo") is not None else "–"
        print(
            f"| {name} | {n:.0e} | {r['wall']:.1f} | {r['peak_mb']:.0f} | {r['threshold']} | "
            f"{r['value']:.6f} | {ci} | {r.get('passes', '–')} |"
        )
    sub, mem, skl = results[1][2], results[2][2], results[3][2]
    print(
        f"\nbit-identical threshold on the subset: out of core vs in memory "
        f"{sub['threshold'] == mem['threshold']}, vs scikit-learn {sub['threshold'] == skl['threshold']}; "
        f"interval equal: {(sub['lo'], sub['hi']) == (mem['lo'], mem['hi'])}"
    )
    print(
        f"scikit-learn / out of core wall time on {subset:.0e} rows: {skl['wall'] / sub['wall']:.2f}; "
        f"peak memory: {skl['peak_mb'] / sub['peak_mb']:.1f}x"
    )


if __name__ == "__main__":
    main()
