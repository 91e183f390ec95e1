"""Running the ladder: cross-validation on the training part, one test score per rung.

The held-out test rows are never used to choose anything: every rung is compared
by cross-validation inside the training part (mean and t-interval over folds) and
predicts the test rows once, after a final fit on the whole training part (or on
the sample its row cap or the time budget allows).  Jobs (rung × fold) run in
parallel with joblib, one BLAS/OpenMP thread each, in threads: the fits release
the GIL, and threads need no process start-up and no copy of the data. Small
ladders of short fits run in one thread, and free text from :data:`PROCESS_ROWS`
training rows on in worker processes (see ``_backend``). Dummy, linear and
boosting on 2 cores: 80,000 flights rows 3.8 s in two threads, 5.3 s in two
worker processes, 5.1 s in one thread; 5,600 churn rows 1.8 s in one thread,
2.2 s in two threads, 2.9 s in two processes.

Where the time goes is kept small without changing what is measured:

- the expensive rungs are capped in rows (``max_rows`` of
  :class:`~mlplan.core.baselines.rungs.RungSpec`: extra trees and the neural net are
  cross-validated and fitted on a stratified sample of at most 20,000 training
  rows; a rung may also cap only its cross-validation fits, ``cv_max_rows``), and
  the rung's note says so;
- the score on a fold's fitting rows (for over/underfitting) is computed on at
  most :data:`TRAIN_SCORE_ROWS` of them;
- ``ConvergenceWarning`` never escapes: a model that stopped at its iteration
  limit gets a note instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from mlplan.core.baselines.budget import allocate, format_seconds, parse_budget
from mlplan.core.baselines.costs import model_megabytes, peak_memory, per_thousand_ms
from mlplan.core.baselines.leakage import check_leakage
from mlplan.core.baselines.neural import torch_available
from mlplan.core.baselines.preprocess import tabular_preprocessor
from mlplan.core.baselines.rungs import RungSpec, rung_spec
from mlplan.core.baselines.scripted import RuleLike, ScriptedRung, as_scripted, rule_predictions
from mlplan.core.baselines.text import TextFeatures
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.split import Split, cv_folds
from mlplan.core.metrics import MetricPolicy, standard_metrics
from mlplan.core.metrics.definitions import THRESHOLD_FREE
from mlplan.errors import PlanError
from mlplan.records.ladder import BudgetDecision, LadderResult, RungKind, RungResult, SkippedRung
from mlplan.records.predictions import Predictions

__all__ = [
    "FEW_FOLDS_ROWS",
    "PROCESS_ROWS",
    "THREAD_ROWS",
    "TRAIN_SCORE_ROWS",
    "CustomRung",
    "RungLike",
    "default_folds",
    "predict",
    "run_ladder",
]

Progress = Callable[[str, int, int], None]
_T = TypeVar("_T")
_PILOT_ROWS = 500
#: From this many training rows on, a ladder that reads free text runs its jobs in
#: worker processes instead of threads (tokenising holds the GIL): on 4,000
#: fine-food reviews, bag of words took 14 s in two processes, 24 s in one thread.
PROCESS_ROWS = 2_000
#: Below this many training rows, a ladder of rungs with short fits runs in one thread.
THREAD_ROWS = 20_000
#: Rungs whose fits on fewer than :data:`THREAD_ROWS` rows take a fraction of a second.
_SHORT_FITS = frozenset({"dummy", "linear", "gradient_boosting", "bag_of_words"})
#: Rungs that read free-text columns.
_TEXT_READERS = frozenset({"bag_of_words", "neural_net"})
#: From this many training rows on, the default is 3 cross-validation folds instead of 5.
FEW_FOLDS_ROWS = 50_000


def default_folds(n_train: int) -> int:
    """Cross-validation folds when the plan does not say: 5, or 3 from :data:`FEW_FOLDS_ROWS` rows."""
    return 3 if n_train >= FEW_FOLDS_ROWS else 5


#: Fitting-fold rows on which the training score of a fold is computed (a sample):
#: it only tells over- from underfitting, and averaged over the folds 2,000 rows
#: give it a standard error near 0.005, for a fraction of the prediction time.
TRAIN_SCORE_ROWS = 2_000


@dataclass(frozen=True, kw_only=True)
class CustomRung:
    """Your own scikit-learn-compatible estimator, placed on the ladder.

    Parameters
    ----------
    name : str
    estimator : estimator
        Cloned for every fold; needs ``fit`` and ``predict`` (``predict_proba``
        for scores).
    prepare : bool, default True
        Put mlplan's preprocessing (impute, scale, one-hot, TF-IDF of text) in front;
        False passes the raw feature table.
    description : str, default ""
    """

    name: str
    estimator: BaseEstimator
    prepare: bool = True
    description: str = ""


RungLike = str | CustomRung


def predict(model: BaseEstimator, frame: pd.DataFrame, dataset: Dataset) -> Predictions:
    """Predictions of a fitted model in mlplan's encoding (see :class:`Predictions`)."""
    return _predict(model, frame, dataset.task, len(dataset.classes))


