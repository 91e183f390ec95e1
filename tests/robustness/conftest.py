"""Fixtures of the robustness suite: a small real project and a plan writer.

Every attack goes through the console script's entry point (the ``cli`` fixture of
``tests/conftest.py``) and may end in only one of the documented ways: a result
(exit 0), or one line on stderr with exit 2 (bad input) or 3 (store) -- never a
traceback, never exit 1 or 70.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from _robust import BASE_PLAN


@pytest.fixture(scope="session", autouse=True)
def _warm_imports() -> None:
    """Import the engines once, so that time bounds measure the attack, not the imports."""
    import mlplan.app.run
    import mlplan.core.advise.engine  # noqa: F401


@pytest.fixture(scope="session")
def small_flights(flights_sample: pd.DataFrame) -> pd.DataFrame:
    """600 real flights (the shared 3,000-row sample, cut down)."""
    return flights_sample.head(600).reset_index(drop=True)


@pytest.fixture
def project(tmp_path: Path, small_flights: pd.DataFrame) -> Path:
    """A folder with ``flights.parquet`` and a valid ``mlplan.yaml``."""
    small_flights.to_parquet(tmp_path / "flights.parquet", index=False)
    (tmp_path / "mlplan.yaml").write_text(BASE_PLAN)
    return tmp_path


@pytest.fixture
def write_plan(project: Path) -> Callable[[str], Path]:
    """Replace the project's plan: ``write_plan(text)`` (dedented) returns the folder."""

    def write(text: str) -> Path:
        (project / "mlplan.yaml").write_text(textwrap.dedent(text))
        return project

    return write
