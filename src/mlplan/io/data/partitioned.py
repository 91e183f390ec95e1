"""Reading a binary prediction set too large for memory: a Parquet folder or glob of parts.

Every part holds the truth (the plan's target column, or ``y_true``) and the
positive class's score (``score``, ``proba``, ``probability`` or ``y_score``).
Each file is one part, read in batches of ``chunk_rows`` rows, so memory is one
batch whatever the set's size. The parts must share one schema: a folder whose
files disagree is refused in one line naming two that differ.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlplan.errors import DataError

__all__ = ["CHUNK_ROWS", "PartReader", "is_partitioned", "open_partitioned"]

#: Rows per batch read from a part (the memory bound of the out-of-core engine).
CHUNK_ROWS = 1_000_000
_TRUTH_NAMES = ("y_true", "truth", "target")
_SCORE_NAMES = ("score", "proba", "probability", "y_score")
_GLOB = set("*?[")


def is_partitioned(source: str | Path) -> bool:
    """True for a folder or a glob pattern (a prediction set read part by part)."""
    text = str(source)
    return Path(text).is_dir() or bool(_GLOB & set(text))


@dataclass(frozen=True)
class PartReader:
    """Reads one part (a Parquet file) as ``(y_true, y_score)`` batches; picklable for Dask.

    Attributes
    ----------
    truth, score : str
        Column names.
    positive : object
        The truth value of the positive class.
    chunk_rows : int
    """

    truth: str
    score: str
    positive: Any
    chunk_rows: int = CHUNK_ROWS

    def __call__(self, part: str) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        import pyarrow.parquet as pq

        handle = pq.ParquetFile(part)
        for batch in handle.iter_batches(
            batch_size=self.chunk_rows, columns=[self.truth, self.score]
        ):
            truth = batch.column(self.truth).to_numpy(zero_copy_only=False)
            score = batch.column(self.score).to_numpy(zero_copy_only=False)
            yield _positive(truth, self.positive, part, self.truth), score


def _positive(truth: np.ndarray, positive: Any, part: str, column: str) -> np.ndarray:
    if truth.dtype == bool and isinstance(positive, bool | np.bool_):
        return truth if positive else ~truth
    if truth.dtype.kind in "iub" and positive in (0, 1, True, False):
        return truth == int(positive)
    labels = truth.astype(str)
    hit = labels == str(positive)
    if not hit.any() and labels.size and np.unique(labels).size > 2:
        raise DataError(f"{part}: column '{column}' has more than two classes")
    return hit


@dataclass(frozen=True)
class PartitionedPredictions:
    """The parts of a prediction set and the reader of one part."""

    source: str
    parts: tuple[str, ...]
    read: PartReader


def _files(source: str) -> list[str]:
    path = Path(source)
    if path.is_dir():
        found = sorted(str(p) for p in path.rglob("*") if p.suffix in (".parquet", ".pq"))
    else:
        found = sorted(p for p in glob.glob(source, recursive=True) if Path(p).is_file())
    if not found:
        raise DataError(f"{source}: no Parquet files (*.parquet) found")
    return found


def open_partitioned(
    source: str | Path,
    *,
    target: str | None,
    positive: Any,
    score_column: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> PartitionedPredictions:
    """List the parts of ``source``, check that they share one schema, pick the columns.

    Parameters
    ----------
    source : str or Path
        A folder (every ``*.parquet`` below it) or a glob (``preds/part-*.parquet``).
    target : str, optional
        The plan's target column, looked for first as the truth.
    positive : object
        The truth value of the positive class.
    score_column : str, optional
        The score column (default: the first of score, proba, probability, y_score).
    chunk_rows : int, default :data:`CHUNK_ROWS`

    Raises
    ------
    DataError
        No Parquet files; parts whose schemas differ; no truth or score column.
    """
    import pyarrow.parquet as pq

    text = str(source)
    files = _files(text)
    schemas = []
    for name in files:
        try:
            schemas.append(pq.read_schema(name))
        except Exception as exc:  # pyarrow's ArrowInvalid and OSError
            raise DataError(f"{name}: not a readable Parquet file ({exc})") from None
    first = schemas[0]
    for name, schema in zip(files[1:], schemas[1:], strict=True):
        if not schema.equals(first):
            raise DataError(
                f"{text}: the parts have different schemas: {files[0]} has "
                f"({_describe(first)}), {name} has ({_describe(schema)})"
            )
    columns = list(first.names)
    truth = _pick(columns, [target] if target else [], _TRUTH_NAMES)
    score = score_column or _pick(columns, [], _SCORE_NAMES)
    if truth is None or score is None or score not in columns:
        what = "truth (the target column or y_true)" if truth is None else "score"
        raise DataError(f"{text}: no {what} column; columns: {', '.join(columns)}")
    return PartitionedPredictions(
        text, tuple(files), PartReader(truth, score, positive, chunk_rows)
    )


def _pick(columns: Sequence[str], first: Sequence[str], names: Sequence[str]) -> str | None:
    return next((n for n in (*first, *names) if n in columns), None)


def _describe(schema: Any) -> str:
    return ", ".join(f"{f.name}: {f.type}" for f in schema)
