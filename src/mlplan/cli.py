"""The ``mlplan`` command line: parsing, printing and exit codes; no logic of its own.

Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 store problem, 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mlplan import api
from mlplan.errors import MlplanError, PlanError
from mlplan.evaluation import Evaluation
from mlplan.plan.init import init as init_plan
from mlplan.run import RunResult
from mlplan.run import run as run_plan

__all__ = ["app", "main"]

app = typer.Typer(
    name="mlplan",
    help="Turn an ML project idea into a measured plan, and keep the project honest.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)
_state = {"debug": False}

PlanOption = Annotated[
    Path | None,
    typer.Option("--plan", "-p", help="Plan file or its folder [default: ./mlplan.yaml]."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


def main() -> None:
    """Entry point of the ``mlplan`` console script."""
    _state["debug"] = "--debug" in sys.argv
    try:
        app(standalone_mode=False)
    except MlplanError as exc:
        if _state["debug"]:
            err.print_exception()
        err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted; the store is unchanged")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click's usage errors and anything unexpected
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if _state["debug"]:
            raise
        err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc} (rerun with --debug)")
        sys.exit(1)


@contextmanager
def _progress(description: str) -> Iterator[Callable[[str, int, int], None] | None]:
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


def _print_json(payload: Any) -> None:
    out.print_json(json.dumps(payload, default=str))


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _evaluation_table(title: str, metric: str, evaluations: list[dict[str, Any]]) -> Table:
    table = Table(title=f"{title}\nmetric: {metric}", title_justify="left")
    table.add_column("model", no_wrap=True)
    table.add_column("source")
    for column in ("test", "95% CI", "CV mean", "CV 95% CI", "threshold"):
        table.add_column(column, justify="right", no_wrap=True)
    for e in evaluations:
        table.add_row(
            e["name"],
            e["source"],
            _num(e["value"]),
            _interval(e.get("lo"), e.get("hi")),
            _num(e.get("cv_mean")),
            _interval(e.get("cv_lo"), e.get("cv_hi")),
            _num(e.get("threshold"), 4),
        )
    return table


def _interval(lo: float | None, hi: float | None) -> str:
    return "–" if lo is None or hi is None else f"{lo:.3f}–{hi:.3f}"


@app.command()
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
    path: Annotated[Path, typer.Option("--path", help="Where to write the plan.")] = Path(
        "mlplan.yaml"
    ),
    force: Annotated[bool, typer.Option(help="Overwrite an existing plan.")] = False,
) -> None:
    """Write a commented mlplan.yaml, inferring the task from the target column."""
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
        path=path,
        force=force,
    )
    out.print(
        f"wrote {result.path}: task [bold]{result.task}[/] (inferred: {result.task_reason}), "
        f"metric [bold]{result.metric}[/]"
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


@app.command()
def run(
    plan: PlanOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel jobs.", min=1)] = 2,
    as_json: JsonOption = False,
) -> None:
    """Split, run the baseline ladder, evaluate models, store and report."""
    with _progress("ladder") as advance:
        result = run_plan(plan, n_jobs=jobs, on_progress=advance)
    if as_json:
        _print_json(result.to_dict())
        return
    _print_run(result)


def _print_run(result: RunResult) -> None:
    out.print(
        f"[bold]{result.project}[/] · stage {result.stage} · {result.task} "
        f"({result.task_reason}) · {result.n_train} train / {result.n_test} test "
        f"({result.split_strategy}) · data {result.data_fingerprint}"
    )
    title = f"run #{result.run_id}: {len(result.evaluations)} models on {result.n_test} test rows"
    table = _evaluation_table(title, result.metric, [e.to_dict() for e in result.evaluations])
    out.print(table)
    for note in result.notes:
        out.print(f"[dim]· {note}[/]")
    if result.outputs:
        out.print("reports: " + ", ".join(result.outputs.values()))


@app.command()
def split(
    plan: PlanOption = None,
    export: Annotated[
        Path | None, typer.Option(help="Write train_ids.csv / test_ids.csv into this folder.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Freeze the held-out test rows (or show the frozen split) and export their ids."""
    summary = api.split(plan, export=export)
    if as_json:
        _print_json(summary)
        return
    out.print(
        f"{summary['strategy']} split: {summary['n_train']} train / {summary['n_test']} test, "
        f"test fingerprint {summary['test_fingerprint']} ({summary['note']})"
    )
    for path in summary["written"]:
        out.print(f"wrote {path}")


@app.command()
def evaluate(
    predictions: Annotated[Path, typer.Argument(help="Predictions file (ids + scores or labels).")],
    plan: PlanOption = None,
    name: Annotated[str | None, typer.Option(help="Model name [default: file stem].")] = None,
    as_json: JsonOption = False,
) -> None:
    """Score one predictions file on the frozen test rows with the plan's metric."""
    evaluation: Evaluation = api.evaluate(predictions, plan, name=name)
    record = evaluation.to_dict()
    if as_json:
        _print_json(record)
        return
    title = f"{evaluation.name} on the test rows"
    out.print(_evaluation_table(title, evaluation.metric, [record]))
    if evaluation.note:
        out.print(f"[dim]· {evaluation.note}[/]")
    metrics = Table("metric", "value", title="all metrics at the operating point")
    for key, value in sorted(evaluation.metrics.items()):
        metrics.add_row(key, _num(value, 4))
    out.print(metrics)


@app.command()
def status(plan: PlanOption = None, as_json: JsonOption = False) -> None:
    """Show the project's stage, data fingerprint and latest results."""
    state = api.status(plan)
    if as_json:
        _print_json(asdict(state))
        return
    out.print(f"[bold]{state.project}[/] · stage [bold]{state.stage}[/] · {state.n_runs} runs")
    out.print(f"plan {state.plan_path} · store {state.store_path}")
    if state.last_run is None:
        out.print("no run yet: 'mlplan run' measures the plan")
        return
    last = state.last_run
    out.print(
        f"data fingerprint {state.data_fingerprint} · last run #{last['id']} at "
        f"{last['finished_at']} · best {last.get('best')} ({_num(last.get('best_value'))})"
    )
    out.print(_evaluation_table("latest results", str(last.get("metric")), state.evaluations))


@app.command()
def history(plan: PlanOption = None, as_json: JsonOption = False) -> None:
    """List every run (time, plan hash, data fingerprint, git commit) and lifecycle event."""
    entries = api.history(plan)
    if as_json:
        _print_json([asdict(e) for e in entries])
        return
    table = Table("time", "what", "plan", "data", "git", "best")
    for entry in entries:
        d = entry.details
        table.add_row(
            entry.at,
            entry.summary,
            str(d.get("plan_hash", "")),
            str(d.get("data_fingerprint", "")),
            (d.get("git_sha") or "–")[:10] if entry.kind == "run" else "",
            str(d.get("best") or ""),
        )
    out.print(table)


if __name__ == "__main__":  # pragma: no cover
    main()