def _predict(model: Any, frame: pd.DataFrame, task: str, n_classes: int) -> Predictions:
    if task == "regression":
        return Predictions(pred=np.asarray(model.predict(frame), dtype=float))
    if not hasattr(model, "predict_proba"):
        return Predictions(pred=np.asarray(model.predict(frame), dtype=np.int64))
    proba = np.asarray(model.predict_proba(frame), dtype=float)
    full = np.zeros((len(frame), n_classes))
    full[:, np.asarray(model.classes_, dtype=int)] = proba
    if task == "binary":
        score = full[:, 1]
        return Predictions(pred=(score >= 0.5).astype(np.int64), score=score)
    return Predictions(pred=full.argmax(axis=1), score=full)


@dataclass(frozen=True, kw_only=True)
class _Rung:
    """A trained or custom rung, resolved: how to build it and what it reads."""

    name: str
    description: str
    kind: RungKind
    spec: RungSpec | None
    custom: CustomRung | None = None
    features: str = "table"

    def build(self, task: Any, kinds: dict[str, ColumnKind], balanced: bool) -> Any:
        if self.spec is not None:
            return self.spec.build(task, kinds, balanced)
        assert self.custom is not None
        model = clone(self.custom.estimator)
        if not self.custom.prepare:
            return model
        return Pipeline([("prepare", _full_preprocessor(kinds)), ("model", model)])


def _full_preprocessor(kinds: dict[str, ColumnKind]) -> Any:
    text = [n for n, k in kinds.items() if k == ColumnKind.TEXT]
    table = tabular_preprocessor(kinds)
    if not text:
        return table
    return FeatureUnion([("table", table), ("text", TextFeatures(text))])


