"""Forecast cases from the measured curves, and how a forecast of them is scored.

A case is one (table, rung) of ``benchmarks/curves/e2e``: today's learning curve
(10 % of the training part, mlplan's own cross-validated measurement), today's
test score, and the truth: test scores when trained on 2x, 4x, 8x today's rows
and on the full training part. Errors are made unit-free per case (metrics in
[0, 1] and R² as they are; MAE, RMSE relative to today's score), so tables and
metrics can be pooled.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

CURVES = Path(__file__).resolve().parent / "curves" / "e2e"
HORIZONS = ("2x", "4x", "8x", "full")


@dataclass(frozen=True)
class Case:
    """One forecasting problem: today's curve and the hidden truth."""

    table: str
    rung: str
    metric: str
    higher_is_better: bool
    bounds: tuple[float, float]
    sizes: np.ndarray
    scores: np.ndarray
    today: float
    test_today: float | None
    query: np.ndarray  # 2x, 4x, 8x, full (absolute sizes)
    truth: np.ndarray  # test scores at ``query`` (NaN where undefined)
    scale: float  # divides errors to make them unit-free

    @property
    def sign(self) -> float:
        return 1.0 if self.higher_is_better else -1.0


def load_records(folder: Path = CURVES) -> list[dict]:
    """Every cached measurement, sorted by file name."""
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def make_cases(records: Iterable[dict], *, single_run: bool = False, seed: int = 0) -> list[Case]:
    """Cases of the records with a defined curve and truth.

    ``single_run`` keeps one random fold score per size (a curve without repeats).
    """
    rng = np.random.default_rng(seed)
    cases = []
    for r in records:
        sizes = np.asarray(r["curve"]["sizes"], float)
        scores = np.asarray([np.nan if s is None else s for s in r["curve"]["scores"]], float)
        keep = np.isfinite(scores)
        sizes, scores = sizes[keep], scores[keep]
        if single_run and len(sizes):
            picks = [rng.choice(np.nonzero(sizes == n)[0]) for n in np.unique(sizes)]
            sizes, scores = sizes[picks], scores[picks]
        if len(np.unique(sizes)) < 2:
            continue
        truth = {t["size"]: (np.nan if t["score"] is None else t["score"]) for t in r["truth"]}
        today = int(r["n_today"])
        full = int(r["n_train_full"])
        query = np.array([min(m * today, full) for m in (2, 4, 8)] + [full], float)
        values = np.array([truth.get(int(q), np.nan) for q in query], float)
        test_today = truth.get(today, np.nan)
        if not np.isfinite(values).any():
            continue
        lo, hi = r["bounds"]
        bounded = math.isfinite(lo) and math.isfinite(hi)
        scale = 1.0 if bounded or r["metric"] == "r2" else max(abs(float(scores[-1])), 1e-9)
        cases.append(
            Case(
                table=r["table"],
                rung=r["rung"],
                metric=r["metric"],
                higher_is_better=bool(r["higher_is_better"]),
                bounds=(float(lo), float(hi)),
                sizes=sizes,
                scores=scores,
                today=float(today),
                test_today=float(test_today) if np.isfinite(test_today) else None,
                query=query,
                truth=values,
                scale=scale,
            )
        )
    return cases


@dataclass(frozen=True)
class Prediction:
    """A method's forecast of one case: at the query sizes and for the data-needed targets."""

    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    needed: np.ndarray  # predicted n per target (inf = not reached)
    needed_lo: np.ndarray
    needed_hi: np.ndarray
    chance: np.ndarray | None = None  # chance of reaching each target within the horizon
    unreached: np.ndarray | None = None  # predicted n for :func:`unreached_targets`
    unreached_chance: np.ndarray | None = None  # their chance within the horizon


