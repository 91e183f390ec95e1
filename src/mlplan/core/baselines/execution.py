"""Where the ladder's jobs run: one thread, threads, worker processes, or a Dask cluster.

Every job reads the same :class:`JobData` (the feature frames, the training
labels and each job's row positions) through :func:`job_arguments`, whether it
runs here with joblib or on a cluster's worker (:func:`cluster_fit`, with the
data scattered to the workers once by :class:`~mlplan.core.distributed.Cluster`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from mlplan.core.baselines.jobs import FinalOutcome, FoldOutcome, fit_job
from mlplan.core.baselines.resolve import ResolvedRung
from mlplan.core.data.columns import ColumnKind

if TYPE_CHECKING:
    from mlplan.core.distributed import Cluster

__all__ = [
    "PROCESS_ROWS",
    "THREAD_ROWS",
    "JobData",
    "choose_backend",
    "cluster_fit",
    "job_arguments",
    "run_beside",
    "run_jobs",
]

Outcome = tuple[str, int, FoldOutcome | FinalOutcome]

_T = TypeVar("_T")


#: From this many training rows on, a ladder that reads free text runs its jobs in
#: worker processes instead of threads (tokenising holds the GIL): on 4,000
#: fine-food reviews, bag of words took 14 s in two processes, 24 s in one thread.
PROCESS_ROWS = 2_000


#: Below this many training rows, a ladder of rungs with short fits runs in one thread.
THREAD_ROWS = 20_000


def run_beside(function: Callable[..., _T], *args: Any) -> Future[_T]:
    """Start ``function(*args)`` in a thread of its own; the future gives its result."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlplan-guards")
    try:
        return pool.submit(function, *args)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one task


def choose_backend(
    runnable: list[ResolvedRung], kinds: dict[str, ColumnKind], n_train: int, n_jobs: int
) -> tuple[str, int]:
    """Where the jobs run: joblib backend and workers.

    Threads, because the fits release the GIL and need no process start-up or
    copy of the data; but below :data:`THREAD_ROWS` training rows, when every
    rung's fits are short, one thread: such jobs spend their time in Python and
    two threads only take turns. Free text from :data:`PROCESS_ROWS` rows on runs
    in worker processes, since tokenising holds the GIL.
    """
    reads_text = any(r.spec is None or r.spec.reads_text for r in runnable)
    if reads_text and ColumnKind.TEXT in kinds.values() and n_train >= PROCESS_ROWS:
        return "loky", n_jobs
    short = all(r.spec is not None and r.spec.short_fits for r in runnable)
    if n_train < THREAD_ROWS and short:
        return "sequential", 1
    return "threading", n_jobs


@dataclass(frozen=True)
class JobData:
    """What the ladder's jobs read: shipped to a cluster's workers once, not per job.

    Attributes
    ----------
    frames : dict
        Feature frame and column kinds by rung input (``"table"``, ``"embeddings"``).
    train_pos, test_pos : ndarray
        Positions of the training and test rows in the frames.
    y_train : ndarray
        Labels of the training rows.
    rows : dict
        ``(rung, fold) -> (fit, validation, train-scored)`` positions into the
        training part; ``(rung, -1) -> (final-fit,)``. Jobs that share positions
        share one array (pickled once).
    """

    frames: dict[str, tuple[pd.DataFrame, dict[str, ColumnKind]]]
    train_pos: np.ndarray
    test_pos: np.ndarray
    y_train: np.ndarray
    rows: dict[tuple[str, int], tuple[np.ndarray, ...]]


def job_arguments(data: JobData, rung: ResolvedRung, k: int) -> tuple[Any, ...]:
    """The positional arguments of :func:`~mlplan.core.baselines.jobs.fit_job` for one job."""
    frame, kinds = data.frames[rung.features]
    train, y = data.train_pos, data.y_train
    if k >= 0:
        fit, val, scored = data.rows[rung.name, k]
        return (
            rung,
            k,
            kinds,
            frame.iloc[train[fit]],
            y[fit],
            frame.iloc[train[val]],
            y[val],
            frame.iloc[train[scored]],
            y[scored],
        )
    (chosen,) = data.rows[rung.name, -1]
    return (
        rung,
        k,
        kinds,
        frame.iloc[train[chosen]],
        y[chosen],
        frame.iloc[data.test_pos],
        None,
        None,
        None,
    )


def cluster_fit(data: JobData, rung: ResolvedRung, k: int, **options: Any) -> Outcome:
    """One ladder job on a worker: its rows cut from the worker's copy of ``data``."""
    with catch_warnings(), threadpool_limits(1):
        simplefilter("ignore", ConvergenceWarning)
        return fit_job(*job_arguments(data, rung, k), **options)


def run_jobs(
    data: JobData,
    jobs: Sequence[tuple[ResolvedRung, int]],
    options: dict[str, Any],
    *,
    backend: str,
    workers: int,
    cluster: Cluster | None = None,
) -> Iterator[Outcome]:
    """Run every ``(rung, fold)`` job, here with joblib or on ``cluster``; completion order."""
    if cluster is not None:
        shared = cluster.share(data)
        yield from cluster.run(cluster_fit, list(jobs), shared=shared, **options)
        return
    runner = Parallel(n_jobs=workers, backend=backend, return_as="generator_unordered")
    yield from runner(delayed(fit_job)(*job_arguments(data, r, k), **options) for r, k in jobs)
