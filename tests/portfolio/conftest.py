"""Fixtures for the portfolio tests: a measured mlplan project and ideas files that link it."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from mlplan.app.run import run

LINKED_PLAN = """\
project:
  name: Flight delays (linked)
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
  requirement: {f1: 0.6}
  ladder: [dummy, linear]
  cv_folds: 3
"""


@pytest.fixture(scope="session")
def measured_project(
    tmp_path_factory: pytest.TempPathFactory, flights_sample: pd.DataFrame
) -> Path:
    """A real mlplan project (3,000 flights) that has been run once; do not modify it."""
    folder = tmp_path_factory.mktemp("linked")
    flights_sample.to_parquet(folder / "flights.parquet", index=False)
    (folder / "mlplan.yaml").write_text(LINKED_PLAN)
    run(folder, n_jobs=1, write_reports=False)
    return folder


@pytest.fixture
def linked_copy(measured_project: Path, tmp_path: Path) -> Path:
    """A private copy of the measured project, free to add events to."""
    target = tmp_path / "linked"
    shutil.copytree(measured_project, target)
    return target


def idea_yaml(
    name: str = "Idea",
    *,
    archetype: str = "software_2_0",
    impact: str = "score: 3",
    data: str = "3",
    target: str = "0.9",
    baseline: str | None = "0.8",
    difficulty: str = "3",
    extra: str = "",
) -> str:
    """One idea as YAML (a list item), with every field that matters to scoring."""
    baseline_line = f"\n      baseline: {baseline}" if baseline is not None else ""
    text = f"""\
- name: {name}
  problem: Something worth automating.
  archetype: {archetype}
  impact: {{{impact}}}
  feasibility:
    data: {{score: {data}}}
    accuracy:
      metric: accuracy
      target: {target}{baseline_line}
    difficulty: {{score: {difficulty}}}
"""
    return text + textwrap.indent(extra, "  ") if extra else text


@pytest.fixture
def make_idea() -> Callable[..., str]:
    """Build one idea's YAML (see :func:`idea_yaml`)."""
    return idea_yaml


@pytest.fixture
def write_ideas(tmp_path: Path) -> Callable[..., Path]:
    """Write an ideas file from idea snippets: ``write_ideas(idea_yaml(...), settings=...)``."""

    def write(*ideas: str, settings: str = "", name: str = "ideas.yaml") -> Path:
        body = "".join(textwrap.indent(i, "  ") for i in ideas)
        head = f"portfolio:\n{textwrap.indent(settings, '  ')}" if settings else ""
        path = tmp_path / name
        path.write_text(f"{head}ideas:\n{body}")
        return path

    return write
