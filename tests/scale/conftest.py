"""Fixtures of the scale tests: one LocalCluster of worker processes per module."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def local_scheduler() -> Iterator[str]:
    """The address of a LocalCluster of 2 single-threaded worker processes (shared per module)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address
