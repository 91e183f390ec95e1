"""Fingerprints: short hashes that change whenever content or schema change."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["fingerprint_frame", "fingerprint_values"]


def fingerprint_frame(frame: pd.DataFrame) -> str:
    """Hash of a table's content and schema (column names, order and dtypes).

    Row order matters: the same rows in another order are another table.
    """
    digest = hashlib.sha256()
    for name, dtype in frame.dtypes.items():
        digest.update(f"{name}\x1f{dtype}\x1e".encode())
    row_hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    digest.update(np.ascontiguousarray(row_hashes).tobytes())
    return digest.hexdigest()[:16]


def fingerprint_values(*columns: Iterable[object]) -> str:
    """Hash of aligned value sequences (e.g. test ids and their labels)."""
    frame = pd.DataFrame({f"c{i}": list(col) for i, col in enumerate(columns)})
    return fingerprint_frame(frame)
