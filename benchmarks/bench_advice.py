"""The advice section of ``bench_decisions.py``: one ``mlplan run`` per table, judged.

The conflicts are counted here from what the user reads (the open findings and
the numbers they carry), not with the engine's own bookkeeping, so the same code
measures mlplan before and after a change:

``two stages``
    a model sent to two stages by open findings (a finding about the whole run
    -- leakage, the metric, the requirement -- sends every model);
``data vs curve``
    ADV003 or ADV013 telling the user to collect data (not merely on hold behind
    another finding's data stage) while ADV014 says no data reaches the
    requirement, or while the forecast gains less than 0.01 (bounded metrics; 1 %
    of today's value otherwise) at 4x today's training rows;
``deploy vs stop``
    ADV005 sending to deployment while leakage (ADV012), a meaningless metric
    (ADV007) or unlike test rows (ADV015) are reported;
``ADV002 naming``
    ADV002 calling a rung "the best baseline" that the results table does not rank
    first among the baselines, or diagnosing another rung than the one it names.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from decision_tables import Table

__all__ = ["advice_rows", "print_advice"]

#: Rows each run uses at most (text tables fewer: bag-of-words fits are the slow part).
MAX_ROWS, MAX_TEXT_ROWS = 6000, 3000
RUN_LEVEL = {"ADV007", "ADV008", "ADV009", "ADV011", "ADV012", "ADV015"}
_SUBJECT_KEYS = ("candidate", "rung", "champion", "model", "best", "worst", "best_ml")


def _subject(finding: Any) -> str | None:
    if finding.code in RUN_LEVEL:
        return None
    if getattr(finding, "subject", None):
        return str(finding.subject)
    return next((str(finding.numbers[k]) for k in _SUBJECT_KEYS if finding.numbers.get(k)), None)


def _flat(forecast: dict[str, Any] | None, higher: bool) -> bool:
    if not forecast:
        return False
    rungs = {r["rung"]: r for r in (forecast.get("forecast") or {}).get("rungs", [])}
    curve, n = rungs.get(forecast.get("rung")), forecast.get("n_train")
    if curve is None or not n:
        return False
    sizes = np.log(np.asarray(curve["query_sizes"], float))
    today, later = (float(np.interp(math.log(f * n), sizes, curve["mean"])) for f in (1, 4))
    gain = (later - today) * (1 if higher else -1)
    bounded = min(today, later) >= 0 and max(today, later) <= 1
    return gain < (0.01 if bounded else 0.01 * abs(today))


def _collects(finding: Any) -> bool:
    """Whether the finding itself tells the user to collect data.

    A finding put on hold behind another one's stage says so in its message
    ("On hold: ADV015 sends the project to the data stage first") and keeps
    its own proposal, which is what the user reads as its advice.
    """
    proposed = finding.numbers.get("proposed_stage", finding.stage)
    return finding.stage == "data" and proposed == "data"


def conflicts(advice: Any, result: Any, forecast: dict[str, Any] | None) -> list[str]:
    """Every conflict a user would read in this run's open advice."""
    open_ = [f for f in advice.findings if f.outcome in ("issue", "tip") and f.stage]
    out = []
    run_stages = {f.stage for f in open_ if _subject(f) is None}
    for model in {_subject(f) for f in open_} - {None}:
        stages = {f.stage for f in open_ if _subject(f) == model} | run_stages
        if len(stages) > 1:
            out.append(f"two stages: {model} → {', '.join(sorted(stages))}")
    codes = {f.code: f for f in open_}
    collect = [c for c in ("ADV003", "ADV013") if c in codes and _collects(codes[c])]
    if collect and ("ADV014" in codes or _flat(forecast, result.higher_is_better)):
        why = "ADV014" if "ADV014" in codes else "a flat curve"
        out.append(f"data vs curve: {', '.join(collect)} collect data despite {why}")
    stops = {"ADV012", "ADV007", "ADV015"} & set(codes)
    if "ADV005" in codes and codes["ADV005"].stage == "deployment" and stops:
        out.append(f"deploy vs stop: ADV005 deploys despite {', '.join(sorted(stops))}")
    if "ADV002" in codes:
        out += _adv002(codes["ADV002"], result)
    return out


def _adv002(finding: Any, result: Any) -> list[str]:
    sign = 1 if result.higher_is_better else -1
    baselines = [e for e in result.evaluations if e.source == "rung" and e.value is not None]
    top = max(baselines, key=lambda e: sign * e.value).name if baselines else None
    text = finding.message
    named = re.match(r"(\S+), the best baseline in the results table", text) or re.search(
        r"of the best baseline (\S+?)[: ]", text
    )
    out = []
    if named and named.group(1) != top:
        out.append(
            f"ADV002 naming: calls {named.group(1)} the best baseline, the table ranks {top}"
        )
    diagnosed = re.search(r"\. (\S+) scores \S+ on its fitting folds", text)
    if named and diagnosed and diagnosed.group(1) != named.group(1):
        out.append(f"ADV002 naming: names {named.group(1)}, diagnoses {diagnosed.group(1)}")
    return out


