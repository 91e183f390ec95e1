"""The commands: each parses its options, calls its twin in :mod:`mlplan.app`, prints.

The application layer is imported inside each command, so ``mlplan --help`` and the
commands that only read the store start without scikit-learn, scipy or matplotlib.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from mlplan.cli.app import (
    BudgetOption,
    ClusterOption,
    JobsOption,
    JsonOption,
    PlanOption,
    app,
    out,
    print_json,
)
from mlplan.cli.app import progress as progress_bar
from mlplan.cli.tables import (
    evaluation_table,
    num,
    print_forecast,
    print_open_advice,
    print_run,
    print_warnings,
)
from mlplan.errors import PlanError

__all__ = ["portfolio_app"]


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


@app.command()
def run(
    plan: PlanOption = None,
    jobs: JobsOption = 2,
    budget: BudgetOption = None,
    forecast: Annotated[
        bool, typer.Option("--forecast", help="Also forecast the data each target needs.")
    ] = False,
    cluster: ClusterOption = None,
    as_json: JsonOption = False,
) -> None:
    """Split, run the baseline ladder, evaluate models, advise, store and report."""
    from mlplan.app.run import run as run_plan
    from mlplan.cli.advice import advice_rich

    with progress_bar("ladder") as advance:
        result = run_plan(
            plan,
            n_jobs=jobs,
            on_progress=advance,
            budget=budget,
            forecast=forecast,
            cluster=cluster,
        )
    if as_json:
        print_json(result.to_dict())
        return
    print_run(out, result, advice_rich(result.advice) if result.advice else None)


@app.command()
def baseline(
    plan: PlanOption = None,
    rungs: Annotated[
        str | None, typer.Option(help="Comma-separated rungs \\[default: the plan's ladder].")
    ] = None,
    jobs: JobsOption = 2,
    budget: BudgetOption = None,
    cluster: ClusterOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the baseline ladder alone: every rung with its interval and cost (not stored)."""
    from mlplan.app.baseline import baseline as run_baseline

    names = [r.strip() for r in rungs.split(",") if r.strip()] if rungs else None
    with progress_bar("ladder") as advance:
        report = run_baseline(
            plan, rungs=names, budget=budget, n_jobs=jobs, on_progress=advance, cluster=cluster
        )
    payload = report.to_dict()
    if as_json:
        print_json(payload)
        return
    title = f"baseline ladder ({report.ladder.elapsed_seconds:.1f} s)"
    out.print(evaluation_table(title, report.metric, payload["evaluations"]))
    costs = Table("rung", "fit s", "ms / 1k rows", "model MB", "peak MB", "rows", title="costs")
    for r in report.ladder.rungs:
        c = r.costs
        costs.add_row(
            r.name, num(c.get("fit_seconds"), 2), num(c.get("latency_ms"), 1),
            num(c.get("model_mb"), 2), num(c.get("peak_mb"), 1), str(r.n_rows or "–"),
        )  # fmt: skip
    out.print(costs)
    for e in report.evaluations:
        if e.note:
            out.print(f"[dim]· {e.name}: {e.note}[/]")
    for line in report.ladder.all_notes:
        out.print(f"[dim]· {line}[/]")


@app.command()
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


@app.command()
def evaluate(
    predictions: Annotated[Path, typer.Argument(help="Predictions file (ids + scores or labels).")],
    plan: PlanOption = None,
    name: Annotated[str | None, typer.Option(help="Model name \\[default: file stem].")] = None,
    as_json: JsonOption = False,
) -> None:
    """Score one predictions file on the frozen test rows with the plan's metric."""
    from mlplan.app.evaluate import evaluate as score

    evaluation = score(predictions, plan, name=name)
    record = evaluation.to_dict()
    if as_json:
        print_json(record)
        return
    out.print(evaluation_table(f"{evaluation.name} on the test rows", evaluation.metric, [record]))
    if evaluation.note:
        out.print(f"[dim]· {evaluation.note}[/]")
    print_warnings(out, [evaluation])
    metrics = Table("metric", "value", title="all metrics at the operating point")
    for key, value in sorted(evaluation.metrics.items()):
        metrics.add_row(key, num(value, 4))
    out.print(metrics)


@app.command()
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


@app.command()
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


@app.command()
def forecast(
    plan: PlanOption = None,
    rung: Annotated[
        list[str] | None, typer.Option("--rung", help="Rung to measure (repeatable).")
    ] = None,
    target: Annotated[
        list[float] | None, typer.Option("--target", help="Target level (repeatable).")
    ] = None,
    sizes: Annotated[int, typer.Option(help="Number of training sizes.", min=2)] = 10,
    jobs: JobsOption = 2,
    cluster: ClusterOption = None,
    as_json: JsonOption = False,
) -> None:
    """Learning curves and the labelled examples (and money) each target needs."""
    from mlplan.app.forecast import forecast as run_forecast

    with progress_bar("learning curves") as advance:
        result = run_forecast(
            plan,
            rungs=rung,
            targets=target,
            n_sizes=sizes,
            n_jobs=jobs,
            on_progress=advance,
            cluster=cluster,
        )
    if as_json:
        print_json(result.to_dict())
        return
    print_forecast(out, result)


