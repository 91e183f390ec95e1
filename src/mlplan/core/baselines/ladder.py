"""Running the ladder: cross-validation on the training part, one test score per rung.

The held-out test rows are never used to choose anything: every rung is compared
by cross-validation inside the training part (mean and t-interval over folds) and
predicts the test rows once, after a final fit on the whole training part (or on
the sample its row cap or the time budget allows).  Jobs (rung × fold) run in
parallel with joblib, one BLAS/OpenMP thread each, in threads: the fits release
the GIL, and threads need no process start-up and no copy of the data. Small
ladders of short fits run in one thread, and free text from :data:`PROCESS_ROWS`
training rows on in worker processes (see ``choose_backend``). Dummy, linear and
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
from typing import TYPE_CHECKING
from warnings import catch_warnings, simplefilter

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from mlplan.core.baselines.budget import format_seconds, parse_budget
from mlplan.core.baselines.execution import JobData, choose_backend, run_beside, run_jobs
from mlplan.core.baselines.jobs import FinalOutcome, FoldOutcome, collect_rung
from mlplan.core.baselines.leakage import check_leakage
from mlplan.core.baselines.pilots import apply_budget
from mlplan.core.baselines.resolve import ResolvedRung, RungLike, check_unique, resolve_rungs
from mlplan.core.baselines.sampling import fold_rows, sample_mask, subsample
from mlplan.core.baselines.scripted import (
    RuleLike,
    as_scripted,
    score_rule,
)
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.split import Split, cv_folds
from mlplan.core.metrics import MetricPolicy
from mlplan.records.ladder import BudgetDecision, LadderResult, SkippedRung

if TYPE_CHECKING:
    from mlplan.core.distributed import Cluster

__all__ = ["FEW_FOLDS_ROWS", "TRAIN_SCORE_ROWS", "RungLike", "default_folds", "run_ladder"]

Progress = Callable[[str, int, int], None]
#: From this many training rows on, the default is 3 cross-validation folds instead of 5.
FEW_FOLDS_ROWS = 50_000


def default_folds(n_train: int) -> int:
    """Cross-validation folds when the plan does not say: 5, or 3 from :data:`FEW_FOLDS_ROWS` rows."""
    return 3 if n_train >= FEW_FOLDS_ROWS else 5


#: Fitting-fold rows on which the training score of a fold is computed (a sample):
#: it only tells over- from underfitting, and averaged over the folds 2,000 rows
#: give it a standard error near 0.005, for a fraction of the prediction time.
TRAIN_SCORE_ROWS = 2_000


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
    cluster: Cluster | None = None,
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
    cluster
        Run the fits on this Dask cluster (the data is sent to each worker once);
        the results equal the local run's. Default: here, with joblib.

    Raises
    ------
    PlanError
        An unknown rung name or a rule that does not parse (before any work).
    BudgetError
        A budget too small for any trained rung.
    """
    start = time.perf_counter()
    seconds = parse_budget(budget)
    resolved = resolve_rungs(rungs)
    rules = [as_scripted(item, map(str, dataset.frame.columns)) for item in scripted]
    check_unique([r.name for r in resolved] + [r.name for r in rules])
    kinds = {c.name: c.kind for c in dataset.columns if c.is_feature}
    skipped: list[SkippedRung] = []
    runnable: list[ResolvedRung] = []
    for rung in resolved:
        reason = rung.spec.applies(dataset.task, kinds) if rung.spec is not None else None
        learns = rung.spec is None or rung.spec.learns
        if reason is None and not kinds and rung.features == "table" and learns:
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
    guards = run_beside(check_leakage, dataset, split) if leakage else None
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
        decisions = apply_budget(
            seconds,
            start,
            runnable,
            frames,
            train_pos,
            y_train,
            dataset,
            balanced,
            len(folds),
            cluster.n_workers
            if cluster is not None
            else choose_backend(runnable, kinds, len(train_pos), n_jobs)[1],
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
        rung.name: sample_mask(len(train_pos), caps[rung.name][0], y_train, dataset.task, seed)
        for rung in runnable
        if rung.name in caps
    }
    jobs = [(rung, k) for rung in runnable for k in [*range(len(folds)), -1]]
    task, n_classes = dataset.task, len(dataset.classes)
    fit_rows = fold_rows(runnable, folds, masks, cv_caps, y_train, task, seed)
    score_rows = [
        subsample(fit, TRAIN_SCORE_ROWS, y_train, task, seed + 7 + k)
        for k, (fit, _) in enumerate(folds)
    ]

    everything = np.arange(len(train_pos))
    rows: dict[tuple[str, int], tuple[np.ndarray, ...]] = {}
    for rung in runnable:
        for k, (_, val_pos) in enumerate(folds):
            fit_pos = fit_rows[rung.name, k]
            scored = np.intersect1d(score_rows[k], fit_pos, assume_unique=True)
            if len(scored) < min(len(fit_pos), TRAIN_SCORE_ROWS) // 2:
                scored = subsample(fit_pos, TRAIN_SCORE_ROWS, y_train, task, seed + 7 + k)
            rows[rung.name, k] = (fit_pos, val_pos, scored)
        mask = masks.get(rung.name)
        rows[rung.name, -1] = (np.flatnonzero(mask) if mask is not None else everything,)
    data = JobData(
        frames=frames, train_pos=train_pos, test_pos=test_pos, y_train=y_train, rows=rows
    )

    outputs: dict[tuple[str, int], FoldOutcome | FinalOutcome] = {}
    if jobs:
        backend, workers = choose_backend(runnable, kinds, len(train_pos), min(n_jobs, len(jobs)))
        options = {"task": task, "n_classes": n_classes, "policy": policy, "balanced": balanced}
        # Warning filters and BLAS limits are process-wide: one of each around all the
        # threads (and inside each job, for worker processes and for OpenMP, whose
        # limit is per thread) keeps ConvergenceWarning in and one thread per job.
        with catch_warnings(), threadpool_limits(1):
            simplefilter("ignore", ConvergenceWarning)
            finished = run_jobs(
                data, jobs, options, backend=backend, workers=workers, cluster=cluster
            )
            for done, (name, k, result) in enumerate(finished, 1):
                outputs[name, k] = result
                if on_progress is not None:
                    label = f"{name} fold {k + 1}/{len(folds)}" if k >= 0 else f"{name} final fit"
                    on_progress(label, done, len(jobs))

    warnings = guards.result() if guards is not None else ()
    results = [score_rule(rule, dataset, policy, train_pos, test_pos, folds) for rule in rules]
    for rung in runnable:
        extra = [caps[rung.name][1]] if rung.name in caps else []
        n_rows = int(masks[rung.name].sum()) if rung.name in masks else len(train_pos)
        cv_rows = max(len(fit_rows[rung.name, k]) for k in range(len(folds)))
        mask = masks.get(rung.name)
        given = max(len(fit[mask[fit]]) if mask is not None else len(fit) for fit, _ in folds)
        if cv_rows < given:
            extra.append(
                f"cross-validated on samples of {cv_rows} of each fold's {given} fitting rows "
                f"(row cap for cross-validation); the final fit used {n_rows} rows"
            )
        if balanced and task != "regression" and rung.spec and rung.spec.weights_note:
            extra.append(rung.spec.weights_note(kinds))
        results.append(
            collect_rung(
                rung, outputs, len(folds), extra, n_rows, cv_rows if cv_rows < given else None
            )
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
