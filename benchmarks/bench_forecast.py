"""Benchmark of the data-size forecast on curves measured the way the product does.

The curves (``benchmarks/curves/e2e``, measured by ``collect_curves.py`` with
mlplan's own ``learning_curves`` on public tables, several rung families) start
from 10 % of a table's training part; the truth is the test score of the rung
trained on 2x, 4x, 8x that and on the full training part. Everything below is
leave-one-table-out: the constants are re-fitted without the table forecast.

Tables printed (the forecast half of the issue's ``bench_decisions`` table):

1. coverage of the 80 % intervals and unit-free MAE at 2x/4x/8x/full, against
   carrying today's score forward, for test-anchored forecasts (``mlplan run
   --forecast``), cross-validation-only forecasts (``mlplan forecast`` without a
   run) and single-run curves (one fold per size);
2. "data needed": within 2x of the true size, covered by its interval, called
   beyond 100x although reached, beside answering "2x" or "4x today" every
   time (on true sizes of 2x-10x a constant 4x is within 2x most of the time,
   so the share alone says little); targets no size reached (the best true
   score plus half and all of its gain) promised by half the full size; and
   how well the chance separates reached from never-reached targets (ROC AUC);
3. end to end per table on named tables: points covered, data needed within 2x;
4. wall time of the forecast on 20,000 training rows (``forecast_speed.py``).

Usage::

    python benchmarks/bench_forecast.py              # all tables
    python benchmarks/bench_forecast.py --calibrate  # constants for calibration.py
    python benchmarks/bench_forecast.py --no-speed
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from forecast_calibrate import all_features, calibrate, leave_one_table_out
from forecast_cases import (
    HORIZONS,
    Case,
    Prediction,
    constant_size,
    last_value,
    load_records,
    make_cases,
    needed_targets,
    score,
)

#: Rungs that learn (the dummy's flat curve is forecast as it is and would flatter the numbers).
LEARNERS = ("linear", "gradient_boosting", "extra_trees", "neural_net", "bag_of_words")
END_TO_END = (
    "flights",
    "modeldata_wa_churn",
    "modeldata_lending_club",
    "ggplot2_diamonds",
    "amazon_reviews",
    "Ecdat_Hmda",
)


def learning_cases(*, single_run: bool = False) -> list[Case]:
    return [c for c in make_cases(load_records(), single_run=single_run) if c.rung in LEARNERS]


def _row(name: str, r: dict[str, float]) -> str:
    cov = " ".join(f"{r[f'cov_{h}']:>6.3f}" for h in HORIZONS)
    mae = " ".join(f"{r[f'mae_{h}']:>7.4f}" for h in HORIZONS)
    return f"{name:<34} {cov}   {mae}   {r['within2x']:>6.3f} {r['n_covered']:>6.3f}"


def print_horizon_table(rows: dict[str, dict[str, float]], reference: dict[str, float]) -> None:
    head = " ".join(f"{h:>6}" for h in HORIZONS)
    print(f"{'':<34} {'coverage of 80 % intervals':<27}   {'unit-free MAE':<31}   data needed")
    print(
        f"{'method':<34} {head}   {' '.join(f'{h:>7}' for h in HORIZONS)}   {'<=2x':>6} {'cov':>6}"
    )
    for name, r in rows.items():
        print(_row(name, r))
    for name, r in rows.items():
        if name.startswith("last value"):
            continue
        ratio = " ".join(f"{r[f'mae_{h}'] / reference[f'mae_{h}']:>7.3f}" for h in HORIZONS)
        print(f"  MAE ratio to last value, {name:<24} {ratio}")


def evaluate(cases: list[Case], *, anchor: bool, label: str) -> tuple[list[Case], list[Prediction]]:
    features = all_features(cases, anchor=anchor)
    held_cases, held = leave_one_table_out(cases, features, anchor=anchor)
    reference = score(held_cases, [last_value(c, test=anchor) for c in held_cases])
    rows = {
        f"mlplan, {label}": score(held_cases, held),
        f"last value ({'test' if anchor else 'CV'} today)": reference,
    }
    n_tables = len({c.table for c in cases})
    print(
        f"\n{label}: {len(cases)} curves, {n_tables} tables, "
        f"{int(rows[f'mlplan, {label}']['n_points'])} points, "
        f"{int(rows[f'mlplan, {label}']['n_targets'])} data-needed targets (leave-one-table-out)"
    )
    print_horizon_table(rows, reference)
    print_needed_table(held_cases, rows[f"mlplan, {label}"])
    return held_cases, held


def print_needed_table(cases: list[Case], ours: dict[str, float]) -> None:
    """Data needed: ours beside answering every question with a fixed multiple of today."""
    rows = {"mlplan": ours}
    for multiple in (2, 4):
        rows[f"always {multiple}x today"] = score(
            cases, [constant_size(c, multiple) for c in cases]
        )
    print(
        f"  data needed {'':<21} {'<=2x':>6} {'interval covers':>16} "
        f"{'said beyond 100x':>17} {'never-reached promised by full/2':>33} "
        f"{'chance AUC':>10}"
    )
    for name, r in rows.items():
        print(
            f"  {name:<33} {r['within2x']:>6.3f} {r['n_covered']:>16.3f} "
            f"{r['said_beyond']:>17.3f} {r['promised']:>33.3f} {r['chance_auc']:>10.3f}"
        )


def print_per_rung(cases: list[Case], predictions: list[Prediction]) -> None:
    print(
        "\nper rung (test-anchored, leave-one-table-out): coverage all horizons, MAE@4x / last value"
    )
    for rung in LEARNERS:
        idx = [i for i, c in enumerate(cases) if c.rung == rung]
        if not idx:
            continue
        sub = [cases[i] for i in idx]
        ours = score(sub, [predictions[i] for i in idx])
        ref = score(sub, [last_value(c, test=True) for c in sub])
        cov = np.mean([ours[f"cov_{h}"] for h in HORIZONS])
        print(
            f"  {rung:<18} {len(sub):>4} curves  coverage {cov:.3f}  "
            f"MAE@4x {ours['mae_4x']:.4f} / {ref['mae_4x']:.4f}  within 2x {ours['within2x']:.3f}"
        )


def print_end_to_end(cases: list[Case], predictions: list[Prediction]) -> None:
    print(
        "\nend to end (forecast from 10 % of the rows, truly trained at 2x/4x/8x/full; unseen table)"
    )
    print(f"  {'table':<26} {'rung':<18} {'covered':>8} {'needed<=2x':>11}  ratios of n")
    total_cov = total_pts = total_in = total_n = 0
    for table in END_TO_END:
        for i, case in enumerate(cases):
            if case.table != table:
                continue
            p = predictions[i]
            ok = np.isfinite(case.truth)
            hits = (p.lo[ok] - 1e-12 <= case.truth[ok]) & (case.truth[ok] <= p.hi[ok] + 1e-12)
            _, true_n = needed_targets(case)
            ratio = p.needed / true_n if len(true_n) else np.array([])
            within = int(((ratio >= 0.5) & (ratio <= 2.0)).sum())
            total_cov += int(hits.sum())
            total_pts += int(ok.sum())
            total_in += within
            total_n += len(ratio)
            shown = ", ".join("inf" if not np.isfinite(r) else f"{r:.2g}" for r in ratio)
            print(
                f"  {table:<26} {case.rung:<18} {int(hits.sum()):>3} of {int(ok.sum()):<3} "
                f"{within:>4} of {len(ratio):<4}  {shown}"
            )
    print(f"  {'all':<26} {'':<18} {total_cov:>3} of {total_pts:<3} {total_in:>4} of {total_n:<4}")


def print_calibration(cases: list[Case], anchor: bool) -> None:
    """The fitted constants as source for ``core/forecast/calibration.py``."""
    from dataclasses import fields

    cal = calibrate(all_features(cases, anchor=anchor))
    name = "DEFAULT_CALIBRATION" if anchor else "CV_CALIBRATION"

    def show(value: object) -> str:
        if isinstance(value, tuple):
            return (
                "(" + ", ".join(f"{v:.4g}" for v in value) + ("," if len(value) == 1 else "") + ")"
            )
        return "0.0" if abs(float(value)) < 1e-6 else f"{value:.4g}"

    body = "".join(f"    {f.name}={show(getattr(cal, f.name))},\n" for f in fields(cal))
    print(f"\n{name} = Calibration(\n{body})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calibrate", action="store_true", help="print fitted constants")
    parser.add_argument("--no-speed", action="store_true", help="skip the wall-time run")
    parser.add_argument(
        "--from-cache",
        action="store_true",
        help="accepted for old callers: curves are always read from benchmarks/curves/e2e "
        "(measure them with collect_curves.py)",
    )
    args = parser.parse_args(argv)
    cases = learning_cases()
    if args.calibrate:
        print_calibration(cases, anchor=True)
        print_calibration(cases, anchor=False)
        return 0
    held_cases, held = evaluate(cases, anchor=True, label="test-anchored")
    evaluate(cases, anchor=False, label="cross-validation only")
    evaluate(learning_cases(single_run=True), anchor=True, label="single-run, test-anchored")
    print_per_rung(held_cases, held)
    print_end_to_end(held_cases, held)
    if not args.no_speed:
        from forecast_speed import wall_time

        times = wall_time()
        print(
            f"\nwall time on {times['n_train']:,.0f} training rows (default rungs, 2 jobs): "
            f"mlplan forecast {times['forecast_s']:.1f} s; forecast inside run --forecast "
            f"{times['forecast_in_run_s']:.1f} s (run alone {times['run_s']:.1f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
