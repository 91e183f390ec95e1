"""The error paths themselves: the fallback for bugs, interrupts, and failures after a commit.

Each is driven through a real command with an exception injected where it would
really arise; the only outcomes are the documented exit codes with one line.
"""

from __future__ import annotations

import errno
import re
import sys
from pathlib import Path

import pytest
from _robust import assert_refused, store_rows

README = Path(__file__).resolve().parents[2] / "README.md"


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom\nsecond line of the message")


def test_a_bug_is_exit_70_with_one_line(cli, project: Path, monkeypatch) -> None:
    """An unexpected exception inside a real command: exit 70, one line that says it is a bug."""
    monkeypatch.setattr("mlplan.io.store.sqlite.Store.events", _boom)
    result = cli("status", "-p", project)
    line = assert_refused(result, 70, "internal error: RuntimeError: boom second line")
    assert "a bug in mlplan; rerun with --debug" in line


def test_the_fallback_needs_no_optional_package(cli, project: Path, monkeypatch) -> None:
    """With ``click`` (which Typer no longer installs) impossible to import, the fallback still
    answers: it used to import click and crash with two tracebacks."""
    monkeypatch.setitem(sys.modules, "click", None)  # "import click" now raises ImportError
    monkeypatch.setattr("mlplan.io.store.sqlite.Store.events", _boom)
    assert_refused(cli("status", "-p", project), 70, "internal error: RuntimeError: boom")


def test_debug_shows_the_bug_itself(cli, project: Path, monkeypatch) -> None:
    """``--debug`` lets the original exception through, for the traceback."""
    monkeypatch.setattr("mlplan.io.store.sqlite.Store.events", _boom)
    with pytest.raises(RuntimeError, match="boom"):
        cli("--debug", "status", "-p", project)


def test_the_exit_codes_are_documented() -> None:
    """README's table lists every code the handler can return, 70 included."""
    table = README.read_text(encoding="utf-8").split("## Exit codes", 1)[1]
    codes = re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)
    assert codes[:6] == ["0", "1", "2", "3", "70", "130"]
    assert "a bug in mlplan" in table


def test_an_interrupt_before_the_commit_says_nothing_was_stored(
    cli, project: Path, monkeypatch
) -> None:
    """Ctrl-C while the ladder trains: exit 130, "the store is unchanged", and it is."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("mlplan.app.run.measure_ladder", interrupted)
    result = cli("run", "-p", project)
    assert result.code == 130
    assert "interrupted; the store is unchanged" in result.err
    assert store_rows(project)["runs"] == 0


def test_a_full_disk_while_writing_reports_says_the_run_is_stored(
    cli, project: Path, monkeypatch
) -> None:
    """The run is committed, then the report folder's disk is full: one line, exit 2, naming
    the file and saying what was stored (the reports are not)."""

    def full(path: Path, content: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("mlplan.io.report.render.write_atomically", full)
    result = cli("run", "-p", project)
    line = assert_refused(result, 2, "report.html: No space left on device")
    assert "(stored before the error: the new split of mlplan.yaml, run #1)" in line
    assert store_rows(project)["runs"] == 1


def test_a_bug_after_the_commit_says_what_was_stored(cli, project: Path, monkeypatch) -> None:
    """Exit 70 after the run was committed still tells the user the run is safe."""
    monkeypatch.setattr("mlplan.app.run.write_run_reports", _boom)
    line = assert_refused(cli("run", "-p", project), 70, "internal error: RuntimeError: boom")
    assert line.endswith("(stored before the error: the new split of mlplan.yaml, run #1)")


def test_a_report_folder_that_cannot_be_made_is_caught_before_the_ladder(
    cli, project: Path
) -> None:
    """``output:`` inside a file used to crash after the run was stored; now it is refused at
    load, and nothing is stored."""
    (project / "taken").write_text("")
    plan = project / "mlplan.yaml"
    plan.write_text(plan.read_text() + "output: taken/reports\n")
    assert_refused(cli("run", "-p", project), 2, "output:", "would be inside", "not a folder")
    assert store_rows(project) == {}
