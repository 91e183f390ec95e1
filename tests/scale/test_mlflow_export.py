"""`mlplan export --mlflow`: a stored run round-trips through a local tracking store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mlplan

pytest.importorskip("mlflow")
pytest.importorskip("sqlalchemy")


def test_export_round_trips_and_is_idempotent(project_dir: Path, cli, tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    assert cli("run", "-p", project_dir, "--jobs", "1").code == 0
    uri = f"sqlite:///{tmp_path / 'tracking' / 'mlflow.db'}"
    (tmp_path / "tracking").mkdir()
    first = cli("export", "--mlflow", uri, "-p", project_dir, "--experiment", "flights", "--json")
    assert first.code == 0, first.err
    second = cli("export", "--mlflow", uri, "-p", project_dir, "--experiment", "flights")
    assert second.code == 0 and second.out.startswith("updated run #1"), second.out

    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name("flights")
    runs = client.search_runs([experiment.experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if r.data.tags.get("mlflow.parentRunId") == parents[0].info.run_id]
    assert len(parents) == 1 and len(runs) == 1 + len(children)  # exported twice, stored once

    with mlplan.Context(project_dir) as ctx:
        run = ctx.store.latest_run()
        evaluations = {e["name"]: e for e in ctx.store.evaluations(run.id)}
        plan = ctx.plan
    parent = parents[0].data
    assert parent.params["metric.optimise"] == plan.metric.optimise == "f1"
    assert parent.params["baselines.ladder"] == json.dumps(plan.baselines.ladder)
    assert parent.tags["mlplan.data_fingerprint"] == run.data_fingerprint
    assert parent.tags["mlplan.test_fingerprint"] == run.test_fingerprint
    assert parent.tags["mlplan.stage"] == "training"
    assert "mlplan.advice" in parent.tags
    assert {c.data.tags["mlplan.model"] for c in children} == set(evaluations)
    for child in children:
        record = evaluations[child.data.tags["mlplan.model"]]
        metrics = child.data.metrics
        assert metrics["metric"] == record["value"]
        assert (metrics["metric_lo"], metrics["metric_hi"]) == (record["lo"], record["hi"])
        assert metrics["f1"] == record["metrics"]["f1"]
        assert "threshold_source" in child.data.params
        history = client.get_metric_history(child.info.run_id, "metric")
        assert len(history) == 1  # the second export did not add a point
    artifacts = {a.path for a in client.list_artifacts(parents[0].info.run_id)}
    assert {"report.html", "report.md", "results.json"} <= artifacts


@pytest.mark.parametrize("uri", ["nosuchscheme://nowhere", "sqlite:///{folder}"])
def test_unopenable_tracking_uri_is_one_line_exit_2(
    project_dir: Path, cli, tmp_path: Path, uri: str
) -> None:
    assert cli("run", "-p", project_dir, "--jobs", "1").code == 0
    result = cli("export", "--mlflow", uri.format(folder=tmp_path), "-p", project_dir)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert "cannot open the MLflow tracking store" in lines[0]
