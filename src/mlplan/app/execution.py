"""Where a command's heavy jobs run: the ``--cluster`` option over the plan's ``execution:``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mlplan.core.distributed import Cluster
from mlplan.io.cluster import open_cluster
from mlplan.schema.plan import Plan

__all__ = ["cluster_address", "execution_cluster"]


def cluster_address(plan: Plan, cluster: str | None) -> str | None:
    """The scheduler the command uses: ``cluster`` (the option), else the plan's, else none."""
    return cluster if cluster is not None else plan.execution.cluster


@contextmanager
def execution_cluster(plan: Plan, cluster: str | None = None) -> Iterator[Cluster | None]:
    """The Dask cluster of this command for a block, or None to run here.

    Opened before any work, so an unreachable scheduler stops the command with
    nothing computed and nothing stored (:class:`~mlplan.errors.ServiceError`).
    """
    address = cluster_address(plan, cluster)
    if address is None:
        yield None
        return
    workers = plan.execution.workers if address == "local" else None
    with open_cluster(address, workers) as opened:
        yield opened
