"""The exceptions mlplan raises.

Every error derives from :class:`MlplanError`; each subclass also inherits the
builtin a Python caller would naturally catch::

    MlplanError
    ├── PlanError(ValueError)          the plan file is missing, malformed or inconsistent
    ├── DataError(ValueError)          a data or predictions file cannot be used
    ├── MetricError(ValueError)        an unknown metric, a bad formula, invalid scores
    ├── StoreError(RuntimeError)       the SQLite store cannot be read or written
    ├── BudgetError(RuntimeError)      a time budget too small for the requested work
    └── ServiceError(RuntimeError)     a Dask scheduler or an MLflow tracking store cannot be used

The command line turns :class:`StoreError` into exit code 3 and every other
:class:`MlplanError` into exit code 2, printing ``str(error)`` as one line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "BudgetError",
    "DataError",
    "MetricError",
    "MlplanError",
    "PlanError",
    "ServiceError",
    "StoreError",
    "closest",
]


class MlplanError(Exception):
    """Root of every error mlplan raises on purpose."""

    exit_code: int = 2


class PlanError(MlplanError, ValueError):
    """The plan file is missing, malformed, or names something that does not exist."""


class DataError(MlplanError, ValueError):
    """A data or predictions file is missing, unreadable, empty or inconsistent."""


class MetricError(MlplanError, ValueError):
    """An unknown metric, an invalid formula or invalid scores."""


class StoreError(MlplanError, RuntimeError):
    """The project store cannot be opened, migrated, read or written."""

    exit_code = 3


class BudgetError(MlplanError, RuntimeError):
    """The time budget is too small for the work that was asked for."""


class ServiceError(MlplanError, RuntimeError):
    """An outside service (a Dask scheduler, an MLflow tracking store) cannot be reached or used."""


def closest(name: str, choices: Iterable[str], n: int = 3) -> str:
    """Return a ``"did you mean ...?"`` hint for ``name`` among ``choices`` (may be empty).

    Examples
    --------
    >>> closest("arr_dely", ["arr_delay", "dep_delay", "month"])
    " (did you mean 'arr_delay'?)"
    """
    matches = difflib.get_close_matches(name, list(choices), n=n, cutoff=0.6)
    if not matches:
        return ""
    return " (did you mean " + " or ".join(repr(m) for m in matches) + "?)"
