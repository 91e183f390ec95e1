"""One small binary project run twice and gated twice, and one multi-class project, per session.

Names that come from the data or the plan hold markup and ``$`` on purpose: every
report must show them as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from demo_data import flight_delays

import mlplan
from mlplan.records.gate import GateResult
from mlplan.records.run import RunResult

MARKUP = "<script>window.__pwned = 1</script>"
PROJECT = f"Delays {MARKUP}"
MODEL = "team $model$ <i>v1</i>"
COLUMNS = ("month", "sched_dep_time", "carrier", "origin", "dest", "distance", "time_hour")

PLAN = f"""\
project:
  name: '{PROJECT}'
  stage: training
data:
  path: flights.parquet
  target: late
  id: flight_id
  positive: true
  split: {{test_size: 0.25, time: time_hour}}
metric:
  optimise: recall
  subject_to: {{precision: ">= 0.3"}}
  resamples: 200
baselines:
  requirement: {{recall: REQUIREMENT}}
  published: [{{name: 'paper <b>bold</b>', recall: 0.6, source: a paper}}]
  human: [{{name: dispatcher, recall: 0.35, n_examples: 300}}]
  scripted: [{{name: evening rule, rule: "sched_dep_time >= 1700"}}]
  ladder: [dummy, linear]
  cv_folds: 3
models:
  - {{name: '{MODEL}', predictions: preds/team.parquet}}
gate:
  floors: {{recall: 0.2}}
  non_inferiority: {{metric: 0.02}}
  must_beat: []
"""


@dataclass(frozen=True)
class Project:
    folder: Path
    first: RunResult
    second: RunResult
    gates: tuple[GateResult, GateResult]

    @property
    def out(self) -> Path:
        return self.folder / "mlplan-out"


def _scores(table: pd.DataFrame, ids: pd.Series, noise: float, seed: int) -> pd.DataFrame:
    """A model 'trained elsewhere', as good as ``noise`` lets it be (a noisy oracle)."""
    late = table.set_index("flight_id").loc[ids, "late"].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    score = 1 / (1 + np.exp(-(2.0 * late - 1.0 + rng.normal(0, noise, late.size))))
    return pd.DataFrame({"flight_id": ids.to_numpy(), "score": score})


def _write_plan(folder: Path, requirement: float) -> None:
    (folder / "mlplan.yaml").write_text(PLAN.replace("REQUIREMENT", str(requirement)))


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
    return Project(folder=folder, first=first, second=second, gates=(seated, caught))


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
