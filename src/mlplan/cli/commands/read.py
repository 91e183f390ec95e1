"""Reading the store: ``status``, ``history``, a run's ``report``, its ``export`` to MLflow.

None of them measures anything; the application layer is imported inside each command,
so they start without scikit-learn, scipy or matplotlib.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mlplan.cli.app import JsonOption, PlanOption, out, print_json
from mlplan.cli.tables import evaluation_table, num, print_open_advice

__all__ = ["export", "history", "report", "status"]


def status(plan: PlanOption = None, as_json: JsonOption = False) -> None:
    """Show the project's stage, data fingerprint and latest results."""
    from mlplan.app.status import status as read_status

    state = read_status(plan)
    if as_json:
        print_json(asdict(state))
        return
    out.print(f"[bold]{state.project}[/] · stage [bold]{state.stage}[/] · {state.n_runs} runs")
    out.print(f"plan {state.plan_path} · store {state.store_path}", highlight=False)
    if state.last_run is None:
        out.print("no run yet: 'mlplan run' measures the plan")
        return
    last = state.last_run
    out.print(
        f"data fingerprint {state.data_fingerprint} · last run #{last['id']} at "
        f"{last['finished_at']} · best {last.get('best')} ({num(last.get('best_value'))})"
    )
    out.print(evaluation_table("latest results", str(last.get("metric")), state.evaluations))
    print_open_advice(out, state.advice)


def history(plan: PlanOption = None, as_json: JsonOption = False) -> None:
    """List every run (time, plan hash, data fingerprint, git commit) and lifecycle event."""
    from mlplan.app.status import history as read_history
    from mlplan.core.lifecycle import loop_backs

    entries = read_history(plan)
    if as_json:
        print_json([asdict(e) for e in entries])
        return
    table = Table("time (UTC)", "what", "why", "plan", "data", "git", "best")
    table.columns[0].no_wrap = True
    table.columns[1].min_width = 30
    for entry in entries:
        d = entry.details
        table.add_row(
            entry.at.replace("T", " ")[:16],
            entry.summary,
            str(d.get("why", "")) if entry.kind in ("stage", "decision") else "",
            str(d.get("plan_hash", "")),
            str(d.get("data_fingerprint", "")),
            (d.get("git_sha") or "–")[:10] if entry.kind == "run" else "",
            str(d.get("best") or ""),
        )
    out.print(table)
    counts = loop_backs(e.details for e in entries if e.kind == "stage")
    out.print("loop-backs per stage: " + ", ".join(f"{stage} {n}" for stage, n in counts.items()))


def export(
    mlflow: Annotated[
        str, typer.Option("--mlflow", help="MLflow tracking URI, e.g. sqlite:///mlflow.db.")
    ],
    plan: PlanOption = None,
    run_id: Annotated[
        int | None, typer.Option("--run", help="Stored run to export \\[default: latest].")
    ] = None,
    experiment: Annotated[
        str | None, typer.Option(help="MLflow experiment \\[default: the project's name].")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Log a stored run to MLflow: plan as params, one nested run per model, reports."""
    from mlplan.app.export import export_mlflow

    result = export_mlflow(mlflow, plan, run_id=run_id, experiment=experiment)
    if as_json:
        print_json(asdict(result))
        return
    verb = "updated" if result.mlflow.updated else "logged"
    out.print(
        f"{verb} run #{result.run} as MLflow run {result.mlflow.run_id} in experiment "
        f"'{result.experiment}' ({len(result.mlflow.children)} nested runs, "
        f"{len(result.artifacts)} artifacts)",
        highlight=False,
    )


def report(
    plan: PlanOption = None,
    run_id: Annotated[
        int | None, typer.Option("--run", help="Run to report \\[default: latest].")
    ] = None,
    against: Annotated[
        int | None,
        typer.Option(
            "--against", help="Run that 'what changed' compares with \\[default: the one before]."
        ),
    ] = None,
    open_page: Annotated[
        bool, typer.Option("--open", help="Open the report in the default browser.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Regenerate a stored run's report, and the index page of every run (reads only)."""
    import webbrowser

    from rich.markup import escape

    from mlplan.app.report import report as write_report

    files = write_report(plan, run_id=run_id, against=against)
    if as_json:
        print_json(asdict(files))
    else:
        out.print(f"report of run #{files.run_id}: {files.report}", highlight=False)
        out.print(f"index of every run: {files.index}", highlight=False)
        for note in files.notes[1:]:
            out.print(f"[dim]· {escape(note)}[/]", highlight=False)
    if open_page:
        webbrowser.open(Path(files.report).resolve().as_uri())
