"""Store faults through the CLI: every SQLite failure is one line and exit 3, the store intact.

Faults are injected where they happen -- in the connection, on the statement that
fails (a ``sqlite3.Connection`` subclass passed as ``factory``): a write, the commit,
the rollback, the ``BEGIN``, a read. A full disk is SQLite's own: the connection's
``max_page_count`` is set just above the file's size, so SQLite itself answers
``SQLITE_FULL`` exactly as on a full file system (a tiny mounted file system needs
privileges the test suite does not have). Corruption is written into a real store's
pages.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from _robust import BASE_PLAN, assert_refused, store_rows

from mlplan.app.run import run
from mlplan.io.store import Store, store_path

_connect = sqlite3.connect
Rule = Callable[[str], str | None]


def _inject(
    monkeypatch: pytest.MonkeyPatch,
    rule: Rule,
    *,
    sqlite_rolled_back: bool = False,
    on_open: str | None = None,
) -> None:
    """Make every new connection raise ``OperationalError(rule(sql))`` where the rule says.

    ``sqlite_rolled_back`` ends the transaction first, as SQLite does itself after a full
    disk or an I/O error; ``on_open`` runs a statement on each new connection.
    """

    class Faulty(sqlite3.Connection):
        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
            message = rule(sql)
            if message is not None:
                if sqlite_rolled_back and self.in_transaction:
                    super().execute("ROLLBACK")
                raise sqlite3.OperationalError(message)
            return super().execute(sql, *args)  # type: ignore[arg-type]

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        db = _connect(*args, factory=Faulty, **kwargs)  # type: ignore[call-overload]
        if on_open is not None:
            sqlite3.Connection.execute(db, on_open)
        return db

    monkeypatch.setattr(sqlite3, "connect", connect)


def _on(prefix: str, message: str, *also: tuple[str, str]) -> Rule:
    table = {prefix: message, **dict(also)}
    return lambda sql: next((m for p, m in table.items() if sql.lstrip().startswith(p)), None)


@pytest.fixture
def store_ready(project: Path) -> Path:
    """The project with a store at the current schema (and nothing in it)."""
    Store(store_path(project)).close()
    return project


STAGE = ("stage", "data", "--why", "labels too noisy", "-p")

FAULTS = [
    (
        "a write on a full disk, rolled back by SQLite itself",
        _on("INSERT INTO events", "database or disk is full"),
        True,
        ["cannot be written: database or disk is full"],
    ),
    (
        "a write fails and so does the rollback",
        _on(
            "INSERT INTO events",
            "database or disk is full",
            ("ROLLBACK", "cannot rollback - no transaction is active"),
        ),
        False,
        ["cannot be written: database or disk is full"],
    ),
    (
        "the commit fails",
        _on("COMMIT", "disk I/O error"),
        False,
        ["commit failed: disk I/O error"],
    ),
    (
        "the commit and the rollback fail",
        _on("COMMIT", "disk I/O error", ("ROLLBACK", "cannot rollback - no transaction is active")),
        False,
        ["commit failed: disk I/O error"],
    ),
    (
        "a read-only store",
        _on("BEGIN", "attempt to write a readonly database"),
        False,
        ["is busy or read-only: attempt to write a readonly database"],
    ),
    (
        "a read fails",
        _on("SELECT", "database disk image is malformed"),
        False,
        ["cannot be read: database disk image is malformed"],
    ),
]


@pytest.mark.parametrize(
    ("rule", "rolled_back", "fragments"),
    [case[1:] for case in FAULTS],
    ids=[case[0] for case in FAULTS],
)
def test_injected_sqlite_errors_are_one_line_and_exit_3(
    cli, store_ready: Path, monkeypatch: pytest.MonkeyPatch, rule, rolled_back, fragments
) -> None:
    """Whatever statement fails, the user reads the first failure, and nothing is half-written."""
    _inject(monkeypatch, rule, sqlite_rolled_back=rolled_back)
    result = cli(*STAGE, store_ready)
    assert_refused(result, 3, "error: store ", *fragments)
    assert "cannot rollback" not in result.err
    monkeypatch.undo()
    assert store_rows(store_ready)["events"] == 0
    assert cli(*STAGE, store_ready).code == 0  # the store still works


def test_opening_fails_is_exit_3(cli, store_ready: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while the store is opened (journal mode, migration) is exit 3 too."""
    _inject(monkeypatch, _on("PRAGMA journal_mode", "disk I/O error"))
    assert_refused(cli("status", "-p", store_ready), 3, "cannot be opened: disk I/O error")


