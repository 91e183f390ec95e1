"""The project store: one SQLite file, WAL mode, migrated on open, written in transactions.

One file per folder (``.mlplan/mlplan.db`` beside the plans) holds the records of
every plan in that folder, each row tagged with its plan's key; a :class:`Store`
is opened *for one plan* and never reads or writes another plan's rows.

Every ``sqlite3`` error, wherever it happens (open, migrate, read, write, commit,
rollback), becomes a :class:`~mlplan.errors.StoreError` naming the file; so does a
stored record that no longer decodes (JSON, ids or arrays corrupted inside the
file's pages).
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from mlplan.errors import StoreError
from mlplan.io.store.arrays import from_npy, to_npy
from mlplan.io.store.migrations import MIGRATIONS, SCHEMA_VERSION

__all__ = ["DEFAULT_PLAN_KEY", "HOME_VARIABLE", "RunRow", "Store", "store_path", "utc_now"]

HOME_VARIABLE = "MLPLAN_HOME"
#: The key of a folder's default plan, ``mlplan.yaml`` (rows from before stores were per plan).
DEFAULT_PLAN_KEY = "mlplan.yaml"
_FILENAME = "mlplan.db"
_T = TypeVar("_T")


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string (seconds precision)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_path(plan_root: str | Path) -> Path:
    """Where the store of the plans in ``plan_root`` lives.

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
    plan: str = DEFAULT_PLAN_KEY


class Store:
    """One plan's view of a project store.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created when missing.
    plan : str, default "mlplan.yaml"
        The plan whose records this store reads and writes.

    Notes
    -----
    Writes happen inside :meth:`transaction`; an exception or an interrupt inside
    it rolls everything back, so the file never holds half a command.
    """

    def __init__(self, path: str | Path, *, plan: str = DEFAULT_PLAN_KEY) -> None:
        self.path = Path(path)
        self.plan = plan
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        except OSError as exc:
            raise StoreError(f"store {self.path} cannot be created: {exc}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.path} cannot be opened: {exc}") from exc
        try:
            with self._errors("cannot be opened"):
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA foreign_keys=ON")
                self._migrate()
        except StoreError:
            self._db.close()
            raise

    def close(self) -> None:
        """Close the connection (a connection SQLite already gave up on closes quietly)."""
        with suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Turn any ``sqlite3`` error inside the block into one :class:`StoreError` line."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.path} {what}: {exc}") from exc

    @property
    def version(self) -> int:
        """The schema version of the file."""
        with self._errors("cannot be read"):
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
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: committed on success, rolled back on any exception.

        A rollback that SQLite already performed (after a full disk, say) is not an
        error; the original failure is what the caller sees.
        """
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.path} is busy or read-only: {exc}") from exc
        try:
            yield Tx(self._db, self.plan)
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"store {self.path} cannot be written: {exc}") from exc
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"store {self.path}: commit failed: {exc}") from exc

    def _rollback(self) -> None:
        if self._db.in_transaction:
            with suppress(sqlite3.Error):  # SQLite rolled back on its own; nothing was written
                self._db.execute("ROLLBACK")

    # -- reading -----------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a read-only query and return its rows (columns by name)."""
        with self._errors("cannot be read"):
            cursor = self._db.execute(sql, params)
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _decode(self, decode: Callable[[Any], _T], blob: Any, what: str) -> _T:
        """Decode a stored value; a value that no longer decodes is a corrupted store."""
        try:
            return decode(blob)
        except Exception as exc:  # json, zlib and numpy raise many types on bad bytes
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreError(
                f"store {self.path} is corrupted: {what} cannot be decoded ({reason}); "
                "restore it from a backup or move it away to start a new one"
            ) from exc

    def _run(self, row: dict[str, Any]) -> RunRow:
        return RunRow(**{**row, "summary": self._decode(json.loads, row["summary"], "a run")})

    def runs(self) -> list[RunRow]:
        """This plan's runs, oldest first."""
        rows = self.query("SELECT * FROM runs WHERE plan = ? ORDER BY id", (self.plan,))
        return [self._run(row) for row in rows]

    def latest_run(self) -> RunRow | None:
        """This plan's newest run, if any."""
        rows = self.query(
            "SELECT * FROM runs WHERE plan = ? ORDER BY id DESC LIMIT 1", (self.plan,)
        )
        return self._run(rows[0]) if rows else None

    def run(self, run_id: int) -> RunRow | None:
        """One of this plan's runs by id, or None."""
        rows = self.query("SELECT * FROM runs WHERE plan = ? AND id = ?", (self.plan, run_id))
        return self._run(rows[0]) if rows else None

    def evaluations(self, run_id: int) -> list[dict[str, Any]]:
        """The evaluation records of one of this plan's runs, as stored (JSON decoded)."""
        rows = self.query(
            "SELECT e.record FROM evaluations e JOIN runs r ON r.id = e.run_id "
            "WHERE e.run_id = ? AND r.plan = ? ORDER BY e.rowid",
            (run_id, self.plan),
        )
        return [self._decode(json.loads, row["record"], "an evaluation") for row in rows]

    def predictions(self, run_id: int, name: str) -> dict[str, Any]:
        """The stored test predictions of one evaluated model (``pred`` and maybe ``score``)."""
        rows = self.query(
            "SELECT p.part, p.array FROM predictions p JOIN runs r ON r.id = p.run_id "
            "WHERE p.run_id = ? AND p.name = ? AND r.plan = ?",
            (run_id, name, self.plan),
        )
        return {row["part"]: self._decode(from_npy, row["array"], "predictions") for row in rows}

    def latest_split(self) -> dict[str, Any] | None:
        """This plan's newest frozen split, ids decoded."""
        rows = self.query(
            "SELECT * FROM splits WHERE plan = ? ORDER BY id DESC LIMIT 1", (self.plan,)
        )
        if not rows:
            return None
        row = dict(rows[0])
        row["config"] = self._decode(json.loads, row["config"], "a split")
        row["train_ids"] = self._decode(decode_ids, row["train_ids"], "a split")
        row["test_ids"] = self._decode(decode_ids, row["test_ids"], "a split")
        return row

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        """This plan's lifecycle events (stage moves, decisions, ...), oldest first."""
        if kind is None:
            rows = self.query("SELECT * FROM events WHERE plan = ? ORDER BY id", (self.plan,))
        else:
            rows = self.query(
                "SELECT * FROM events WHERE plan = ? AND kind = ? ORDER BY id", (self.plan, kind)
            )
        return [
            {**row, "payload": self._decode(json.loads, row["payload"], "an event")} for row in rows
        ]

    def latest_champion(self) -> dict[str, Any] | None:
        """This plan's newest champion row with its event payload, arrays decoded."""
        rows = self.query(
            "SELECT c.*, e.payload FROM champions c JOIN events e ON e.id = c.event_id "
            "WHERE c.plan = ? ORDER BY c.id DESC LIMIT 1",
            (self.plan,),
        )
        if not rows:
            return None
        row = rows[0]
        return {
            **row,
            "pred": self._decode(from_npy, row["pred"], "the champion"),
            "score": None
            if row["score"] is None
            else self._decode(from_npy, row["score"], "the champion"),
            "payload": self._decode(json.loads, row["payload"], "the champion"),
        }