#: The planted shift (``shift=True``): on the test rows only, numeric features get
#: Gaussian noise of this many standard deviations and this share of the values
#: of other columns is replaced by a random value of the same column.
SHIFT_NOISE, SHIFT_SHARE = 1.0, 0.3


def shifted(frame: pd.DataFrame, target: str, rows: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """``frame`` with its feature columns perturbed on ``rows`` (positions) only."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    for column in frame.columns.drop(target):
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            spread = float(np.nanstd(values.to_numpy(dtype=float)))
            noise = rng.normal(0.0, SHIFT_NOISE * spread, len(rows))
            out[column] = values.astype(float)
            out.iloc[rows, out.columns.get_loc(column)] = values.iloc[rows].astype(float) + noise
        elif not pd.api.types.is_string_dtype(values) or values.str.len().mean() < 40:
            picked = rows[rng.random(len(rows)) < SHIFT_SHARE]
            out.iloc[picked, out.columns.get_loc(column)] = rng.choice(
                values.dropna().to_numpy(), len(picked)
            )
    return out


def advice_rows(table: Table, root: Path, *, forecast: bool, shift: bool = False) -> dict[str, Any]:
    """Run the default ladder on one table and judge its advice.

    With ``shift`` the test rows' features are perturbed after the split is frozen
    (:func:`shifted`; text columns are left alone), a shift ADV015 should report.
    """
    import mlplan
    from mlplan.app.context import Context
    from mlplan.app.evidence import latest_forecast

    raw = table.load()
    text = table.kind == "text"
    cap = MAX_TEXT_ROWS if text else MAX_ROWS
    if len(raw) > cap:
        raw = raw.sample(n=cap, random_state=0).reset_index(drop=True)
    folder = root / table.name
    folder.mkdir(parents=True, exist_ok=True)
    raw.to_parquet(folder / "table.parquet", index=False)
    rungs = ["dummy", "linear", "bag_of_words" if text else "gradient_boosting"]
    plan = {
        "project": {"name": table.name, "stage": "training"},
        "data": {"path": "table.parquet", "target": table.target},
        "metric": {"optimise": table.metric, "resamples": 200},
        "baselines": {"ladder": rungs, "cv_folds": 5},
    }
    (folder / "mlplan.yaml").write_text(yaml.safe_dump(plan))
    if shift:
        mlplan.split(folder, export=folder / "split")
        test_ids = pd.read_csv(folder / "split" / "test_ids.csv", dtype=str)["id"]
        shifted(raw, table.target, test_ids.astype(int).to_numpy()).to_parquet(
            folder / "table.parquet", index=False
        )
    result = mlplan.run(folder, n_jobs=2, write_reports=False, forecast=forecast)
    with Context(folder) as project:
        stored = latest_forecast(project.store, project.policy.name)
    advice = result.advice
    best = result.best
    agrees = (
        best is not None
        and None not in (best.lo, best.hi, best.cv_mean)
        and best.lo <= best.cv_mean <= best.hi  # type: ignore[operator]
    )
    fired = {f.code: f.stage for f in advice.findings if f.outcome in ("issue", "tip")}
    return {
        "table": table.name,
        "rows": len(raw),
        "best": best.name if best else "–",
        "test agrees with CV": "yes" if agrees else "no",
        "ADV003": fired.get("ADV003", "–"),
        "ADV013": fired.get("ADV013", "–"),
        "ADV012": fired.get("ADV012", "–"),
        "ADV015": fired.get("ADV015", "–"),
        "open": " ".join(sorted(fired)),
        "conflicts": conflicts(advice, result, stored),
        "forecast": "yes" if stored else "no",
    }


def print_advice(rows: list[dict[str, Any]]) -> None:
    """The advice table, the totals and every conflict found."""
    frame = pd.DataFrame(rows)
    print("\n## Advice\n")
    print(
        "| table | rows | best | test agrees with CV | ADV003 | ADV013 | ADV012 | ADV015 "
        "| conflicts | open |"
    )
    print("|---|---:|---|---|---|---|---|---|---:|---|")
    for _, r in frame.iterrows():
        print(
            f"| {r['table']} | {r['rows']} | {r['best']} | {r['test agrees with CV']} | "
            f"{r['ADV003']} | {r['ADV013']} | {r['ADV012']} | {r['ADV015']} | "
            f"{len(r['conflicts'])} | {r['open']} |"
        )
    n = len(frame)
    total = int(frame["conflicts"].map(len).sum())
    print(f"\nconflicts: {total} in {n} runs ({total / max(n, 1):.2f} per run)")
    for code in ("ADV003", "ADV013", "ADV012", "ADV015"):
        fired = frame[frame[code] != "–"]
        to_data = int((fired[code] == "data").sum())
        print(f"{code} fired on {len(fired)} of {n} tables ({to_data} sending to data)")
    agree = int((frame["test agrees with CV"] == "yes").sum())
    print(f"best model's CV mean inside its test interval: {agree} of {n}")
    for _, r in frame.iterrows():
        for line in r["conflicts"]:
            print(f"- {r['table']}: {line}")
