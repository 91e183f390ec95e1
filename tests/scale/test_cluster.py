"""The heavy jobs on a Dask cluster: the same records as on one machine, or one clear line."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mlplan
from mlplan.io.store import store_path

pytest.importorskip("distributed")

#: Measured where the fit ran, not computed: times and memory change from run to run, and
#: the pickled model's size by a few bytes when its strings were unpickled on a worker.
TIMINGS = {"fit_seconds", "latency_ms", "peak_mb", "model_mb"}


def _copy(project: Path, name: str) -> Path:
    target = project.parent / f"{project.name}-{name}"
    shutil.copytree(project, target)
    return target


def _records(folder: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], list[Any]]:
    with mlplan.Context(folder) as ctx:
        run = ctx.store.latest_run()
        assert run is not None
        evaluations = ctx.store.evaluations(run.id)
        for e in evaluations:
            e["costs"] = {k: v for k, v in e["costs"].items() if k not in TIMINGS}
        arrays = {e["name"]: ctx.store.predictions(run.id, e["name"]) for e in evaluations}
        advice = [a["payload"]["findings"] for a in ctx.store.events("advice")]
    return evaluations, arrays, advice


def test_cluster_run_equals_the_local_run_record_for_record(
    project_dir: Path, cli, local_scheduler: str
) -> None:
    """`mlplan run` on 2 worker processes stores what the local run stores."""
    remote = _copy(project_dir, "on-cluster")
    mlplan.run(project_dir, n_jobs=1, write_reports=False)
    on_cluster = cli("run", "-p", remote, "--cluster", local_scheduler)
    assert on_cluster.code == 0, on_cluster.err
    here, there = _records(project_dir), _records(remote)
    assert here[0] == there[0]  # every evaluation: value, interval, threshold, metrics, cv
    assert here[1].keys() == there[1].keys()
    for name, arrays in here[1].items():
        for key, values in arrays.items():
            np.testing.assert_array_equal(values, there[1][name][key], err_msg=f"{name}.{key}")
    assert here[2] == there[2]


def test_cluster_forecast_equals_the_local_forecast(
    project_dir: Path, cli, local_scheduler: str
) -> None:
    """The learning-curve fits on the cluster give the same curves and the same needs."""
    remote = _copy(project_dir, "on-cluster")
    args = ("forecast", "--rung", "linear", "--sizes", "3", "--json")
    local = cli(*args, "-p", project_dir, "--jobs", "1")
    on_cluster = cli(*args, "-p", remote, "--cluster", local_scheduler)
    assert local.code == on_cluster.code == 0, local.err + on_cluster.err
    a, b = json.loads(local.out)["rungs"], json.loads(on_cluster.out)["rungs"]
    # curves, fitted families, ceilings and the data each target needs
    assert _computed(a) == _computed(b)
    with mlplan.Context(project_dir) as one, mlplan.Context(remote) as other:
        stored = [c.store.events("forecast")[0]["payload"] for c in (one, other)]
    assert _computed(stored[0]) == _computed(stored[1])


def _computed(value: Any) -> Any:
    """``value`` without its measured fit times (they differ between any two runs)."""
    if isinstance(value, dict):
        return {k: _computed(v) for k, v in value.items() if k != "fit_seconds"}
    if isinstance(value, list):
        return [_computed(v) for v in value]
    return value


def test_plan_execution_section_starts_local_workers(project_dir: Path) -> None:
    """`execution: {cluster: local, workers: 1}` in the plan runs the ladder on a LocalCluster."""
    plan = project_dir / "mlplan.yaml"
    plan.write_text(plan.read_text() + "execution:\n  cluster: local\n  workers: 1\n")
    local = mlplan.baseline(_copy_without_execution(project_dir))
    remote = mlplan.baseline(project_dir)
    assert [(e.name, e.value, e.cv_mean) for e in remote.evaluations] == [
        (e.name, e.value, e.cv_mean) for e in local.evaluations
    ]


def _copy_without_execution(project: Path) -> Path:
    target = _copy(project, "here")
    plan = target / "mlplan.yaml"
    plan.write_text(plan.read_text().split("execution:")[0])
    return target


def test_unreachable_scheduler_is_one_line_exit_2_and_nothing_stored(
    project_dir: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dask

    monkeypatch.setitem(os.environ, "MLPLAN_TEST", "1")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = cli("run", "-p", project_dir, "--cluster", "tcp://127.0.0.1:1")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in lines[0]
    assert "Traceback" not in result.err
    path = store_path(project_dir)
    if path.exists():
        with sqlite3.connect(path) as db:
            for table in ("runs", "splits", "evaluations", "predictions", "events"):
                assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("execution:\n  cluster: 10.0.0.5\n", "is not a Dask scheduler address"),
        ("execution:\n  cluster: tcp://h:8786\n  workers: 2\n", "workers goes with cluster: local"),
    ],
)
def test_bad_execution_section_names_the_key(
    project_dir: Path, cli, section: str, message: str
) -> None:
    plan = project_dir / "mlplan.yaml"
    plan.write_text(plan.read_text() + section)
    result = cli("baseline", "-p", project_dir)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_a_lost_worker_is_retried_by_dask(local_scheduler: str, tmp_path: Path) -> None:
    """A job whose worker process dies mid-run is rescheduled; every result still arrives."""
    from distributed import Client

    from mlplan.core.distributed import Cluster

    flag = tmp_path / "died-once"
    with Client(local_scheduler, set_as_default=False) as client:
        cluster = Cluster(client=client, address=local_scheduler)
        shared = cluster.share(np.arange(10))
        results = sorted(cluster.run(_die_once, [(i, str(flag)) for i in range(6)], shared=shared))
    assert flag.exists()
    assert results == [2 * i for i in range(6)]


def _die_once(shared: np.ndarray, i: int, flag: str) -> int:
    if i == 3 and not os.path.exists(flag):
        Path(flag).touch()
        os._exit(1)  # the worker process dies; its nanny starts a new one
    return int(shared[i]) * 2
