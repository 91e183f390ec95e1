"""The project store (SQLite): runs, splits, evaluations, predictions, events and champions."""

from mlplan.io.store.migrations import SCHEMA_VERSION
from mlplan.io.store.sqlite import (
    DEFAULT_PLAN_KEY,
    HOME_VARIABLE,
    RunRow,
    Store,
    Tx,
    store_path,
    utc_now,
)

__all__ = [
    "DEFAULT_PLAN_KEY",
    "HOME_VARIABLE",
    "SCHEMA_VERSION",
    "RunRow",
    "Store",
    "Tx",
    "store_path",
    "utc_now",
]
