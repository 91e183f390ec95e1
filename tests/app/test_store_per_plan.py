"""Two plans in one folder keep their own runs, splits, champions, advice and reports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import mlplan
from mlplan.io.store import SCHEMA_VERSION, Store, store_path
from mlplan.io.store.migrations import MIGRATIONS

RECALL_PLAN = """\
project: {name: Flight delays (recall), stage: training}
data: {path: flights.parquet, target: late, id: flight_id, positive: true}
metric: {optimise: recall, subject_to: {precision: ">= 0.3"}, resamples: 100}
baselines: {ladder: [dummy, linear], cv_folds: 3}
"""


def test_two_plans_in_one_folder_never_see_each_other(project_dir: Path, cli) -> None:
    """`mlplan init --path recall.yaml` beside `mlplan.yaml`: runs are numbered per store but
    listed per plan, status shows each plan's own metric, and the reports do not overwrite."""
    (project_dir / "recall.yaml").write_text(RECALL_PLAN)
    recall = project_dir / "recall.yaml"
    assert cli("run", "-p", project_dir).code == 0
    assert cli("run", "-p", recall).code == 0
    assert cli("run", "-p", project_dir).code == 0

    default = json.loads(cli("status", "-p", project_dir, "--json").out)
    other = json.loads(cli("status", "-p", recall, "--json").out)
    assert (default["plan"], default["n_runs"]) == ("mlplan.yaml", 2)
    assert (other["plan"], other["n_runs"]) == ("recall.yaml", 1)
    assert default["last_run"]["metric"] == "f1"
    assert other["last_run"]["metric"] == "recall s.t. precision >= 0.3"
    assert {e["metric"] for e in other["evaluations"]} == {"recall s.t. precision >= 0.3"}

    history = json.loads(cli("history", "-p", recall, "--json").out)
    assert [e["kind"] for e in history] == ["run"]
    assert json.loads((project_dir / "mlplan-out" / "results.json").read_text())["plan"] == (
        "mlplan.yaml"
    )
    assert json.loads((project_dir / "recall-out" / "results.json").read_text())["plan"] == (
        "recall.yaml"
    )
    advice = mlplan.advise(recall)
    assert advice.metric == "recall s.t. precision >= 0.3"
    assert advice.run_id == other["last_run"]["id"]


def test_a_store_from_before_plans_had_keys_migrates_to_the_default_plan(tmp_path: Path) -> None:
    """A version-2 store (one plan per folder) opens at the current version; its runs,
    splits and events now belong to mlplan.yaml and to no other plan."""
    path = tmp_path / ".mlplan" / "mlplan.db"
    path.parent.mkdir()
    with sqlite3.connect(path) as db:
        for version, script in enumerate(MIGRATIONS[:2]):
            db.executescript(script)
            db.execute(f"PRAGMA user_version = {version + 1}")
        db.execute(
            "INSERT INTO runs (started_at, finished_at, project, stage, plan_hash, "
            "data_fingerprint, test_fingerprint, git_sha, command, summary) "
            "VALUES ('t0', 't1', 'p', 'training', 'h', 'd', 't', NULL, 'run', '{}')"
        )
        db.execute(
            "INSERT INTO events (at, kind, payload) VALUES ('t', 'stage', '{\"to\": \"data\"}')"
        )
    assert store_path(tmp_path) == path
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        assert [r.id for r in store.runs()] == [1]
        assert [e["payload"] for e in store.events()] == [{"to": "data"}]
    with Store(path, plan="recall.yaml") as other:
        assert other.runs() == [] and other.events() == []