def run_ladder(
    dataset: Dataset,
    split: Split,
    policy: MetricPolicy,
    *,
    rungs: Sequence[RungLike] = ("dummy", "linear"),
    scripted: Sequence[RuleLike] = (),
    n_folds: int | None = None,
    balanced: bool = False,
    n_jobs: int = 1,
    budget: str | float | None = None,
    leakage: bool = True,
    seed: int = 0,
    on_progress: Progress | None = None,
) -> LadderResult:
    """Cross-validate every rung on the training part and score it once on the test part.

    Parameters
    ----------
    dataset, split
        The typed data and its frozen split; test rows are only predicted, never
        used to choose anything.
    policy
        The plan's metric policy; fold scores are its value.
    rungs
        Names of trained rungs (see :data:`mlplan.core.baselines.rungs.RUNGS`) and/or
        :class:`CustomRung` entries (your own estimators).
    scripted
        Rules: plan entries, ``(name, "expression")`` or ``(name, callable)``; each
        is its own rung, scored on every validation fold and on the test rows.
    n_folds
        Cross-validation folds inside the training part; default: 5, or 3 from
        :data:`FEW_FOLDS_ROWS` training rows on (each fold then still validates on
        at least ~17,000 rows, and the t-interval with 2 degrees of freedom is
        wider, not narrower; the result's notes say so).
    balanced
        Give classes balanced weights (for metrics that weigh classes equally).
    n_jobs
        Parallel jobs over rungs × folds; each job runs with one BLAS thread.
    budget
        Time budget for the whole ladder (``"10m"``, seconds): rungs that would not
        fit are sampled down or skipped, and the result says so.
    leakage
        Run the leakage guards.
    seed
        Seed of row sampling (row caps, budget samples).
    on_progress
        Called as ``on_progress(label, done, total)`` as work advances.

    Raises
    ------
    PlanError
        An unknown rung name or a rule that does not parse (before any work).
    BudgetError
        A budget too small for any trained rung.
    """
    start = time.perf_counter()
    seconds = parse_budget(budget)
    resolved = _resolve(rungs)
    rules = [as_scripted(item, map(str, dataset.frame.columns)) for item in scripted]
    _check_unique([r.name for r in resolved] + [r.name for r in rules])
    kinds = {c.name: c.kind for c in dataset.columns if c.is_feature}
    skipped: list[SkippedRung] = []
    runnable: list[_Rung] = []
    for rung in resolved:
        reason = rung.spec.applies(dataset.task, kinds) if rung.spec is not None else None
        if reason is None and not kinds and rung.features == "table" and rung.name != "dummy":
            reason = "no feature columns"
        if reason is None:
            runnable.append(rung)
        else:
            skipped.append(SkippedRung(name=rung.name, reason=reason))
    train_pos, test_pos = split.positions(dataset)
    y_train = dataset.y[train_pos]
    frames = {"table": (dataset.frame, kinds)}
    notes: list[str] = []
    if any(r.features == "embeddings" for r in runnable):
        from mlplan.core.baselines.pretrained import embed_dataset

        if on_progress is not None:
            on_progress("pre-trained embeddings", 0, 1)
        embedded, embedding_cost = embed_dataset(dataset)
        notes.append(str(embedding_cost))
        frames["embeddings"] = (embedded, dict.fromkeys(embedded.columns, ColumnKind.NUMERIC))
    # the guards need nothing from the fits: they run in a thread beside them
    guards = _beside(check_leakage, dataset, split) if leakage else None
    if n_folds is None:
        n_folds = default_folds(len(train_pos))
        if n_folds == 3:
            notes.append(
                f"3 cross-validation folds (not 5): {len(train_pos)} training rows is at least "
                f"{FEW_FOLDS_ROWS}; the fold interval uses a t with 2 degrees of freedom"
            )
    folds = list(cv_folds(dataset, split, n_folds))

    caps: dict[str, tuple[int, str]] = {}
    cv_caps: dict[str, int] = {}
    for rung in runnable:
        if rung.spec is not None and rung.spec.max_rows and len(train_pos) > rung.spec.max_rows:
            caps[rung.name] = (
                rung.spec.max_rows,
                f"row cap: fitted on {rung.spec.max_rows} of {len(train_pos)} training rows",
            )
        if rung.spec is not None and rung.spec.cv_max_rows:
            cv_caps[rung.name] = rung.spec.cv_max_rows
    decisions: tuple[BudgetDecision, ...] = ()
    if seconds is not None:
        decisions = _apply_budget(
            seconds,
            start,
            runnable,
            frames,
            train_pos,
            y_train,
            dataset,
            balanced,
            len(folds),
            _backend(runnable, kinds, len(train_pos), n_jobs)[1],
            seed,
            caps,
            cv_caps,
            on_progress,
        )
        for decision in decisions:
            if decision.action == "skipped":
                skipped.append(SkippedRung(name=decision.rung, reason=f"budget: {decision.note}"))
        dropped = {d.rung for d in decisions if d.action == "skipped"}
        runnable = [r for r in runnable if r.name not in dropped]

    masks = {
        rung.name: _sample_mask(len(train_pos), caps[rung.name][0], y_train, dataset.task, seed)
        for rung in runnable
        if rung.name in caps
    }
    jobs = [(rung, k) for rung in runnable for k in [*range(len(folds)), -1]]
    task, n_classes = dataset.task, len(dataset.classes)
    fold_rows = _fold_rows(runnable, folds, masks, cv_caps, y_train, task, seed)
    score_rows = [
        _subsample(fit, TRAIN_SCORE_ROWS, y_train, task, seed + 7 + k)
        for k, (fit, _) in enumerate(folds)
    ]

    def arguments(rung: _Rung, k: int) -> tuple[Any, ...]:
        frame, rung_kinds = frames[rung.features]
        mask = masks.get(rung.name)
        if k >= 0:
            fit_pos, val_pos = folds[k]
            fit_pos = fold_rows[rung.name, k]
            scored = np.intersect1d(score_rows[k], fit_pos, assume_unique=True)
            if len(scored) < min(len(fit_pos), TRAIN_SCORE_ROWS) // 2:
                scored = _subsample(fit_pos, TRAIN_SCORE_ROWS, y_train, task, seed + 7 + k)
            return (
                rung,
                k,
                rung_kinds,
                frame.iloc[train_pos[fit_pos]],
                y_train[fit_pos],
                frame.iloc[train_pos[val_pos]],
                y_train[val_pos],
                frame.iloc[train_pos[scored]],
                y_train[scored],
            )
        chosen = np.flatnonzero(mask) if mask is not None else np.arange(len(train_pos))
        return (
            rung,
            k,
            rung_kinds,
            frame.iloc[train_pos[chosen]],
            y_train[chosen],
            frame.iloc[test_pos],
            None,
            None,
            None,
        )

    outputs: dict[tuple[str, int], _FoldOutcome | _FinalOutcome] = {}
    if jobs:
        backend, workers = _backend(runnable, kinds, len(train_pos), min(n_jobs, len(jobs)))
        runner = Parallel(n_jobs=workers, backend=backend, return_as="generator_unordered")
        calls = (
            delayed(_job)(
                *arguments(r, k), task=task, n_classes=n_classes, policy=policy, balanced=balanced
            )
            for r, k in jobs
        )
        # Warning filters and BLAS limits are process-wide: one of each around all the
        # threads (and inside each job, for worker processes and for OpenMP, whose
        # limit is per thread) keeps ConvergenceWarning in and one thread per job.
        with catch_warnings(), threadpool_limits(1):
            simplefilter("ignore", ConvergenceWarning)
            for done, (name, k, result) in enumerate(runner(calls), 1):
                outputs[name, k] = result
                if on_progress is not None:
                    label = f"{name} fold {k + 1}/{len(folds)}" if k >= 0 else f"{name} final fit"
                    on_progress(label, done, len(jobs))

    warnings = guards.result() if guards is not None else ()
    results = [_score_rule(rule, dataset, policy, train_pos, test_pos, folds) for rule in rules]
    for rung in runnable:
        extra = [caps[rung.name][1]] if rung.name in caps else []
        n_rows = int(masks[rung.name].sum()) if rung.name in masks else len(train_pos)
        cv_rows = max(len(fold_rows[rung.name, k]) for k in range(len(folds)))
        mask = masks.get(rung.name)
        given = max(len(fit[mask[fit]]) if mask is not None else len(fit) for fit, _ in folds)
        if cv_rows < given:
            extra.append(
                f"cross-validated on samples of {cv_rows} of each fold's {given} fitting rows "
                f"(row cap for cross-validation); the final fit used {n_rows} rows"
            )
        if (
            balanced
            and rung.spec is not None
            and rung.name == "neural_net"
            and task != "regression"
        ):
            extra.append(_neural_weights_note(rung, kinds))
        results.append(
            _collect(rung, outputs, len(folds), extra, n_rows, cv_rows if cv_rows < given else None)
        )
    elapsed = time.perf_counter() - start
    if seconds is not None and elapsed > seconds:
        notes.append(
            f"the ladder took {format_seconds(elapsed)}, over its budget of "
            f"{format_seconds(seconds)} (cost estimates were too low)"
        )
    return LadderResult(
        rungs=tuple(results),
        skipped=tuple(skipped),
        warnings=warnings,
        budget=decisions,
        budget_seconds=seconds,
        elapsed_seconds=elapsed,
        notes=tuple(notes),
    )


