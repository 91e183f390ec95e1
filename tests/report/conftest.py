"""One small binary project run twice and gated twice, and one multi-class project, per session."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from _project import COLUMNS, MODEL, Project, Reported, _scores, _write_plan
from demo_data import flight_delays

import mlplan
from mlplan.app.context import Context
from mlplan.cli.main import main


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("report-project")
    table = flight_delays(2000, seed=11, columns=COLUMNS)
    table.to_parquet(folder / "flights.parquet", index=False)
    _write_plan(folder, 0.5)
    split = mlplan.split(folder, export=folder / "split")
    test_ids = pd.read_csv(folder / "split" / "test_ids.csv", dtype=str)["id"]
    (folder / "preds").mkdir()
    _scores(table, test_ids, 1.5, 0).to_parquet(folder / "preds" / "team.parquet", index=False)
    _scores(table, test_ids, 4.0, 1).to_parquet(folder / "preds" / "worse.parquet", index=False)
    assert split is not None
    first = mlplan.run(folder, n_jobs=1)
    seated = mlplan.gate(folder / "preds" / "team.parquet", folder, name=MODEL, accept=True)
    caught = mlplan.gate(folder / "preds" / "worse.parquet", folder, name="worse <u>model</u>")
    _write_plan(folder, 0.45)
    second = mlplan.run(folder, n_jobs=1)
    with Context(folder) as ctx:
        stored = (len(ctx.store.runs()), len(ctx.store.events()))
    return Project(folder=folder, first=first, second=second, gates=(seated, caught), stored=stored)


@pytest.fixture(scope="session")
def multiclass(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Penguin species from body measurements: a three-class run with its report."""
    from palmerpenguins import load_penguins

    folder = tmp_path_factory.mktemp("penguins")
    penguins = load_penguins().dropna().reset_index(drop=True)
    penguins.insert(0, "penguin_id", [f"P{i:03d}" for i in range(len(penguins))])
    penguins["species"] = penguins["species"].replace({"Gentoo": "Gentoo <em>"})
    penguins.drop(columns=["year"]).to_parquet(folder / "penguins.parquet", index=False)
    (folder / "mlplan.yaml").write_text(
        "project: {name: Penguins, stage: training}\n"
        "data: {path: penguins.parquet, target: species, id: penguin_id}\n"
        "metric: {optimise: balanced_accuracy, resamples: 200}\n"
        "baselines: {ladder: [dummy, linear], cv_folds: 3}\n"
    )
    mlplan.run(folder, n_jobs=1)
    return folder


IDEAS = """\
portfolio: {name: Robotics ideas}
ideas:
  - name: Grasp <script>window.__pwned = 2</script> planner
    problem: Pick parts from a bin.
    archetype: autonomous
    impact: {score: 4}
    feasibility:
      data: {score: 2}
      accuracy: {metric: accuracy, target: 0.95, baseline: 0.8}
      difficulty: {score: 2}
  - name: Defect triage
    problem: Sort camera images of welds.
    archetype: human_in_the_loop
    impact: {score: 3}
    feasibility:
      data: {score: 4}
      accuracy: {metric: recall, target: 0.9, baseline: 0.85}
      difficulty: {score: 4}
"""


@pytest.fixture(scope="session")
def portfolio(tmp_path_factory: pytest.TempPathFactory):
    """Two ranked ideas with their one-pagers; one name holds markup."""
    folder = tmp_path_factory.mktemp("portfolio")
    (folder / "ideas.yaml").write_text(IDEAS)
    return mlplan.portfolio(folder / "ideas.yaml", out=folder / "out")


@pytest.fixture(scope="session")
def reported(project: Project) -> Reported:
    def cli(*args: str) -> str:
        buffer = io.StringIO()
        argv = sys.argv
        sys.argv = ["mlplan", *args]
        try:
            with contextlib.redirect_stdout(buffer):
                main()
        except SystemExit as exc:
            assert not exc.code, buffer.getvalue()
        finally:
            sys.argv = argv
        return buffer.getvalue()

    earlier = cli("report", "-p", str(project.folder), "--run", "1")
    latest = json.loads(cli("report", "-p", str(project.folder), "--json"))
    return Reported(earlier=earlier, latest=latest)
