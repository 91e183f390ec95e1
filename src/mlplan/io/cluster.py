"""Opening a Dask cluster: a running scheduler by address, or a LocalCluster of processes.

Dask is an optional extra (``pip install 'mlplan[dask]'``), imported here only
when a cluster is asked for. Every failure to get one -- Dask missing, an
address that does not parse, a scheduler that does not answer within Dask's
connect timeout (``distributed.comm.timeouts.connect``, e.g. the environment
variable ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s``) -- is an
:class:`~mlplan.errors.ServiceError`: one line, exit code 2, raised before any
work starts, so nothing is stored.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from mlplan.core.distributed import Cluster
from mlplan.errors import ServiceError
from mlplan.schema.plan import check_cluster_address

__all__ = ["DEFAULT_LOCAL_WORKERS", "open_cluster"]

#: Worker processes of ``cluster: local`` when the plan does not say.
DEFAULT_LOCAL_WORKERS = 2


@contextmanager
def open_cluster(address: str, workers: int | None = None) -> Iterator[Cluster]:
    """Connect to the scheduler at ``address`` (or start ``local`` workers) for a block.

    Parameters
    ----------
    address : str
        ``tcp://host:8786`` (any Dask scheme), or ``local`` for a LocalCluster of
        ``workers`` processes with one thread each on this machine.
    workers : int, optional
        Worker processes of a local cluster (default :data:`DEFAULT_LOCAL_WORKERS`).

    Yields
    ------
    Cluster
        Closed (and a local cluster shut down) when the block ends.

    Raises
    ------
    ServiceError
        Dask is not installed, the address is malformed, or the scheduler cannot
        be reached.
    """
    try:
        check_cluster_address(address)
    except ValueError as exc:
        raise ServiceError(f"--cluster: {exc}") from None
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ServiceError(
            f"cluster {address}: Dask is not installed; pip install 'mlplan[dask]'"
        ) from None
    with contextlib.ExitStack() as stack:
        if address == "local":
            local = LocalCluster(
                n_workers=workers or DEFAULT_LOCAL_WORKERS,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            stack.enter_context(local)
            client = stack.enter_context(Client(local))
        else:
            try:
                client = Client(address, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise ServiceError(
                    f"cannot reach the Dask scheduler at {address} ({_first_line(exc)}); "
                    "start one with 'dask scheduler' and workers with "
                    f"'dask worker {address}', or leave out --cluster to run here"
                ) from None
            stack.enter_context(client)
        yield Cluster(client=client, address=address)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
