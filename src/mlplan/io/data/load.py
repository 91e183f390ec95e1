"""Reading tables (CSV and Parquet) with errors a user can act on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mlplan.errors import DataError

__all__ = ["SUPPORTED_SUFFIXES", "read_table"]

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")


def read_table(path: str | Path, *, what: str = "data file") -> pd.DataFrame:
    """Read a CSV, TSV or Parquet file into a DataFrame.

    Parameters
    ----------
    path : str or Path
        The file to read; the suffix decides the format.
    what : str, default "data file"
        How the file is called in error messages ("predictions file", ...).

    Raises
    ------
    DataError
        When the file is missing, has an unsupported suffix, cannot be parsed,
        or holds no rows.
    """
    file = Path(path)
    if not file.exists():
        raise DataError(f"{what} not found: {file}")
    if not file.is_file():
        raise DataError(f"{what} is not a file: {file}")
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DataError(
            f"{what} {file}: unsupported format '{suffix or '(none)'}'; "
            f"allowed: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(file)
        else:
            frame = pd.read_csv(file, sep="\t" if suffix == ".tsv" else ",", low_memory=False)
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{what} {file} is empty") from exc
    except Exception as exc:  # parsers raise many unrelated types
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{what} {file} cannot be read: {reason}") from exc
    if frame.shape[0] == 0:
        raise DataError(f"{what} {file} has no rows")
    return frame