def needed_targets(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Data-needed targets (truth above today's test score) and the true size for each.

    The true size of a target is the smallest measured size whose test score
    reaches it.
    """
    if case.test_today is None:
        return np.array([]), np.array([])
    oriented = case.sign * case.truth
    base = case.sign * case.test_today
    targets, sizes = [], []
    for value in np.unique(oriented[np.isfinite(oriented) & (oriented > base)]):
        first = np.nonzero(np.nan_to_num(oriented, nan=-np.inf) >= value)[0][0]
        targets.append(case.sign * value)
        sizes.append(case.query[first])
    return np.asarray(targets), np.asarray(sizes)


def unreached_targets(case: Case) -> np.ndarray:
    """Levels no measured size reached: the best true score plus half and all of its gain.

    The gain is the best true score's lead on today's test score; where the
    truth never beat today, there are none.
    """
    if case.test_today is None:
        return np.array([])
    oriented = case.sign * case.truth
    best, base = float(np.nanmax(oriented)), case.sign * case.test_today
    if not best > base:
        return np.array([])
    return case.sign * (best + np.array([0.5, 1.0]) * (best - base))


def extrapolated(case: Case, calibration: object | None = None, *, anchor: bool = True) -> Any:
    """mlplan's extrapolation of ``case``'s curve (anchored on today's test score when ``anchor``)."""
    from mlplan.core.forecast import extrapolate

    kwargs = {} if calibration is None else {"calibration": calibration}
    return extrapolate(
        case.sizes,
        case.scores,
        case.query,
        higher_is_better=case.higher_is_better,
        bounds=case.bounds,
        today=case.today,
        test_score=case.test_today if anchor else None,
        **kwargs,
    )


def forecast_case(
    case: Case, calibration: object | None = None, *, anchor: bool = True
) -> Prediction:
    """mlplan's forecast of ``case`` (anchored on today's test score when ``anchor``)."""
    from mlplan.core.forecast.needs import monotone_sizes

    fc = extrapolated(case, calibration, anchor=anchor)
    targets, _ = needed_targets(case)
    estimates = monotone_sizes(fc, [float(t) for t in targets])  # as the forecast table
    never = [fc.size_for(float(t)) for t in unreached_targets(case)]
    return Prediction(
        fc.mean,
        fc.lo,
        fc.hi,
        np.array([e.n for e in estimates]),
        np.array([e.lo for e in estimates]),
        np.array([e.hi for e in estimates]),
        np.array([e.chance for e in estimates]),
        np.array([e.n for e in never]),
        np.array([e.chance for e in never]),
    )


def constant_size(case: Case, multiple: float) -> Prediction:
    """Answer every data-needed question with ``multiple`` x today's rows (a reference)."""
    targets, _ = needed_targets(case)
    nan = np.full(len(case.query), np.nan)
    n = np.full(len(targets), multiple * case.today)
    inf = np.full(len(targets), np.inf)
    never = np.full(len(unreached_targets(case)), multiple * case.today)
    return Prediction(nan, nan, nan, n, n, inf, None, never)


def last_value(case: Case, *, test: bool) -> Prediction:
    """Carry today's score forward (the test score, or the last cross-validated mean)."""
    last = case.sizes.max()
    cv = float(case.scores[case.sizes == last].mean())
    value = case.test_today if test and case.test_today is not None else cv
    mean = np.full(len(case.query), value)
    targets, _ = needed_targets(case)
    inf = np.full(len(targets), np.inf)
    return Prediction(mean, mean, mean, inf, inf, inf)


def score(cases: list[Case], predictions: list[Prediction]) -> dict[str, float]:
    """Per horizon: unit-free MAE and 80 % coverage; data needed within 2x and covered."""
    err: dict[str, list[float]] = {h: [] for h in HORIZONS}
    cov: dict[str, list[bool]] = {h: [] for h in HORIZONS}
    within, n_cov, beyond, promised = [], [], [], []
    chances: list[float] = []
    reached: list[bool] = []
    for case, p in zip(cases, predictions, strict=True):
        for i, h in enumerate(HORIZONS):
            t = case.truth[i]
            if not np.isfinite(t):
                continue
            err[h].append(abs(p.mean[i] - t) / case.scale)
            cov[h].append(bool(p.lo[i] - 1e-12 <= t <= p.hi[i] + 1e-12))
        _, true_n = needed_targets(case)
        if len(true_n):
            ratio = p.needed / true_n
            within.extend(((ratio >= 0.5) & (ratio <= 2.0)).tolist())
            n_cov.extend(((p.needed_lo <= true_n) & (true_n <= p.needed_hi)).tolist())
            beyond.extend((~np.isfinite(p.needed)).tolist())
            if p.chance is not None:
                chances.extend(p.chance.tolist())
                reached.extend([True] * len(p.chance))
        if p.unreached is not None and len(p.unreached):
            # a target no size up to the full table reached, promised by half of it
            promised.extend((p.unreached < 0.5 * case.query[-1]).tolist())
            if p.unreached_chance is not None:
                chances.extend(p.unreached_chance.tolist())
                reached.extend([False] * len(p.unreached_chance))
    out = {f"mae_{h}": float(np.mean(err[h])) for h in HORIZONS}
    out.update({f"cov_{h}": float(np.mean(cov[h])) for h in HORIZONS})
    out["within2x"] = float(np.mean(within)) if within else math.nan
    out["n_covered"] = float(np.mean(n_cov)) if n_cov else math.nan
    out["said_beyond"] = float(np.mean(beyond)) if beyond else math.nan
    out["promised"] = float(np.mean(promised)) if promised else math.nan
    out["chance_auc"] = (
        float(roc_auc_score(reached, chances)) if len(set(reached)) == 2 else math.nan
    )
    out["n_points"] = float(sum(len(v) for v in err.values()))
    out["n_targets"] = float(len(within))
    return out
