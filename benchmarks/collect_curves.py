"""Measure learning curves the way the product does, with the truth at larger sizes.

For every table of :mod:`forecast_tables` and every rung it lists:

1. the table becomes a mlplan :class:`~mlplan.core.data.dataset.Dataset`, split by
   the plan's default (20 % test, stratified, or by time for flights);
2. "today" is a random 10 % of the training part: mlplan's own
   :func:`~mlplan.core.forecast.curves.learning_curves` measures the rung's curve
   inside it (cross-validation folds, one fit per size and fold, no repeats);
3. the truth: the rung is trained on nested random subsets of the training part
   of 1x (today), 2x, 4x, 8x today's rows and on the full training part (about
   10x), each scored on the untouched test part with the plan's metric.

One JSON file per (table, rung) under ``benchmarks/curves/e2e/``; existing files
are never recomputed. The metric cycles with the table (ranking, thresholded and
error metrics), so the calibration sees all kinds.

Usage (heavy: run niced, one process)::

    nice -n 15 python benchmarks/collect_curves.py [--tables NAME ...] [--rungs R ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from forecast_tables import MIN_ROWS, TABLES, TableSpec, load_table

OUT = Path(__file__).resolve().parent / "curves" / "e2e"
START_SHARE = 0.1
MULTIPLES = (1, 2, 4, 8)

METRICS = {
    "binary": ("roc_auc", "f1", "accuracy", "balanced_accuracy", "average_precision", "recall"),
    "multiclass": ("accuracy", "balanced_accuracy"),
    "regression": ("r2", "mae", "rmse"),
}


def metric_for(task: str, index: int) -> str:
    """The table's metric: cycles through the task's metrics with the table's position."""
    names = METRICS[task]
    return names[index % len(names)]


def prepare(spec: TableSpec, index: int) -> dict[str, Any]:
    """Dataset, split, policy and today's sub-split of one table."""
    from mlplan.core.data.dataset import build_dataset
    from mlplan.core.data.split import make_split
    from mlplan.core.metrics import policy_from_section
    from mlplan.schema.plan import DataSection, MetricSection, SplitSection

    raw = load_table(spec)
    section = DataSection(
        path="-",
        target=spec.target,
        task=spec.task,  # type: ignore[arg-type]
        positive=spec.positive,  # type: ignore[arg-type]
        split=SplitSection(time=spec.time),
    )
    dataset = build_dataset(raw, section)
    split = make_split(dataset, section.split)
    metric = metric_for(dataset.task, index)
    msec = MetricSection(optimise=metric, resamples=0)
    policy = policy_from_section(msec, dataset.task)
    train_pos, test_pos = split.positions(dataset)
    rng = np.random.default_rng(index)
    order = rng.permutation(len(train_pos))
    n_today = round(START_SHARE * len(train_pos))
    today_ids = tuple(sorted(dataset.ids[train_pos[order[:n_today]]]))
    return {
        "dataset": dataset,
        "split": split,
        "policy": policy,
        "metric": metric,
        "balanced": msec.weighs_classes_equally,
        "train_pos": train_pos,
        "test_pos": test_pos,
        "order": order,
        "n_today": n_today,
        "today": replace(split, train_ids=today_ids),
    }


def measure(spec: TableSpec, rung: str, ctx: dict[str, Any]) -> dict[str, Any]:
    """Today's learning curve and the test scores at 1x-8x and the full training part."""
    from threadpoolctl import threadpool_limits

    from mlplan.core.baselines.jobs import predict
    from mlplan.core.baselines.ladder import default_folds
    from mlplan.core.baselines.rungs import build_estimator
    from mlplan.core.forecast.curves import learning_curves

    dataset, policy = ctx["dataset"], ctx["policy"]
    start = time.perf_counter()
    [curve] = learning_curves(
        dataset,
        ctx["today"],
        policy,
        [rung],
        n_folds=default_folds(ctx["n_today"]),
        balanced=ctx["balanced"],
        n_jobs=1,
    )
    curve_seconds = time.perf_counter() - start
    kinds = {c.name: c.kind for c in dataset.columns if c.is_feature}
    train_pos, test_pos, order = ctx["train_pos"], ctx["test_pos"], ctx["order"]
    n_full = len(train_pos)
    sizes = sorted({min(m * ctx["n_today"], n_full) for m in MULTIPLES} | {n_full})
    X, y = dataset.frame, dataset.y
    truth = []
    for n in sizes:
        rows = train_pos[np.sort(order[:n])]
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = build_estimator(rung, dataset.task, kinds, balanced=ctx["balanced"])
            t0 = time.perf_counter()
            try:
                model.fit(X.iloc[rows], y[rows])
            except ValueError:  # a class too rare for early stopping's split
                truth.append({"size": int(n), "score": None, "fit_seconds": None})
                continue
            seconds = time.perf_counter() - t0
            preds = predict(model, X.iloc[test_pos], dataset)
        result = policy.evaluate(y[test_pos], y_pred=preds.pred, y_score=preds.score, n_resamples=0)
        value = None if result.value is None else float(result.value)
        truth.append({"size": int(n), "score": value, "fit_seconds": seconds})
    return {
        "table": spec.name,
        "rung": rung,
        "task": dataset.task,
        "metric": ctx["metric"],
        "higher_is_better": bool(policy.higher_is_better),
        "bounds": [float(v) for v in policy.value_range],
        "n_rows": len(dataset.ids),
        "n_train_full": n_full,
        "n_test": len(test_pos),
        "n_today": ctx["n_today"],
        "split": ctx["split"].strategy,
        "curve": {
            "sizes": list(curve.sizes),
            "scores": [None if not np.isfinite(s) else float(s) for s in curve.scores],
            "fit_seconds": list(curve.fit_seconds),
            "n_available": curve.n_available,
            "seconds": curve_seconds,
        },
        "truth": truth,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", nargs="*", default=None)
    parser.add_argument("--rungs", nargs="*", default=None)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for index, spec in enumerate(TABLES):
        if args.tables and spec.name not in args.tables:
            continue
        rungs = [r for r in spec.rungs if not args.rungs or r in args.rungs]
        todo = [r for r in rungs if not (OUT / f"{spec.name}__{r}.json").exists()]
        if not todo:
            continue
        try:
            ctx = prepare(spec, index)
        except Exception as exc:  # a table that does not load is reported, not fatal
            print(f"skip {spec.name}: {type(exc).__name__}: {exc}", flush=True)
            continue
        if len(ctx["dataset"].ids) < MIN_ROWS:
            print(f"skip {spec.name}: {len(ctx['dataset'].ids)} rows", flush=True)
            continue
        for rung in todo:
            t0 = time.perf_counter()
            try:
                record = measure(spec, rung, ctx)
            except Exception as exc:
                print(f"fail {spec.name}/{rung}: {type(exc).__name__}: {exc}", flush=True)
                continue
            path = OUT / f"{spec.name}__{rung}.json"
            path.write_text(json.dumps(record, separators=(",", ":")))
            print(
                f"{spec.name}/{rung} ({ctx['metric']}, {record['n_train_full']} rows): "
                f"{time.perf_counter() - t0:.0f}s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
