"""One context per command: reads never write, and a command writes all of it or nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import mlplan
from mlplan.io.store import Tx, store_path


def _rows(folder: Path) -> dict[str, int]:
    path = store_path(folder)
    if not path.exists():
        return {}
    with sqlite3.connect(path) as db:
        tables = ("runs", "splits", "evaluations", "predictions", "events", "champions")
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def _candidate(folder: Path) -> Path:
    """The linear rung's stored test predictions, written out as a candidate file."""
    with mlplan.Context(folder) as ctx:
        run = ctx.store.latest_run()
        assert run is not None
        score = ctx.store.predictions(run.id, "linear")["score"]
        ids = ctx.split.test_ids
    path = folder / "candidate.parquet"
    pd.DataFrame({"flight_id": list(ids), "score": score}).to_parquet(path, index=False)
    return path


def test_commands_that_read_write_nothing(project_dir: Path, cli) -> None:
    """baseline, evaluate, advise, status, history and an unrecorded gate leave the store
    as it was; a baseline before any run does not even freeze the split."""
    assert cli("baseline", "-p", project_dir).code == 0
    assert _rows(project_dir)["splits"] == 0
    assert cli("run", "-p", project_dir).code == 0
    before = _rows(project_dir)
    candidate = _candidate(project_dir)
    for args in (
        ("baseline", "-p", project_dir),
        ("evaluate", candidate, "-p", project_dir),
        ("advise", "-p", project_dir),
        ("status", "-p", project_dir),
        ("history", "-p", project_dir),
    ):
        assert cli(*args).code == 0, args
    mlplan.gate(candidate, project_dir, record=False)
    assert _rows(project_dir) == before


def test_a_failure_while_storing_a_run_leaves_the_store_as_it_was(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run, its split, evaluations, predictions and advice go in one transaction: when the
    last write (the advice) fails, none of the others is there."""
    original = Tx.add_event

    def failing(self: Tx, kind: str, payload: dict, at: str | None = None) -> int:
        if kind == "advice":
            raise sqlite3.OperationalError("database or disk is full")
        return original(self, kind, payload, at)

    monkeypatch.setattr(Tx, "add_event", failing)
    with pytest.raises(mlplan.StoreError, match="disk is full"):
        mlplan.run(project_dir, write_reports=False)
    counts = _rows(project_dir)
    assert counts["runs"] == counts["splits"] == counts["predictions"] == counts["events"] == 0


def test_an_interrupt_after_the_commit_says_the_run_was_stored(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    """Ctrl-C while the reports are written: the message says the run is stored, not that
    the store is unchanged."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("mlplan.app.run.write_run_reports", interrupted)
    done = cli("run", "-p", project_dir)
    assert done.code == 130
    assert "interrupted after storing the new split of mlplan.yaml, run #1;" in done.err
    assert "(reports, later steps) was not written" in done.err
    assert "unchanged" not in done.err
    assert _rows(project_dir)["runs"] == 1
