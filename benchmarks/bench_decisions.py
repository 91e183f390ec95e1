"""Benchmark: mlplan's decisions as claims, each with a false-alarm rate and a power.

Sections (``--section``):

``leakage``
    Every leakage guard on each table of ``decision_tables.TABLES`` as it is (any
    ``warning`` or ``critical`` there is a false alarm), then with one planted leak
    at a time (power): 5 % of the test size in training rows copied into the test
    part with their labels; a column computed from the target; the table sorted by
    its target with a record number the model reads. A leak is caught when a
    ``warning`` or ``critical`` guard of the right kind names it.
``advice``
    ``mlplan run`` (ladder ``dummy, linear, gradient_boosting``, plus
    ``bag_of_words`` on text) on each table, optionally with ``--forecast``:
    conflicts per run (a model sent to two stages; "collect data" while the
    learning curve is flat or ADV014 says data will not reach the requirement;
    "deploy" while leakage or a meaningless metric is reported; ADV002 naming a
    best baseline other than the results table's), how often ADV003 and ADV013
    fire, and whether the best model's test score agreed with its CV interval.
    With ``--shift`` the test rows' features are perturbed after the split is
    frozen (noise of one standard deviation, 30 % of categories replaced): the
    power of ADV015 "test rows unlike the training rows".

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_decisions.py [--section leakage]
[--only titanic,wages] [--forecast]``. The leakage section takes a few minutes on
2 cores, the advice section about as long without forecasts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from decision_tables import TABLES, Table, copy_rows, id_in_label_order, target_function

#: The planted leaks and the guard codes that catch each.
LEAKS = {
    "copied rows": {"duplicate_rows"},
    "target function": {"single_feature"},
    "id in label order": {"id_like_column", "single_feature"},
}
COPY_SHARE = 0.05


def _prepare(table: pd.DataFrame, target: str) -> tuple[Any, Any]:
    from mlplan.core.data.dataset import build_dataset
    from mlplan.core.data.split import make_split
    from mlplan.schema.plan import DataSection

    section = DataSection(path="-", target=target, id="row_id")
    dataset = build_dataset(table, section)
    return dataset, make_split(dataset, section.split)


def _with_ids(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(row_id=[f"r{i}" for i in range(len(table))])


def _alarms(warnings: tuple[Any, ...]) -> list[Any]:
    return [w for w in warnings if w.severity != "info"]


def leakage_rows(table: Table) -> list[dict[str, Any]]:
    """The guards on one table: as it is, then with each planted leak."""
    from mlplan.core.baselines.leakage import check_leakage
    from mlplan.core.data.dataset import build_dataset
    from mlplan.schema.plan import DataSection

    raw = table.load()
    rows = []
    clean = _with_ids(raw)
    dataset, split = _prepare(clean, table.target)
    began = time.perf_counter()
    found = check_leakage(dataset, split)
    seconds = time.perf_counter() - began
    alarms = _alarms(found)
    rows.append(
        {
            "table": table.name,
            "case": "no leak",
            "rows": len(raw),
            "alarm": bool(alarms),
            "fired": ", ".join(f"{w.severity} {w.code}" for w in alarms) or "–",
            "notes": len(found) - len(alarms),
            "seconds": seconds,
            "evidence": "; ".join(w.evidence[:160] for w in alarms),
        }
    )
    leaked, new_ids = copy_rows(
        clean, list(split.train_ids), COPY_SHARE * len(split.test_ids) / len(split.train_ids)
    )
    copied = build_dataset(leaked, DataSection(path="-", target=table.target, id="row_id"))
    copied_split = replace(split, test_ids=(*split.test_ids, *new_ids))
    cases = {
        "copied rows": (copied, copied_split, None),
        "target function": (
            *_prepare(_with_ids(target_function(raw, table.target)), table.target),
            "settled_amount",
        ),
        "id in label order": (
            *_prepare(_with_ids(id_in_label_order(raw, table.target)), table.target),
            "record",
        ),
    }
    for case, (data, part, column) in cases.items():
        began = time.perf_counter()
        found = check_leakage(data, part)
        seconds = time.perf_counter() - began
        hits = [
            w
            for w in _alarms(found)
            if w.code in LEAKS[case] and (column is None or w.column == column)
        ]
        rows.append(
            {
                "table": table.name,
                "case": case,
                "rows": len(data.ids),
                "alarm": bool(hits),
                "fired": ", ".join(f"{w.severity} {w.code}" for w in hits) or "missed",
                "notes": 0,
                "seconds": seconds,
                "evidence": hits[0].evidence[:200]
                if hits
                else "; ".join(w.evidence[:200] for w in found if w.code in LEAKS[case]),
            }
        )
    return rows


def print_leakage(rows: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(rows)
    clean = frame[frame["case"] == "no leak"]
    print("\n## Leakage guards\n")
    print(
        "| table | rows | no leak: alarms | copied rows | target function | id in label order | guards s |"
    )
    print("|---|---:|---|---|---|---|---:|")
    for name, group in frame.groupby("table", sort=False):
        by = {r["case"]: r for _, r in group.iterrows()}
        print(
            f"| {name} | {by['no leak']['rows']} | {by['no leak']['fired']} | "
            f"{by['copied rows']['fired']} | {by['target function']['fired']} | "
            f"{by['id in label order']['fired']} | {group['seconds'].max():.1f} |"
        )
    print(
        f"\nfalse alarms: {int(clean['alarm'].sum())} of {len(clean)} tables with no planted leak"
    )
    for case in LEAKS:
        part = frame[frame["case"] == case]
        print(f"power, {case}: {int(part['alarm'].sum())} of {len(part)} tables")
    for _, r in frame.iterrows():
        if (r["case"] == "no leak" and r["alarm"]) or (r["case"] != "no leak" and not r["alarm"]):
            print(f"- {r['table']} / {r['case']}: {r['evidence']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", choices=("leakage", "advice", "all"), default="all")
    parser.add_argument("--only", default="", help="comma-separated table names")
    parser.add_argument("--forecast", action="store_true", help="advice runs measure a forecast")
    parser.add_argument(
        "--shift", action="store_true", help="advice runs on test rows with perturbed features"
    )
    args = parser.parse_args()
    chosen = [t for t in TABLES if not args.only or t.name in args.only.split(",")]
    if args.section in ("leakage", "all"):
        rows = []
        for table in chosen:
            rows += leakage_rows(table)
            print(f"leakage: {table.name} done", file=sys.stderr)
        print_leakage(rows)
    if args.section in ("advice", "all"):
        from bench_advice import advice_rows, print_advice

        with tempfile.TemporaryDirectory() as folder:
            rows = []
            for table in chosen:
                rows.append(
                    advice_rows(table, Path(folder), forecast=args.forecast, shift=args.shift)
                )
                print(f"advice: {table.name} done", file=sys.stderr)
        print_advice(rows)


if __name__ == "__main__":
    main()
