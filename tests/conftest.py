"""Shared fixtures: small samples of real datasets and plans that point at them."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from demo_data import flight_delays

from mlplan.cli.main import main


@pytest.fixture(autouse=True)
def _isolated_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stores live beside each test's plan, never in a user's MLPLAN_HOME."""
    monkeypatch.delenv("MLPLAN_HOME", raising=False)


FLIGHT_COLUMNS = (
    "month",
    "day",
    "sched_dep_time",
    "carrier",
    "origin",
    "dest",
    "distance",
    "time_hour",
)


@pytest.fixture(scope="session")
def flights_sample() -> pd.DataFrame:
    """3,000 arrived flights with a ``late`` target and a ``flight_id``."""
    return flight_delays(3000, seed=7, columns=FLIGHT_COLUMNS)


PLAN = """\
project:
  name: Flight delays (test)
  stage: training
data:
  path: flights.parquet
  target: late
  id: flight_id
  positive: true
metric:
  optimise: f1
  resamples: 200
baselines:
  ladder: [dummy, linear]
  cv_folds: 3
"""


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def project_dir(tmp_path: Path, flights_sample: pd.DataFrame) -> Path:
    """A folder with ``flights.parquet`` and an ``mlplan.yaml`` for it."""
    flights_sample.to_parquet(tmp_path / "flights.parquet", index=False)
    (tmp_path / "mlplan.yaml").write_text(PLAN)
    return tmp_path


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., CliResult]:
    """Call the console script's entry point in-process: ``cli("run", "-p", dir)``."""

    def invoke(*args: str | os.PathLike[str]) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["mlplan", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code=code, out=captured.out, err=captured.err)

    return invoke
