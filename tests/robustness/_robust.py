"""Outcome checks shared by the robustness tests (see ``conftest.py`` for the fixtures)."""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mlplan.io.store import store_path

__all__ = ["BASE_PLAN", "assert_refused", "one_line", "store_rows", "within"]

#: A plan small enough that a full run takes about a second.
BASE_PLAN = """\
project: {name: Robustness, stage: training}
data:
  path: flights.parquet
  target: late
  id: flight_id
  positive: true
metric:
  optimise: f1
  resamples: 50
baselines:
  ladder: [dummy, linear]
  cv_folds: 2
"""


def one_line(err: str) -> str:
    """The single line an error printed (fails when there are more, or a traceback)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    return lines[0]


def assert_refused(result: object, code: int, *fragments: str) -> str:
    """The documented failure: exit ``code`` and one line holding every fragment."""
    line = one_line(result.err)  # type: ignore[attr-defined]
    assert result.code == code, (result.code, line)  # type: ignore[attr-defined]
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def store_rows(folder: Path) -> dict[str, int]:
    """Rows per table of the folder's store ({} when there is no store)."""
    path = store_path(folder)
    if not path.exists():
        return {}
    with sqlite3.connect(path) as db:
        tables = ("runs", "splits", "evaluations", "predictions", "events", "champions")
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail when the block takes longer than ``seconds`` (generous: the machine is shared)."""
    start = time.process_time()  # CPU time: a loaded machine does not fail a fast parser
    yield
    took = time.process_time() - start
    assert took < seconds, f"took {took:.1f} s, more than {seconds} s"


def cpu_bounded(seconds: float) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Fail an example that takes more than ``seconds`` of this process's CPU (put it
    under ``@given``: each example is timed, whatever the machine's load)."""

    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(test)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with within(seconds):
                return test(*args, **kwargs)

        return timed

    return decorate
