"""Setting a project up: its plan (``init``), its frozen test rows (``split``), its stage.

Each command parses its options, calls its twin in :mod:`mlplan.app` (imported inside
the command, so ``mlplan --help`` starts without the engines) and prints.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mlplan.cli.app import JsonOption, PlanOption, out, print_json
from mlplan.errors import PlanError

__all__ = ["init", "split", "stage"]


def init(
    data: Annotated[str | None, typer.Option(help="Labelled table (CSV or Parquet).")] = None,
    target: Annotated[str | None, typer.Option(help="Column to predict.")] = None,
    metric: Annotated[str | None, typer.Option(help="Metric to optimise.")] = None,
    subject_to: Annotated[
        list[str] | None,
        typer.Option("--subject-to", help="Constraint like 'precision>=0.9' (repeatable)."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Project name.")] = None,
    id: Annotated[str | None, typer.Option("--id", help="Unique row id column.")] = None,
    positive: Annotated[
        str | None, typer.Option(help="The positive class of a binary target.")
    ] = None,
    path: Annotated[Path, typer.Option("--path", help="Where to write the plan.")] = Path(
        "mlplan.yaml"
    ),
    force: Annotated[bool, typer.Option(help="Overwrite an existing plan.")] = False,
) -> None:
    """Write a commented mlplan.yaml, inferring the task from the target column."""
    from mlplan.app.init import init as init_plan

    interactive = sys.stdin.isatty()
    if data is None or target is None:
        if not interactive:
            raise PlanError("init: give --data and --target (or run it on a terminal to be asked)")
        data = data or typer.prompt("Labelled data file (CSV or Parquet)")
        target = target or typer.prompt("Target column")
        metric = metric or (typer.prompt("Metric to optimise (empty: default)", default="") or None)
        name = name or (
            typer.prompt("Project name (empty: from the file name)", default="") or None
        )
    result = init_plan(
        data=data,
        target=target,
        metric=metric,
        subject_to=_constraints(subject_to or []),
        name=name,
        id=id,
        positive=positive,
        path=path,
        force=force,
    )
    out.print(
        f"wrote {result.path}: task [bold]{result.task}[/] (inferred: {result.task_reason}), "
        f"metric [bold]{result.metric}[/]"
        + (f", positive class [bold]{result.positive}[/]" if result.positive else "")
        + (f", row id column [bold]{result.id}[/]" if result.id else ""),
        highlight=False,
    )


def _constraints(items: list[str]) -> dict[str, str]:
    constraints = {}
    for item in items:
        for op in (">=", "<=", ">", "<"):
            if op in item:
                name, value = item.split(op, 1)
                constraints[name.strip()] = f"{op} {value.strip()}"
                break
        else:
            raise PlanError(f"--subject-to: '{item}' is not like 'precision>=0.9'")
    return constraints


def split(
    plan: PlanOption = None,
    export: Annotated[
        Path | None, typer.Option(help="Write train_ids.csv / test_ids.csv into this folder.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Freeze the held-out test rows (or show the frozen split) and export their ids."""
    from mlplan.app.split import split as freeze

    summary = freeze(plan, export=export)
    if as_json:
        print_json(summary)
        return
    out.print(
        f"{summary['strategy']} split: {summary['n_train']} train / {summary['n_test']} test, "
        f"test fingerprint {summary['test_fingerprint']} ({summary['note']})"
    )
    for path in summary["written"]:
        out.print(f"wrote {path}")


def stage(
    to: Annotated[str, typer.Argument(help="planning, data, training or deployment.")],
    why: Annotated[str, typer.Option("--why", help="Why the project moves (kept in history).")],
    plan: PlanOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move the project to another lifecycle stage and record why."""
    from mlplan.app.stage import stage as move_stage

    move = move_stage(to, plan, why=why)
    if as_json:
        print_json(move.payload())
        return
    out.print(f"{move.summary()}: {move.why}")
