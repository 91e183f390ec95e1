"""Measuring: the whole ``run``, the ``baseline`` ladder alone, ``evaluate``, ``forecast``.

Each command parses its options, calls its twin in :mod:`mlplan.app` (imported inside
the command, so ``mlplan --help`` starts without scikit-learn or scipy) and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mlplan.cli.app import (
    BudgetOption,
    ClusterOption,
    JobsOption,
    JsonOption,
    PlanOption,
    out,
    print_json,
)
from mlplan.cli.app import progress as progress_bar
from mlplan.cli.tables import evaluation_table, num, print_forecast, print_run, print_warnings

__all__ = ["baseline", "evaluate", "forecast", "run"]


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
