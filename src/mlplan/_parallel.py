"""Running independent jobs in parallel, results in completion order.

Worker processes ignore Ctrl-C: the interrupt reaches the main process, which stops
the workers and reports once, instead of every worker printing a traceback.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

from joblib.externals.loky import get_reusable_executor

__all__ = ["Call", "unordered"]

T = TypeVar("T")
Call = tuple[tuple[Any, ...], dict[str, Any]]


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def unordered(
    fn: Callable[..., T], calls: Iterable[Call], n_jobs: int, *, threads: bool = False
) -> Iterator[T]:
    """Yield ``fn(*args, **kwargs)`` for every call, as each finishes.

    Parameters
    ----------
    fn
        The job; it must be picklable (cloudpickle) unless ``threads`` or ``n_jobs == 1``.
    calls
        ``(args, kwargs)`` pairs.
    n_jobs
        Workers; 1 runs the jobs in this process, one after the other.
    threads
        Use threads instead of processes (cheaper for small jobs).
    """
    calls = list(calls)
    if n_jobs <= 1 or len(calls) <= 1:
        for args, kwargs in calls:
            yield fn(*args, **kwargs)
        return
    workers = min(n_jobs, len(calls))
    if threads:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from _completed([pool.submit(fn, *a, **k) for a, k in calls])
        return
    executor = get_reusable_executor(max_workers=workers, initializer=_ignore_interrupts)
    futures = [executor.submit(fn, *a, **k) for a, k in calls]
    try:
        yield from _completed(futures)
    except BaseException:  # Ctrl-C or a failed job: stop the other workers now
        _quiet_executor_manager()
        executor.shutdown(wait=False, kill_workers=True)
        raise


def _quiet_executor_manager() -> None:
    """Keep loky's manager thread from printing a traceback while it is being killed.

    Killing the workers races with loky's bookkeeping thread, which then reports a
    harmless error; the interrupt itself is reported once by the caller.
    """
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.thread is not None and args.thread.name == "ExecutorManagerThread":
            return
        previous(args)

    threading.excepthook = hook


def _completed(futures: list[Future[T]]) -> Iterator[T]:
    for future in as_completed(futures):
        yield future.result()
