"""What a rung costs: fit seconds, predict latency per 1,000 rows, model size, peak memory."""

from __future__ import annotations

import io
import os
import pickle
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["COST_NAMES", "MemoryPeak", "model_megabytes", "peak_memory"]

#: Keys of ``RungResult.costs``.
COST_NAMES = ("fit_seconds", "latency_ms", "model_mb", "peak_mb")

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):  # not Linux: fall back to the high-water mark
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


@dataclass
class MemoryPeak:
    """The largest resident-memory growth seen while a block ran (MB)."""

    megabytes: float = 0.0


@contextmanager
def peak_memory(interval: float = 0.01) -> Iterator[MemoryPeak]:
    """Sample this process's resident memory while the block runs.

    The peak is measured above the memory at entry, so it is what the block added
    (the data it was given is not counted).  Sampling every ``interval`` seconds can
    miss spikes shorter than that.
    """
    result = MemoryPeak()
    start = _rss_bytes()
    peak = [start]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            stop.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()
        peak[0] = max(peak[0], _rss_bytes())
        result.megabytes = max(peak[0] - start, 0) / 1e6


def model_megabytes(model: object) -> float:
    """Size of the fitted model when serialised (our own object; nothing is ever loaded)."""
    buffer = io.BytesIO()
    try:
        pickle.dump(model, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an unpicklable user estimator: size unknown
        return float("nan")
    return buffer.tell() / 1e6


def per_thousand_ms(seconds: float, n_rows: int) -> float:
    """Milliseconds per 1,000 rows."""
    return seconds * 1e6 / max(n_rows, 1)


def clock() -> float:
    """A monotonic clock in seconds."""
    return time.perf_counter()
