"""Jobs on a Dask cluster: the data sent to every worker once, each job a small task.

:class:`Cluster` wraps a connected ``distributed.Client`` (opened by
:func:`mlplan.io.cluster.open_cluster`). The engines that fan out work -- the
ladder's fits (:func:`~mlplan.core.baselines.ladder.run_ladder`), the learning
curves (:func:`~mlplan.core.forecast.curves.learning_curves`) and the
out-of-core metrics (:mod:`mlplan.core.metrics.outofcore`) -- take one and then:

1. :meth:`Cluster.share` the data their jobs read, **once**: it is scattered to
   every worker (``broadcast=True``), so a job's arguments are a handle and a few
   row positions, never a copy of the table;
2. :meth:`Cluster.run` one task per job, results as they complete.

A worker lost mid-run is Dask's business: the scheduler reschedules its tasks
on the workers left (up to ``distributed.scheduler.allowed-failures`` times,
default 3), and the shared data survives because every worker holds a replica.
The jobs are deterministic functions of their arguments (fixed seeds), so where
a job ran never changes its result: a cluster run equals the local run record
for record. Nothing here writes anything; the command stores its results once,
at its end, as on one machine.

Dask is imported lazily (by whoever opens the client): without it, this module
is importable and the local path is unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Cluster"]


@dataclass(frozen=True)
class Cluster:
    """A connected Dask client, as the engines use it.

    Attributes
    ----------
    client : distributed.Client
    address : str
        The scheduler's address (``local`` for a LocalCluster this process started).
    """

    client: Any
    address: str

    @property
    def n_workers(self) -> int:
        """Workers connected now (at least 1)."""
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def share(self, value: Any) -> Any:
        """Send ``value`` to every worker once; the handle stands for it in :meth:`run`."""
        (future,) = self.client.scatter([value], broadcast=True, hash=False)
        return future

    def run(
        self,
        function: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        *,
        shared: Any = None,
        **options: Any,
    ) -> Iterator[Any]:
        """``function(shared, *call, **options)`` for every call, on the workers.

        Parameters
        ----------
        function : callable
            A module-level function (workers import it by name).
        calls : sequence of tuple
            Each job's own, small arguments.
        shared : handle, optional
            What :meth:`share` returned: the workers' replica is passed, not sent again.
        **options
            Keyword arguments every job takes (small).

        Yields
        ------
        The results, in completion order (callers key them, as with joblib's
        ``return_as="generator_unordered"``).
        """
        from distributed import as_completed

        prefix = f"{getattr(function, '__name__', 'job')}-{uuid.uuid4().hex[:8]}"
        futures = [
            self.client.submit(function, shared, *call, key=f"{prefix}-{i}", pure=False, **options)
            for i, call in enumerate(calls)
        ]
        try:
            for future in as_completed(futures, loop=self.client.loop):
                yield future.result()
        finally:
            self.client.cancel(futures)
