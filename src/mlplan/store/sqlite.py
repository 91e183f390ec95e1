"""The project store: one SQLite file, WAL mode, migrated on open, written in transactions."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from mlplan.errors import StoreError
from mlplan.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["HOME_VARIABLE", "RunRow", "Store", "store_path", "utc_now"]

HOME_VARIABLE = "MLPLAN_HOME"
_FILENAME = "mlplan.db"


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string (seconds precision)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_path(plan_root: str | Path) -> Path:
    """Where a project's store lives.

    ``$MLPLAN_HOME/mlplan.db`` when the variable is set, else
    ``<plan folder>/.mlplan/mlplan.db``.
    """
    home = os.environ.get(HOME_VARIABLE)
    folder = Path(home).expanduser() if home else Path(plan_root) / ".mlplan"
    return folder / _FILENAME


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRow:
    """One run as the store remembers it."""

    id: int
    started_at: str
    finished_at: str
    project: str
    stage: str
    plan_hash: str
    data_fingerprint: str
    test_fingerprint: str
    git_sha: str | None
    command: str
    summary: dict[str, Any]


class Store:
    """A project's SQLite store.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created when missing.

    Notes
    -----
    Writes happen inside :meth:`transaction`; an exception or an interrupt inside
    it rolls everything back, so the file never holds half a run.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store {self.path} cannot be opened: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"store {self.path} cannot be created: {exc}") from exc

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        """The schema version of the file."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path} has schema version {current}, newer than this mlplan "
                f"understands ({SCHEMA_VERSION}); upgrade mlplan"
            )
        for version in range(current, SCHEMA_VERSION):
            with self.transaction() as db:
                db.executescript_in_tx(MIGRATIONS[version])
                db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        """A write transaction: committed on success, rolled back on any exception."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"store {self.path} is busy or read-only: {exc}") from exc
        try:
            yield _Tx(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            try:
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self._db.execute("ROLLBACK")
                raise StoreError(f"store {self.path}: commit failed: {exc}") from exc

    # -- reading -----------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a read-only query and return its rows (columns by name)."""
        cursor = self._db.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def runs(self) -> list[RunRow]:
        """Every run, oldest first."""
        return [_run(row) for row in self.query("SELECT * FROM runs ORDER BY id")]

    def latest_run(self) -> RunRow | None:
        """The newest run, if any."""
        rows = self.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1")
        return _run(rows[0]) if rows else None

    def evaluations(self, run_id: int) -> list[dict[str, Any]]:
        """The evaluation records of a run, as stored (JSON decoded)."""
        rows = self.query(
            "SELECT record FROM evaluations WHERE run_id = ? ORDER BY rowid", (run_id,)
        )
        return [json.loads(row["record"]) for row in rows]

    def predictions(self, run_id: int, name: str) -> dict[str, np.ndarray]:
        """The stored test predictions of one evaluated model (``pred`` and maybe ``score``)."""
        rows = self.query(
            "SELECT part, array FROM predictions WHERE run_id = ? AND name = ?", (run_id, name)
        )
        return {row["part"]: np.load(io.BytesIO(row["array"]), allow_pickle=False) for row in rows}

    def latest_split(self) -> dict[str, Any] | None:
        """The newest frozen split, ids decoded."""
        rows = self.query("SELECT * FROM splits ORDER BY id DESC LIMIT 1")
        if not rows:
            return None
        row = dict(rows[0])
        row["config"] = json.loads(row["config"])
        row["train_ids"] = decode_ids(row["train_ids"])
        row["test_ids"] = decode_ids(row["test_ids"])
        return row

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Lifecycle events (stage moves, decisions, ...), oldest first."""
        if kind is None:
            rows = self.query("SELECT * FROM events ORDER BY id")
        else:
            rows = self.query("SELECT * FROM events WHERE kind = ? ORDER BY id", (kind,))
        return [{**row, "payload": json.loads(row["payload"])} for row in rows]


class _Tx:
    """Write operations, only available inside :meth:`Store.transaction`."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute one statement; returns the last inserted row id."""
        return int(self._db.execute(sql, params).lastrowid or 0)

    def executescript_in_tx(self, script: str) -> None:
        """Execute several statements without committing (unlike sqlite3's executescript)."""
        for statement in script.split(";"):
            if statement.strip():
                self._db.execute(statement)

    def add_event(self, kind: str, payload: dict[str, Any], at: str | None = None) -> int:
        """Append a lifecycle event."""
        return self.execute(
            "INSERT INTO events (at, kind, payload) VALUES (?, ?, ?)",
            (at or utc_now(), kind, json.dumps(payload, default=str)),
        )

    def add_split(
        self,
        *,
        data_fingerprint: str,
        strategy: str,
        config: dict[str, Any],
        test_fingerprint: str,
        train_ids: Sequence[str],
        test_ids: Sequence[str],
        note: str = "",
    ) -> int:
        """Freeze a split."""
        return self.execute(
            "INSERT INTO splits (created_at, data_fingerprint, strategy, config, "
            "test_fingerprint, train_ids, test_ids, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                utc_now(),
                data_fingerprint,
                strategy,
                json.dumps(config, sort_keys=True),
                test_fingerprint,
                encode_ids(train_ids),
                encode_ids(test_ids),
                note,
            ),
        )

    def add_run(self, run: dict[str, Any]) -> int:
        """Insert a run row (keys as :class:`RunRow`, without ``id``)."""
        return self.execute(
            "INSERT INTO runs (started_at, finished_at, project, stage, plan_hash, "
            "data_fingerprint, test_fingerprint, git_sha, command, summary) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run["started_at"],
                run["finished_at"],
                run["project"],
                run["stage"],
                run["plan_hash"],
                run["data_fingerprint"],
                run["test_fingerprint"],
                run["git_sha"],
                run["command"],
                json.dumps(run["summary"], default=str),
            ),
        )

    def add_evaluation(self, run_id: int, record: dict[str, Any]) -> None:
        """Store one evaluation record (a JSON-able dict with name, source, value, lo, hi)."""
        self.execute(
            "INSERT INTO evaluations (run_id, name, source, value, lo, hi, threshold, record) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                record["name"],
                record["source"],
                record.get("value"),
                record.get("lo"),
                record.get("hi"),
                record.get("threshold"),
                json.dumps(record, default=str),
            ),
        )

    def add_predictions(self, run_id: int, name: str, arrays: dict[str, np.ndarray]) -> None:
        """Store test predictions as ``.npy`` bytes."""
        for part, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(array), allow_pickle=False)
            self.execute(
                "INSERT INTO predictions (run_id, name, part, array) VALUES (?, ?, ?, ?)",
                (run_id, name, part, buffer.getvalue()),
            )


def encode_ids(ids: Sequence[str]) -> bytes:
    """Compress a list of ids for storage."""
    return zlib.compress(json.dumps(list(ids)).encode())


def decode_ids(blob: bytes) -> list[str]:
    """Inverse of :func:`encode_ids`."""
    return list(json.loads(zlib.decompress(blob)))


def _run(row: dict[str, Any]) -> RunRow:
    return RunRow(**{**row, "summary": json.loads(row["summary"])})
