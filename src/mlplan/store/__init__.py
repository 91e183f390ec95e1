"""The project store (SQLite): runs, splits, evaluations, predictions and lifecycle events."""

from mlplan.store.migrations import SCHEMA_VERSION
from mlplan.store.sqlite import HOME_VARIABLE, RunRow, Store, store_path, utc_now

__all__ = ["HOME_VARIABLE", "SCHEMA_VERSION", "RunRow", "Store", "store_path", "utc_now"]
