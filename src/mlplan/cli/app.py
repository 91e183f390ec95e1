"""The Typer application, its consoles and the options every command shares."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = [
    "BudgetOption",
    "ClusterOption",
    "JobsOption",
    "JsonOption",
    "PlanOption",
    "app",
    "err",
    "out",
    "print_json",
    "progress",
    "state",
]

app = typer.Typer(
    name="mlplan",
    help="Turn an ML project idea into a measured plan, and keep the project honest.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Piped output is read in logs and CI, where 80 columns squeeze the tables; a terminal
# keeps its own width.
_PIPE_WIDTH = 120
out = Console(width=None if sys.stdout.isatty() else _PIPE_WIDTH, soft_wrap=True)
err = Console(stderr=True, width=None if sys.stderr.isatty() else _PIPE_WIDTH, soft_wrap=True)
#: Options of the root command (``--debug``), read by the error handler.
state = {"debug": False}

PlanOption = Annotated[
    Path | None,
    typer.Option("--plan", "-p", help="Plan file or its folder \\[default: ./mlplan.yaml]."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
BudgetOption = Annotated[
    str | None, typer.Option("--budget", help="Time budget for the ladder, e.g. 10m, 90s.")
]
JobsOption = Annotated[int, typer.Option("--jobs", "-j", help="Parallel jobs.", min=1)]
ClusterOption = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Run the fits on a Dask scheduler (tcp://host:8786) or 'local' workers "
        "\\[default: the plan's execution.cluster, else here].",
    ),
]


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    state["debug"] = debug


@contextmanager
def progress(description: str) -> Iterator[Callable[[str, int, int], None] | None]:
    """A Rich progress bar on a terminal; nothing when output is piped."""
    if not err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[step]}"))
    with Progress(*columns, TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task(description, total=None, step="")

        def advance(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, step=label)

        yield advance


def print_json(payload: Any) -> None:
    """Print ``payload`` as JSON on standard output."""
    out.print_json(json.dumps(payload, default=str))