def _beside(function: Callable[..., _T], *args: Any) -> Future[_T]:
    """Start ``function(*args)`` in a thread of its own; the future gives its result."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlplan-guards")
    try:
        return pool.submit(function, *args)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task


def _backend(
    runnable: list[_Rung], kinds: dict[str, ColumnKind], n_train: int, n_jobs: int
) -> tuple[str, int]:
    """Where the jobs run: joblib backend and workers.

    Threads, because the fits release the GIL and need no process start-up or
    copy of the data; but below :data:`THREAD_ROWS` training rows, when every
    rung's fits are short, one thread: such jobs spend their time in Python and
    two threads only take turns. Free text from :data:`PROCESS_ROWS` rows on runs
    in worker processes, since tokenising holds the GIL.
    """
    reads_text = any(r.name in _TEXT_READERS or r.kind == "custom" for r in runnable)
    if reads_text and ColumnKind.TEXT in kinds.values() and n_train >= PROCESS_ROWS:
        return "loky", n_jobs
    short = all(r.kind == "trained" and r.name in _SHORT_FITS for r in runnable)
    if n_train < THREAD_ROWS and short:
        return "sequential", 1
    return "threading", n_jobs


def _resolve(rungs: Sequence[RungLike]) -> list[_Rung]:
    out = []
    for item in rungs:
        if isinstance(item, CustomRung):
            out.append(
                _Rung(
                    name=item.name,
                    description=item.description or f"your estimator: {item.estimator!r}",
                    kind="custom",
                    spec=None,
                    custom=item,
                )
            )
        elif isinstance(item, str):
            spec = rung_spec(item)  # fails on an unknown name before any work
            out.append(
                _Rung(
                    name=spec.name,
                    description=spec.description,
                    kind="trained",
                    spec=spec,
                    features=spec.features,
                )
            )
        else:
            raise PlanError(
                f"rungs: {item!r} is not a rung; allowed: a rung name or CustomRung(name, estimator)"
            )
    return out


def _check_unique(names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise PlanError(f"baselines: two rungs are called '{name}'; names must be unique")
        seen.add(name)


def _subsample(pos: np.ndarray, cap: int, y: np.ndarray, task: str, seed: int) -> np.ndarray:
    """At most ``cap`` of the positions ``pos`` (stratified by class), sorted."""
    if len(pos) <= cap:
        return pos
    return np.sort(pos[_sample_mask(len(pos), cap, y[pos], task, seed)])


def _fold_rows(
    runnable: list[_Rung],
    folds: list[tuple[np.ndarray, np.ndarray]],
    masks: dict[str, np.ndarray],
    cv_caps: dict[str, int],
    y_train: np.ndarray,
    task: str,
    seed: int,
) -> dict[tuple[str, int], np.ndarray]:
    """The fitting rows of every rung's cross-validation fits, after its row caps."""
    out = {}
    for rung in runnable:
        mask = masks.get(rung.name)
        for k, (fit_pos, _) in enumerate(folds):
            pos = fit_pos[mask[fit_pos]] if mask is not None else fit_pos
            cap = cv_caps.get(rung.name)
            if cap is not None:
                pos = _subsample(pos, cap, y_train, task, seed + 1 + k)
            out[rung.name, k] = pos
    return out


