"""Where the ladder's jobs run: one thread, threads, or worker processes."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from mlplan.core.baselines.resolve import ResolvedRung
from mlplan.core.data.columns import ColumnKind

__all__ = ["PROCESS_ROWS", "THREAD_ROWS", "choose_backend", "run_beside"]

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