def test_a_full_disk_during_a_run_stores_nothing(
    cli, store_ready: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own SQLITE_FULL while ``mlplan run`` writes its predictions: exit 3, one line,
    and the split, run and advice written before it in the transaction are all gone."""
    with sqlite3.connect(store_path(store_ready)) as db:
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    _inject(monkeypatch, lambda sql: None, on_open=f"PRAGMA max_page_count = {pages + 2}")
    result = cli("run", "-p", store_ready)
    assert_refused(result, 3, "cannot be written: database or disk is full")
    monkeypatch.undo()
    assert store_rows(store_ready) == dict.fromkeys(
        ("runs", "splits", "evaluations", "predictions", "events", "champions"), 0
    )
    assert not (store_ready / "mlplan-out").exists()  # reports come after the commit


def test_a_store_folder_that_cannot_be_made_is_exit_3(
    cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``MLPLAN_HOME`` below a file: the folder cannot be created (as root, chmod would not
    stop a write, so an impossible folder stands in for an unwritable one)."""
    (project / "a-file").write_text("")
    monkeypatch.setenv("MLPLAN_HOME", str(project / "a-file" / "store"))
    assert_refused(cli("status", "-p", project), 3, "cannot be created", "Not a directory")


@pytest.fixture(scope="module")
def stored_run(tmp_path_factory: pytest.TempPathFactory, small_flights) -> Path:
    """A project after one real run, its store checkpointed into the main file."""
    folder = tmp_path_factory.mktemp("stored")
    small_flights.to_parquet(folder / "flights.parquet", index=False)
    (folder / "mlplan.yaml").write_text(BASE_PLAN)
    run(folder, n_jobs=1, write_reports=False)
    with sqlite3.connect(store_path(folder)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


def _corrupt(source: Path, target: Path, damage: Callable[[bytearray], None]) -> Path:
    shutil.copytree(source, target)
    path = store_path(target)
    data = bytearray(path.read_bytes())
    damage(data)
    path.write_bytes(bytes(data))
    for leftover in path.parent.glob("mlplan.db-*"):
        leftover.unlink()
    return target


def _overwrite(marker: bytes, offset: int, junk: bytes) -> Callable[[bytearray], None]:
    def damage(data: bytearray) -> None:
        at = data.find(marker)
        assert at >= 0, marker
        data[at + offset : at + offset + len(junk)] = junk

    return damage


def _page_garbage(data: bytearray) -> None:
    data[4096 : 4096 + 200] = b"\xde\xad" * 100


CORRUPTIONS = [
    ("garbage over a b-tree page", _page_garbage, "status", ["database disk image is malformed"]),
    (
        "a run's JSON text overwritten",
        _overwrite(b'"task"', 0, b"{{{{{{"),
        "status",
        ["is corrupted: a run cannot be decoded"],
    ),
    (
        "invalid UTF-8 inside a run's text",
        _overwrite(b'"task"', 0, b"\xff\xfe"),
        "history",
        ["cannot be read: Could not decode to UTF-8"],
    ),
    (
        "stored predictions overwritten",
        _overwrite(b"\x93NUMPY", 10, b"x" * 20),
        "advise",
        ["is corrupted: predictions cannot be decoded"],
    ),
    (
        "not a database at all",
        lambda data: data.__setitem__(slice(0, len(data)), b"this is not a database" * 50),
        "status",
        ["file is not a database"],
    ),
]


@pytest.mark.parametrize(
    ("damage", "command", "fragments"),
    [case[1:] for case in CORRUPTIONS],
    ids=[case[0] for case in CORRUPTIONS],
)
def test_a_corrupted_store_is_one_line_and_exit_3(
    cli, stored_run: Path, tmp_path: Path, damage, command, fragments
) -> None:
    """Bytes damaged inside the file's pages: the command that meets them says so."""
    project = _corrupt(stored_run, tmp_path / "copy", damage)
    assert_refused(cli(command, "-p", project), 3, "error: store ", *fragments)
