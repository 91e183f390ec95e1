"""A flights project with a run (dummy and linear rungs) and a real champion model.

The project is built once per session (ladder run, gradient boosting trained on the
training rows) and copied for every test, so tests may promote champions freely.
``threshold`` is the champion's F1-optimal threshold on the test rows -- the one the
gate chooses when the champion is accepted without ``--threshold`` -- and the
candidates built from the champion's scores are gated at that same threshold.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from demo_data import flight_delays
from sklearn.ensemble import HistGradientBoostingClassifier

import mlplan
from mlplan.app.context import Context
from mlplan.core.metrics import operating_point

PLAN = """\
project:
  name: Flight delays (gate test)
  stage: deployment
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
gate:
  non_inferiority: {metric: 0.02, precision: 0.03}
  floors: {recall: 0.15}
  resamples: 1000
"""


@dataclass(frozen=True)
class GateProject:
    """A ready project folder and the champion's test predictions."""

    root: Path
    test_ids: tuple[str, ...]
    y_test: np.ndarray
    score: np.ndarray
    threshold: float

    def write(self, name: str, score: np.ndarray) -> Path:
        """Write predictions (flight_id, score) for the test rows; returns the path."""
        path = self.root / name
        pd.DataFrame({"flight_id": list(self.test_ids), "score": score}).to_parquet(path)
        return path

    def swapped(self, k: int) -> np.ndarray:
        """The champion's scores with ``k`` late flights newly caught and ``k`` newly missed."""
        y, pred = self.y_test.astype(bool), self.score >= self.threshold
        out = self.score.copy()
        out[np.flatnonzero(y & ~pred)[:k]] = 0.9
        out[np.flatnonzero(y & pred)[:k]] = 0.01
        return out

    def flipped(self, share: float, seed: int = 0) -> np.ndarray:
        """The champion's scores with ``share`` of its correct predictions flipped."""
        y, pred = self.y_test.astype(bool), self.score >= self.threshold
        correct = np.flatnonzero(pred == y)
        flip = np.random.default_rng(seed).choice(
            correct, size=round(share * correct.size), replace=False
        )
        out = self.score.copy()
        out[flip] = np.where(pred[flip], 0.0, 1.0)
        return out


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> GateProject:
    root = tmp_path_factory.mktemp("gate-template")
    table = flight_delays(
        10_000,
        seed=11,
        columns=("month", "day", "sched_dep_time", "carrier", "origin", "dest", "distance"),
    )
    table.to_parquet(root / "flights.parquet", index=False)
    (root / "mlplan.yaml").write_text(PLAN)
    mlplan.run(root, n_jobs=1, write_reports=False)
    with Context(root) as project:
        dataset = project.dataset
        split = project.split
    train_pos, test_pos = split.positions(dataset)
    x = dataset.frame.copy()
    for column in ("carrier", "origin", "dest"):
        x[column] = x[column].astype("category")
    model = HistGradientBoostingClassifier(
        categorical_features="from_dtype", max_iter=150, random_state=0
    )
    model.fit(x.iloc[train_pos], dataset.y[train_pos])
    score = model.predict_proba(x.iloc[test_pos])[:, 1]
    threshold = float(operating_point(dataset.y[test_pos], score, "f1").threshold)
    project = GateProject(root, split.test_ids, dataset.y[test_pos], score, threshold)
    project.write("champion.parquet", score)
    return project


@pytest.fixture
def gate_project(_template: GateProject, tmp_path: Path) -> GateProject:
    """A fresh copy of the project (store included) for one test."""
    root = tmp_path / "project"
    shutil.copytree(_template.root, root)
    return GateProject(
        root, _template.test_ids, _template.y_test, _template.score, _template.threshold
    )
