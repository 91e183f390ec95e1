"""Exact confusion counts of prediction files larger than memory.

Fixed-threshold confusion counts are sums over rows, so chunks can be counted
separately and merged exactly (int64).  This covers every confusion metric
(precision, recall, F-beta, accuracy, balanced accuracy, specificity, NPV, MCC,
kappa) and their multinomial bootstrap intervals.  Log loss and Brier are means
and stream too (returned as sums).  Metrics that need the full ranking -- ROC
AUC, average precision, and the exact operating point of a non-monotone
objective (MCC, kappa, formulas) -- need a full sort of the scores and are *not*
computed here; load those columns (two arrays of n values) or sample.  The
exact operating point of a monotone objective under monotone constraints needs
only one counting pass over score buckets and a sort of the narrow score range
that can hold the optimum (:mod:`mlplan.core.metrics.bucketed`), but still reads the
two columns in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlplan.core.metrics._validate import as_binary_labels, as_scores, check_lengths
from mlplan.core.metrics.counts import BinaryCounts
from mlplan.errors import MetricError

__all__ = ["StreamedCounts", "stream_counts"]


@dataclass(frozen=True)
class StreamedCounts:
    """Exact counts at each fixed threshold, merged over chunks.

    Attributes
    ----------
    thresholds : tuple of float
    counts : tuple of BinaryCounts
        One per threshold (a row is positive iff ``score >= threshold``).
    n_rows : int
    log_loss_sum, brier_sum : float or None
        Sums of per-row terms (None if some score lies outside [0, 1]).
    """

    thresholds: tuple[float, ...]
    counts: tuple[BinaryCounts, ...]
    n_rows: int
    log_loss_sum: float | None
    brier_sum: float | None

    def at(self, threshold: float) -> BinaryCounts:
        """Counts at one of the requested thresholds."""
        for t, c in zip(self.thresholds, self.counts, strict=True):
            if t == threshold:
                return c
        raise MetricError(
            f"stream_counts: threshold {threshold!r} was not counted; counted: {list(self.thresholds)}"
        )


def _chunks_from_path(
    path: Path, y_col: str, s_col: str, chunk_rows: int
) -> Iterable[tuple[Any, Any]]:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        missing = {y_col, s_col} - set(pf.schema_arrow.names)
        if missing:
            raise MetricError(
                f"{path}: missing column(s) {', '.join(sorted(missing))}; columns: {', '.join(pf.schema_arrow.names)}"
            )
        for batch in pf.iter_batches(batch_size=chunk_rows, columns=[y_col, s_col]):
            yield (
                batch.column(y_col).to_numpy(zero_copy_only=False),
                batch.column(s_col).to_numpy(zero_copy_only=False),
            )
    elif suffix in (".csv", ".txt", ".gz"):
        import pandas as pd

        try:
            reader = pd.read_csv(path, usecols=[y_col, s_col], chunksize=chunk_rows)
        except ValueError as exc:
            raise MetricError(f"{path}: {exc}") from None
        for frame in reader:
            yield frame[y_col].to_numpy(), frame[s_col].to_numpy()
    else:
        raise MetricError(f"{path}: unsupported file type {suffix!r}; allowed: .parquet, .csv")


def stream_counts(
    source: str | Path | Iterable[tuple[Any, Any]],
    thresholds: Sequence[float] = (0.5,),
    *,
    y_column: str = "y_true",
    score_column: str = "y_score",
    chunk_rows: int = 1_000_000,
) -> StreamedCounts:
    """Count confusion cells at fixed thresholds over chunks, exactly.

    Parameters
    ----------
    source : path or iterable of (y_true, y_score) chunks
        A Parquet or CSV file, or any iterator of array pairs.
    thresholds : sequence of float, default (0.5,)
    y_column, score_column : str
        Column names when reading a file.
    chunk_rows : int, default 1_000_000

    Returns
    -------
    StreamedCounts
    """
    ts = tuple(float(t) for t in thresholds)
    if not ts:
        raise MetricError("stream_counts: give at least one threshold")
    chunks = (
        _chunks_from_path(Path(source), y_column, score_column, chunk_rows)
        if isinstance(source, (str, Path))
        else source
    )
    tp = np.zeros(len(ts), dtype=np.int64)
    k = np.zeros(len(ts), dtype=np.int64)
    n = p = 0
    ll: float | None = 0.0
    br: float | None = 0.0
    for i, (yc, sc) in enumerate(chunks):
        y = as_binary_labels(np.asarray(yc), f"y_true (chunk {i})")
        s = as_scores(np.asarray(sc), f"y_score (chunk {i})")
        check_lengths(f"stream_counts chunk {i}", y_true=y, y_score=s)
        n += y.size
        p += int(np.count_nonzero(y))
        ys = s[y]
        for j, t in enumerate(ts):
            k[j] += int(np.count_nonzero(s >= t))
            tp[j] += int(np.count_nonzero(ys >= t))
        if ll is not None and br is not None:
            if s.size and (s.min() < 0 or s.max() > 1):
                ll = br = None
            else:
                eps = np.finfo(s.dtype).eps
                q = np.clip(s, eps, 1 - eps).astype(np.float64)
                ll += float(-np.sum(np.where(y, np.log(q), np.log1p(-q))))
                d = s.astype(np.float64) - y
                br += float(np.sum(d * d))
    if n == 0:
        raise MetricError("stream_counts: the source has no rows")
    counts = tuple(
        BinaryCounts(
            tp=int(tp[j]), fp=int(k[j] - tp[j]), tn=int(n - p - (k[j] - tp[j])), fn=int(p - tp[j])
        )
        for j in range(len(ts))
    )
    return StreamedCounts(ts, counts, n, ll, br)