class Tx:
    """Write operations, only available inside :meth:`Store.transaction`."""

    def __init__(self, db: sqlite3.Connection, plan: str) -> None:
        self._db = db
        self.plan = plan

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
            "INSERT INTO events (at, kind, payload, plan) VALUES (?, ?, ?, ?)",
            (at or utc_now(), kind, json.dumps(payload, default=str), self.plan),
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
            "test_fingerprint, train_ids, test_ids, note, plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                utc_now(),
                data_fingerprint,
                strategy,
                json.dumps(config, sort_keys=True),
                test_fingerprint,
                encode_ids(train_ids),
                encode_ids(test_ids),
                note,
                self.plan,
            ),
        )

    def add_run(self, run: dict[str, Any]) -> int:
        """Insert a run row (keys as :class:`RunRow`, without ``id`` and ``plan``)."""
        return self.execute(
            "INSERT INTO runs (started_at, finished_at, project, stage, plan_hash, "
            "data_fingerprint, test_fingerprint, git_sha, command, summary, plan) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                self.plan,
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

    def add_predictions(self, run_id: int, name: str, arrays: dict[str, Any]) -> None:
        """Store test predictions as ``.npy`` bytes."""
        for part, array in arrays.items():
            self.execute(
                "INSERT INTO predictions (run_id, name, part, array) VALUES (?, ?, ?, ?)",
                (run_id, name, part, to_npy(array)),
            )

    def add_champion(
        self,
        *,
        event_id: int,
        accepted_at: str,
        name: str,
        test_fingerprint: str,
        threshold: float | None,
        pred: Any,
        score: Any | None,
    ) -> int:
        """Store a champion's test predictions beside its ``champion`` event."""
        return self.execute(
            "INSERT INTO champions (event_id, accepted_at, name, test_fingerprint, threshold, "
            "pred, score, plan) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event_id,
                accepted_at,
                name,
                test_fingerprint,
                threshold,
                to_npy(pred),
                None if score is None else to_npy(score),
                self.plan,
            ),
        )


def encode_ids(ids: Sequence[str]) -> bytes:
    """Compress a list of ids for storage."""
    return zlib.compress(json.dumps(list(ids)).encode())


def decode_ids(blob: bytes) -> list[str]:
    """Inverse of :func:`encode_ids`."""
    return list(json.loads(zlib.decompress(blob)))
