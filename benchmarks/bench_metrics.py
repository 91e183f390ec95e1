"""Benchmark of the metric engine against the path a user would otherwise take.

Binary float32 scores, 10 % positives, n = 1e5, 1e6, 1e7 (``--sizes`` to change).
CPU seconds (``time.process_time``) in one run; brute-force references run a few
resamples and are extrapolated linearly to 1000 (marked "~").

Run: ``python benchmarks/bench_metrics.py [--sizes 1e5,1e6,1e7]``
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats
from sklearn.metrics import f1_score, precision_recall_curve

from mlplan.core.metrics import compare, operating_point
from mlplan.core.metrics.bootstrap import interval, multinomial_replicates, rechosen_replicates
from mlplan.core.metrics.constraints import parse_constraint
from mlplan.core.metrics.counts import score_curve
from mlplan.core.metrics.definitions import confusion_value
from mlplan.core.metrics.objective import count_function

B = 1000


def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.1
    a = (rng.normal(0, 1, n) + 2.2 * y).astype(np.float32)
    a = (1 / (1 + np.exp(-a))).astype(np.float32)
    b = (rng.normal(0, 1, n) + 2.4 * y).astype(np.float32)
    b = (1 / (1 + np.exp(-b))).astype(np.float32)
    return y.astype(np.int8), a, b


def sklearn_op(y: np.ndarray, s: np.ndarray) -> tuple[Any, float, float]:
    """Best recall with precision >= 0.9, then the highest threshold (the undominated tie)."""
    p, r, t = precision_recall_curve(y, s)
    p, r = p[:-1], r[:-1]
    ok = p >= 0.9
    best = r[ok].max()
    i = int(np.flatnonzero(ok & (r == best))[-1])  # thresholds ascend: the last is the highest
    return t[i], r[i], p[i]


def run(n: int) -> list[tuple[str, float, str]]:
    y, a, b = data(n)
    yb = y.astype(bool)
    rows: list[tuple[str, float, str]] = []
    t_read, _ = cpu(lambda: (int(y.sum()), float(a.sum())))
    rows.append(("one read of the arrays", t_read, ""))
    t_sk, ref = cpu(lambda: sklearn_op(y, a))
    t_op, op = cpu(lambda: operating_point(y, a, "recall", {"precision": ">= 0.9"}))
    same = (
        op.threshold.tobytes() == np.float32(ref[0]).tobytes()
        and op.metrics["recall"] == ref[1]
        and op.metrics["precision"] == ref[2]
    )
    rows.append(("sklearn precision_recall_curve + numpy selection", t_sk, ""))
    rows.append(
        ("mlplan operating_point (exact)", t_op, f"{t_sk / t_op:.1f}x faster; bit-identical={same}")
    )

    def op_plus_ci() -> tuple[float | None, float | None]:
        o = operating_point(y, a, "recall", {"precision": ">= 0.9"})
        cells = o.counts.as_array()
        d = multinomial_replicates(cells, B, np.random.default_rng(0)).astype(np.float64)
        reps = confusion_value("f1", d[:, 0], d[:, 1], d[:, 2], d[:, 3])
        return interval(reps, o.metrics["f1"])

    t_ci, _ = cpu(op_plus_ci)
    rows.append(
        (f"op + {B}-resample F1 interval at that threshold", t_ci, f"{t_ci / t_op:.2f}x op alone")
    )

    def op_rechosen() -> Any:
        curve = score_curve(yb, a)
        obj = count_function("recall")
        cons = [(parse_constraint("precision", ">= 0.9"), count_function("precision"))]
        o = operating_point(y, a, "recall", {"precision": ">= 0.9"})
        reps, _ = rechosen_replicates(curve, obj, True, cons, B, np.random.default_rng(0))
        return o, interval(reps, o.value)

    t_re, _ = cpu(op_rechosen)
    rows.append(
        (f"op + {B}-resample interval, threshold re-chosen", t_re, f"{t_re / t_op:.2f}x op alone")
    )
    t_pair, _ = cpu(lambda: compare(y, a, b, metric="f1", n_resamples=B))
    rows.append(("paired compare (dF1 interval + McNemar)", t_pair, ""))
    rows.append(("all mlplan rows above together", t_op + t_ci + t_re + t_pair, ""))

    # brute-force references, extrapolated
    rng = np.random.default_rng(1)
    k = 3 if n <= 1_000_000 else 2
    pred = a >= 0.5

    def loop_f1() -> None:
        for _ in range(k):
            idx = rng.integers(0, n, n)
            f1_score(y[idx], pred[idx])

    t, _ = cpu(loop_f1)
    rows.append((f"~ python loop of {B} f1_score resamples", t * B / k, "extrapolated"))
    if n <= 1_000_000:

        def scipy_boot() -> None:
            stats.bootstrap(
                (y, pred),
                lambda yy, pp, axis=-1: (
                    2 * np.sum(yy * pp, axis=axis) / (np.sum(yy, axis=axis) + np.sum(pp, axis=axis))
                ),
                paired=True,
                vectorized=True,
                n_resamples=k,
                method="percentile",
                random_state=0,
            )

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t, _ = cpu(scipy_boot)
        rows.append((f"~ scipy.stats.bootstrap vectorised ({B})", t * B / k, "extrapolated"))

    def loop_rechoose() -> None:
        for _ in range(k):
            idx = rng.integers(0, n, n)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sklearn_op(y[idx], a[idx])

    t, _ = cpu(loop_rechoose)
    rows.append((f"~ same loop re-choosing the threshold ({B})", t * B / k, "extrapolated"))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1e5,1e6,1e7")
    args = ap.parse_args()
    for n in [int(float(x)) for x in args.sizes.split(",")]:
        print(f"\nn = {n:,} (float32 scores, 10% positives), CPU seconds")
        print(f"{'task':<56}{'seconds':>11}  note")
        for name, t, note in run(n):
            print(f"{name:<56}{t:>11.3f}  {note}")


if __name__ == "__main__":
    main()
