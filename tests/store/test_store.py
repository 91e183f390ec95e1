"""The SQLite store: WAL, versioned schema, all-or-nothing writes."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from mlplan import StoreError
from mlplan.io.store import SCHEMA_VERSION, Store, store_path


def test_new_store_is_wal_and_at_the_current_version(tmp_path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.version == SCHEMA_VERSION
        mode = store.query("PRAGMA journal_mode")[0]["journal_mode"]
        assert mode == "wal"


def test_an_exception_inside_a_transaction_leaves_nothing(tmp_path) -> None:
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(KeyboardInterrupt), store.transaction() as tx:
            tx.add_event("stage", {"to": "data"})
            raise KeyboardInterrupt
        assert store.events() == []
        with store.transaction() as tx:
            tx.add_event("stage", {"to": "data"})
        assert [e["payload"] for e in store.events()] == [{"to": "data"}]


def test_predictions_round_trip_without_pickle(tmp_path) -> None:
    scores = np.linspace(0, 1, 7)
    with Store(tmp_path / "s.db") as store:
        with store.transaction() as tx:
            run_id = tx.add_run(
                {
                    "started_at": "t0",
                    "finished_at": "t1",
                    "project": "p",
                    "stage": "training",
                    "plan_hash": "h",
                    "data_fingerprint": "d",
                    "test_fingerprint": "t",
                    "git_sha": None,
                    "command": "run",
                    "summary": {},
                }
            )
            tx.add_predictions(run_id, "m", {"score": scores})
        np.testing.assert_array_equal(store.predictions(run_id, "m")["score"], scores)


def test_a_store_from_the_future_is_refused(tmp_path) -> None:
    path = tmp_path / "s.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreError, match="newer than this mlplan understands"):
        Store(path)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"definitely not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        Store(path)


def test_mlplan_home_overrides_the_location(tmp_path, monkeypatch) -> None:
    assert store_path(tmp_path) == tmp_path / ".mlplan" / "mlplan.db"
    monkeypatch.setenv("MLPLAN_HOME", str(tmp_path / "home"))
    assert store_path(tmp_path) == tmp_path / "home" / "mlplan.db"