@app.command()
def gate(
    candidate: Annotated[
        Path,
        typer.Option("--candidate", help="Candidate's test predictions (ids + scores/labels)."),
    ],
    champion: Annotated[
        Path | None,
        typer.Option(help="Compare with these predictions \\[default: the champion in the store]."),
    ] = None,
    plan: PlanOption = None,
    name: Annotated[str | None, typer.Option(help="Candidate name \\[default: file stem].")] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Candidate's operating threshold \\[default: the plan's models: entry, "
            "else chosen on --validation, else on the test rows, marked optimistic]."
        ),
    ] = None,
    validation: Annotated[
        Path | None,
        typer.Option(
            help="Candidate's predictions on training-part rows: its threshold is chosen there."
        ),
    ] = None,
    cost: Annotated[
        list[str] | None,
        typer.Option("--cost", help="Candidate's measured cost, e.g. latency_ms=12 (repeatable)."),
    ] = None,
    accept: Annotated[
        bool, typer.Option("--accept", help="Promote the candidate to champion if it passes.")
    ] = False,
    accept_new_test_set: Annotated[
        bool, typer.Option("--accept-new-test-set", help="Accept a changed test set (stored).")
    ] = False,
    reason: Annotated[
        str | None, typer.Option(help="Why (stored with --accept / --accept-new-test-set).")
    ] = None,
    junit_xml: Annotated[
        Path | None, typer.Option("--junit-xml", help="Write JUnit XML, one test case per rule.")
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Write a Markdown pull-request comment.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """CI: exit 1 on a regression (or, by default, an inconclusive gate); 0 when it passes."""
    from mlplan.app.gate import gate as run_gate
    from mlplan.cli.gate import rich_report
    from mlplan.io.report.gate import to_junit_xml, to_markdown, write_text

    costs: dict[str, float] = {}
    for item in cost or []:
        key, sep, value = item.partition("=")
        try:
            costs[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            raise PlanError(f"--cost: {item!r} is not like 'latency_ms=12'")
    result = run_gate(
        candidate,
        plan,
        champion=champion,
        name=name,
        threshold=threshold,
        validation=validation,
        costs=costs,
        accept=accept,
        accept_new_test_set=accept_new_test_set,
        reason=reason,
    )
    if junit_xml is not None:
        write_text(junit_xml, to_junit_xml(result))
    if markdown is not None:
        write_text(markdown, to_markdown(result))
    if as_json:
        print_json(result.to_dict())
    else:
        out.print(rich_report(result))
    if result.exit_code:
        raise typer.Exit(result.exit_code)


class _PortfolioGroup(typer.core.TyperGroup):
    """``mlplan portfolio FILE ...`` means ``mlplan portfolio rank FILE ...``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["rank", *args]
        return super().parse_args(ctx, args)


portfolio_app = typer.Typer(
    cls=_PortfolioGroup,
    help="Rank candidate projects by impact × feasibility; one-pager per project.",
)
app.add_typer(portfolio_app, name="portfolio")


@portfolio_app.command("rank")
def portfolio_rank(
    ideas: Annotated[Path, typer.Argument(help="The ideas file.")] = Path("ideas.yaml"),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder (default: portfolio-out beside the file)."),
    ] = None,
    top_k: Annotated[int | None, typer.Option("--top-k", help="k of P(top k).", min=1)] = None,
    seed: Annotated[int | None, typer.Option(help="Monte-Carlo seed.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Score and rank the ideas (the default: 'mlplan portfolio ideas.yaml')."""
    from mlplan.app.portfolio import portfolio as run_portfolio
    from mlplan.cli.portfolio import rich_report

    result = run_portfolio(ideas, top_k=top_k, seed=seed, out=out_dir)
    if as_json:
        print_json(result.to_dict())
    else:
        out.print(rich_report(result))


@portfolio_app.command("init")
def portfolio_init(
    path: Annotated[Path, typer.Argument(help="File to write.")] = Path("ideas.yaml"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented example ideas.yaml."""
    from mlplan.app.portfolio_init import init as write_ideas

    out.print(f"wrote {write_ideas(path, force=force)}")


@app.command()
def advise(
    plan: PlanOption = None,
    as_json: JsonOption = False,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Also write the advice as Markdown here.")
    ] = None,
    accept_code: Annotated[
        str | None,
        typer.Option("--accept", help="Accept an open finding (ADV00x): record its stage move."),
    ] = None,
    run_id: Annotated[
        int | None, typer.Option("--run", help="Run to judge \\[default: latest].")
    ] = None,
) -> None:
    """What to do next, and which lifecycle stage to go back to (coded rules)."""
    from mlplan.app.advise import advise as judge_plan
    from mlplan.app.stage import accept
    from mlplan.cli.advice import advice_rich
    from mlplan.io.report.advice import advice_markdown

    advice = judge_plan(plan, run_id=run_id)
    if markdown is not None:
        markdown.write_text(advice_markdown(advice), encoding="utf-8")
    decision = move = None
    if accept_code is not None:
        decision, move = accept(accept_code, plan, advice=advice)
    if as_json:
        payload = advice.to_dict()
        if decision is not None:
            payload["accepted"] = {"decision": decision, "stage_move": move and move.payload()}
        print_json(payload)
        return
    out.print(advice_rich(advice))
    if markdown is not None:
        out.print(f"wrote {markdown}")
    if decision is not None:
        moved = f"; {move.summary()}" if move else "; the stage is unchanged"
        out.print(f"recorded: {decision['summary']}{moved}")


@app.command()
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


@app.command()
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


@app.command()
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