def _neural_weights_note(rung: _Rung, kinds: dict[str, ColumnKind]) -> str:
    from mlplan.core.baselines.rungs import is_image_kinds

    if is_image_kinds(kinds) and torch_available():
        return (
            "the CNN has no class weights (the balanced metric weighs classes equally; "
            "classes here count as often as they occur)"
        )
    return "class weights: balanced sample weights (MLPClassifier has no class_weight)"


def _sample_mask(n: int, cap: int, y: np.ndarray, task: str, seed: int) -> np.ndarray:
    """A boolean mask keeping ``cap`` of ``n`` rows (stratified by class when possible)."""
    mask = np.zeros(n, dtype=bool)
    if cap >= n:
        mask[:] = True
        return mask
    stratify = y if task != "regression" and np.bincount(y).min() >= 2 else None
    try:
        keep, _ = train_test_split(
            np.arange(n), train_size=cap, random_state=seed, stratify=stratify
        )
    except ValueError:
        keep = np.random.default_rng(seed).choice(n, cap, replace=False)
    mask[keep] = True
    return mask


def _apply_budget(
    seconds: float,
    start: float,
    runnable: list[_Rung],
    frames: dict[str, tuple[pd.DataFrame, dict[str, ColumnKind]]],
    train_pos: np.ndarray,
    y_train: np.ndarray,
    dataset: Dataset,
    balanced: bool,
    n_folds: int,
    n_jobs: int,
    seed: int,
    caps: dict[str, tuple[int, str]],
    cv_caps: dict[str, int],
    on_progress: Progress | None,
) -> tuple[BudgetDecision, ...]:
    """Time each trained rung on a pilot sample, then sample down or skip to fit the budget."""
    timed = [r for r in runnable if r.name != "dummy"]
    if not timed:
        return ()
    n_pilot = min(_PILOT_ROWS, len(train_pos))
    pilot_pos = np.flatnonzero(
        _sample_mask(len(train_pos), n_pilot, y_train, dataset.task, seed + 1)
    )
    half_pos = pilot_pos[
        _sample_mask(n_pilot, n_pilot // 2, y_train[pilot_pos], dataset.task, seed)
    ]
    pilots: dict[str, tuple[float, int, float, float]] = {}
    for i, rung in enumerate(timed):
        if on_progress is not None:
            on_progress(f"timing {rung.name} on {n_pilot} rows", i, len(timed))
        frame, kinds = frames[rung.features]

        def timed_fit(
            pos: np.ndarray,
            rung: _Rung = rung,
            frame: pd.DataFrame = frame,
            kinds: dict[str, ColumnKind] = kinds,
        ) -> float:
            X = frame.iloc[train_pos[pos]]
            began = time.perf_counter()
            with threadpool_limits(1), catch_warnings():
                simplefilter("ignore", ConvergenceWarning)
                model = rung.build(dataset.task, kinds, balanced)
                model.fit(X, y_train[pos])
                _predict(model, X, dataset.task, len(dataset.classes))
            return time.perf_counter() - began

        timed_fit(half_pos)  # warm-up: imports and first-call costs are not per fit
        small, full = timed_fit(half_pos), timed_fit(pilot_pos)
        # two points of fixed + c·n: the fixed part is what halving the rows leaves
        fixed = min(max(2 * small - full, 0.0), 0.9 * full) if 2 * len(half_pos) == n_pilot else 0.0
        growth = rung.spec.growth if rung.spec is not None else 1.0
        pilots[rung.name] = (full, n_pilot, growth, fixed)
    decisions = allocate(
        budget=seconds,
        spent=time.perf_counter() - start,
        n_rows=len(train_pos),
        n_folds=n_folds,
        n_jobs=n_jobs,
        pilots=pilots,
        order=[r.name for r in timed],
        caps={
            r.name: (caps[r.name][0] if r.name in caps else None, cv_caps.get(r.name))
            for r in timed
        },
    )
    for decision in decisions:
        if decision.action == "sampled":
            cap = caps.get(decision.rung, (len(train_pos), ""))[0]
            if decision.rows < cap:
                caps[decision.rung] = (decision.rows, f"budget: {decision.note}")
    return decisions


@dataclass(frozen=True, slots=True)
class _FoldOutcome:
    train: float
    val: float
    metrics: dict[str, float]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _FinalOutcome:
    test: Predictions
    costs: dict[str, float]
    notes: tuple[str, ...]


def _job(
    rung: _Rung,
    k: int,
    kinds: dict[str, ColumnKind],
    X_fit: pd.DataFrame,
    y_fit: np.ndarray,
    X_other: pd.DataFrame,
    y_other: np.ndarray | None,
    X_scored: pd.DataFrame | None,
    y_scored: np.ndarray | None,
    *,
    task: str,
    n_classes: int,
    policy: MetricPolicy,
    balanced: bool,
) -> tuple[str, int, _FoldOutcome | _FinalOutcome]:
    """One fit: a fold (scores on a sample of its fitting rows and on its validation rows)
    or the final fit."""
    with threadpool_limits(1), catch_warnings():
        simplefilter("ignore", ConvergenceWarning)
        model = rung.build(task, kinds, balanced)
        if k >= 0:
            assert y_other is not None and X_scored is not None and y_scored is not None
            model.fit(X_fit, y_fit)
            values = []
            preds = Predictions(pred=np.zeros(0))
            for X, y in ((X_scored, y_scored), (X_other, y_other)):
                preds = _predict(model, X, task, n_classes)
                result = policy.evaluate(y, y_pred=preds.pred, y_score=preds.score, n_resamples=0)
                values.append(np.nan if result.value is None else float(result.value))
            metrics = standard_metrics(task, y_other, y_pred=preds.pred, y_score=preds.score)
            outcome = _FoldOutcome(
                train=values[0], val=values[1], metrics=metrics, notes=_convergence(model)
            )
            return rung.name, k, outcome
        with peak_memory() as peak:
            began = time.perf_counter()
            model.fit(X_fit, y_fit)
            fit_seconds = time.perf_counter() - began
        began = time.perf_counter()
        preds = _predict(model, X_other, task, n_classes)
        latency = per_thousand_ms(time.perf_counter() - began, len(X_other))
    costs = {
        "fit_seconds": fit_seconds,
        "latency_ms": latency,
        "model_mb": model_megabytes(model),
        "peak_mb": peak.megabytes,
    }
    notes = (*_model_notes(model), *_convergence(model))
    return rung.name, k, _FinalOutcome(test=preds, costs=costs, notes=notes)


def _convergence(model: Any) -> tuple[str, ...]:
    """A note when the final estimator stopped at its iteration limit (ConvergenceWarning)."""
    final = model.steps[-1][1] if isinstance(model, Pipeline) else model
    final = getattr(final, "regressor_", final)  # inside a target transformer
    limit = getattr(final, "max_iter", None)
    done = getattr(final, "n_iter_", None)
    if not isinstance(limit, int) or done is None or "HistGradient" in type(final).__name__:
        return ()
    if int(np.max(done)) < limit:
        return ()
    return (
        f"{type(final).__name__} stopped at its limit of {limit} iterations before "
        "converging (ConvergenceWarning caught)",
    )


def _model_notes(model: Any) -> tuple[str, ...]:
    """Caveats a fitted model reports about itself (empty text columns, ...)."""
    notes = []
    steps = model.named_steps.get("prepare") if isinstance(model, Pipeline) else None
    parts = steps.transformer_list if isinstance(steps, FeatureUnion) else []
    for _, part in parts:
        empty = getattr(part, "empty_columns_", [])
        if empty:
            notes.append(f"text column(s) {', '.join(empty)} had no words; they were left out")
    return tuple(notes)


def _collect(
    rung: _Rung,
    outputs: dict[tuple[str, int], _FoldOutcome | _FinalOutcome],
    k: int,
    extra: list[str],
    n_rows: int,
    cv_rows: int | None = None,
) -> RungResult:
    folds = [outputs[rung.name, i] for i in range(k)]
    final = outputs[rung.name, -1]
    assert all(isinstance(f, _FoldOutcome) for f in folds) and isinstance(final, _FinalOutcome)
    fold_outcomes: list[_FoldOutcome] = folds  # type: ignore[assignment]
    fold_notes = [n for f in fold_outcomes for n in f.notes]
    if fold_notes:
        # the final fit's own note says whether it converged; folds are counted
        extra = [*extra, f"{len(fold_notes)} of {k} cross-validation fits: {fold_notes[0]}"]
    return _result(
        name=rung.name,
        description=rung.description,
        kind=rung.kind,
        fold_outcomes=fold_outcomes,
        test=final.test,
        costs=final.costs,
        notes=[*extra, *final.notes],
        n_rows=n_rows,
        cv_rows=cv_rows,
    )


def _result(
    *,
    name: str,
    description: str,
    kind: RungKind,
    fold_outcomes: list[_FoldOutcome],
    test: Predictions,
    costs: dict[str, float],
    notes: list[str],
    n_rows: int,
    cv_rows: int | None = None,
) -> RungResult:
    k = len(fold_outcomes)
    names = sorted({m for f in fold_outcomes for m in f.metrics})
    undefined = sum(not np.isfinite(f.val) for f in fold_outcomes)
    if undefined:
        notes = [*notes, f"the metric is undefined (unreachable) in {undefined} of {k} folds"]
    return RungResult(
        name=name,
        description=description,
        fold_scores=tuple(f.val for f in fold_outcomes),
        fold_train_scores=tuple(f.train for f in fold_outcomes),
        fold_metrics={m: tuple(f.metrics.get(m, np.nan) for f in fold_outcomes) for m in names},
        test=test,
        costs=costs,
        notes=tuple(notes),
        kind=kind,
        n_rows=n_rows,
        cv_rows=cv_rows,
    )


def _score_rule(
    rule: ScriptedRung,
    dataset: Dataset,
    policy: MetricPolicy,
    train_pos: np.ndarray,
    test_pos: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
) -> RungResult:
    """A rule needs no fitting: score it on each fold's rows and once on the test rows."""
    classes = dataset.classes
    train_pred = rule_predictions(rule, dataset.frame.iloc[train_pos], dataset.task, classes)
    train_score = _rule_scores(train_pred, policy, dataset)
    y_train = dataset.y[train_pos]
    outcomes = []
    for fit_pos, val_pos in folds:
        values = []
        for pos in (fit_pos, val_pos):
            score = None if train_score is None else train_score[pos]
            result = policy.evaluate(
                y_train[pos], y_pred=train_pred[pos], y_score=score, n_resamples=0
            )
            values.append(np.nan if result.value is None else float(result.value))
        metrics = standard_metrics(
            dataset.task,
            y_train[val_pos],
            y_pred=train_pred[val_pos],
            y_score=None if train_score is None else train_score[val_pos],
        )
        outcomes.append(_FoldOutcome(train=values[0], val=values[1], metrics=metrics))
    test_frame = dataset.frame.iloc[test_pos]
    began = time.perf_counter()
    test_pred = rule_predictions(rule, test_frame, dataset.task, classes)
    latency = per_thousand_ms(time.perf_counter() - began, len(test_pos))
    return _result(
        name=rule.name,
        description=rule.description,
        kind="scripted",
        fold_outcomes=outcomes,
        test=Predictions(pred=test_pred, score=_rule_scores(test_pred, policy, dataset)),
        costs={"fit_seconds": 0.0, "latency_ms": latency, "model_mb": 0.0, "peak_mb": 0.0},
        notes=[
            "no training: the rule is scored on every fold and on the test rows",
            *(["its 0/1 output is used as the score"] if train_score is not None else []),
        ],
        n_rows=0,
    )


def _rule_scores(pred: np.ndarray, policy: MetricPolicy, dataset: Dataset) -> np.ndarray | None:
    """A rule's labels as scores (0/1, or one-hot), only when the metric needs scores."""
    if dataset.task == "regression" or not policy.names & THRESHOLD_FREE:
        return None
    if dataset.task == "binary":
        return pred.astype(float)
    return np.eye(len(dataset.classes))[pred]
