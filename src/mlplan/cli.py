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
from rich.text import Text

from mlplan import api
from mlplan.advise import Advice, Finding
from mlplan.advise import advise as advise_plan
from mlplan.errors import MlplanError, PlanError
from mlplan.evaluation import Evaluation
from mlplan.lifecycle import accept, loop_backs
from mlplan.lifecycle import stage as move_stage
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
# Piped output is read in logs and CI, where 80 columns squeeze the tables; a terminal
# keeps its own width.
_PIPE_WIDTH = 120
_INTERRUPTED = 130
out = Console(width=None if sys.stdout.isatty() else _PIPE_WIDTH, soft_wrap=True)
err = Console(stderr=True, width=None if sys.stderr.isatty() else _PIPE_WIDTH, soft_wrap=True)
_state = {"debug": False}

PlanOption = Annotated[
    Path | None,
    typer.Option("--plan", "-p", help="Plan file or its folder [default: ./mlplan.yaml]."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
BudgetOption = Annotated[
    str | None, typer.Option("--budget", help="Time budget for the ladder, e.g. 10m, 90s.")
]


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


def main() -> None:
    """Entry point of the ``mlplan`` console script."""
    _state["debug"] = "--debug" in sys.argv
    try:
        code = app(standalone_mode=False)  # click returns the code of a typer.Exit here
    except MlplanError as exc:
        if _state["debug"]:
            err.print_exception()
        err.print(Text.assemble(("error:", "bold red"), f" {exc}"), highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted; the store is unchanged")
        sys.exit(_INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click's usage errors and anything unexpected
        if isinstance(exc, typer.exceptions.TyperException) or _is_click_error(exc):
            if type(exc).__name__ != "NoArgsIsHelpError":  # the help is already printed
                exc.show()  # type: ignore[attr-defined]
            sys.exit(int(getattr(exc, "exit_code", 2)))
        if _state["debug"]:
            raise
        err.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc} (rerun with --debug)")
        sys.exit(1)
    if code == _INTERRUPTED:  # typer turns Ctrl-C into this exit code
        err.print("interrupted; the store is unchanged")
    sys.exit(code if isinstance(code, int) else 0)


def _is_click_error(exc: Exception) -> bool:
    import click

    return isinstance(exc, click.ClickException)


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
        + (f", row id column [bold]{result.id}[/]" if result.id else "")
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
    budget: BudgetOption = None,
    forecast: Annotated[
        bool, typer.Option("--forecast", help="Also forecast the data each target needs.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Split, run the baseline ladder, evaluate models, advise, store and report."""
    with _progress("ladder") as advance:
        result = run_plan(plan, n_jobs=jobs, on_progress=advance, budget=budget, forecast=forecast)
    if as_json:
        _print_json(result.to_dict())
        return
    _print_run(result)


@app.command()
def baseline(
    plan: PlanOption = None,
    rungs: Annotated[
        str | None, typer.Option(help="Comma-separated rungs [default: the plan's ladder].")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel jobs.", min=1)] = 2,
    budget: BudgetOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run the baseline ladder alone: every rung with its interval and cost (not stored)."""
    from mlplan.baselines.command import baseline as run_baseline

    names = [r.strip() for r in rungs.split(",") if r.strip()] if rungs else None
    with _progress("ladder") as advance:
        report = run_baseline(plan, rungs=names, budget=budget, n_jobs=jobs, on_progress=advance)
    payload = report.to_dict()
    if as_json:
        _print_json(payload)
        return
    title = f"baseline ladder ({report.ladder.elapsed_seconds:.1f} s)"
    out.print(_evaluation_table(title, report.metric, payload["evaluations"]))
    costs = Table("rung", "fit s", "ms / 1k rows", "model MB", "peak MB", "rows", title="costs")
    for r in report.ladder.rungs:
        c = r.costs
        costs.add_row(
            r.name, _num(c.get("fit_seconds"), 2), _num(c.get("latency_ms"), 1),
            _num(c.get("model_mb"), 2), _num(c.get("peak_mb"), 1), str(r.n_rows or "–"),
        )  # fmt: skip
    out.print(costs)
    for e in report.evaluations:
        if e.note:
            out.print(f"[dim]· {e.name}: {e.note}[/]")
    for line in report.ladder.all_notes:
        out.print(f"[dim]· {line}[/]")


def _print_run(result: RunResult) -> None:
    out.print(
        f"[bold]{result.project}[/] · stage {result.stage} · {result.task} "
        f"({result.task_reason}) · {result.n_train} train / {result.n_test} test "
        f"({result.split_strategy}) · data {result.data_fingerprint}"
    )
    measured = sum(e.source != "declared" for e in result.evaluations)
    title = f"run #{result.run_id}: {measured} models on {result.n_test} test rows"
    table = _evaluation_table(title, result.metric, [e.to_dict() for e in result.evaluations])
    out.print(table)
    for e in result.evaluations:
        if e.value is None and e.note:  # say why a row has no value (e.g. unreachable)
            out.print(Text(f"· {e.name}: {e.note}", style="dim"))
    for note in result.notes:
        out.print(Text(f"· {note}", style="dim"))
    if result.forecast is not None:
        for rung in result.forecast.rungs:
            needs = "; ".join(
                f"{n.target:.3g}: {_count(n.n)} [{_count(n.lo)}–{_count(n.hi)}]"
                if n.reachable
                else f"{n.target:.3g}: not reachable"
                for n in rung.needs
            )
            out.print(f"forecast {rung.rung} (training examples for each target): {needs}")
    if result.advice is not None:
        out.print(result.advice)
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
    _print_open_advice(state.advice)


@app.command()
def history(plan: PlanOption = None, as_json: JsonOption = False) -> None:
    """List every run (time, plan hash, data fingerprint, git commit) and lifecycle event."""
    entries = api.history(plan)
    if as_json:
        _print_json([asdict(e) for e in entries])
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
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel jobs.", min=1)] = 2,
    as_json: JsonOption = False,
) -> None:
    """Learning curves and the labelled examples (and money) each target needs."""
    from mlplan.forecast import forecast as run_forecast
    from mlplan.forecast.report import write_forecast

    with _progress("learning curves") as advance:
        result = run_forecast(
            plan, rungs=rung, targets=target, n_sizes=sizes, n_jobs=jobs, on_progress=advance
        )
    written = write_forecast(result, plan)
    if as_json:
        _print_json(result.to_dict())
        return
    out.print(
        f"[bold]{result.project}[/] · {result.metric} · {result.n_train} training rows now"
        + (f" · requirement {result.requirement:g}" if result.requirement is not None else "")
    )
    for rung_forecast in result.rungs:
        table = Table(
            title=f"{rung_forecast.rung}: ceiling {rung_forecast.ceiling:.3f} "
            f"[{rung_forecast.ceiling_lo:.3f}, {rung_forecast.ceiling_hi:.3f}] ({rung_forecast.family})",
            title_justify="left",
        )
        for column in ("target", "examples needed", "80% interval", "to label", "cost", "fit s"):
            table.add_column(column, justify="right")
        for need in rung_forecast.needs:
            table.add_row(
                f"{need.target:.4g}",
                _count(need.n) if need.reachable else "not reachable",
                f"{_count(need.lo)}–{_count(need.hi)}",
                _count(need.to_label),
                "–" if need.cost is None else f"{need.cost:,.0f}",
                _num(need.fit_seconds, 1),
            )
        out.print(table)
    for note in result.notes:
        out.print(f"[dim]· {note}[/]")
    out.print("[dim]rules of thumb: " + "; ".join(result.rules_of_thumb) + "[/]")
    out.print("chart: " + ", ".join(str(p) for p in written))


def _count(value: float | None) -> str:
    if value is None:
        return "–"
    if value == float("inf"):
        return "∞"
    return f"{value:,.0f}"


@app.command()
def gate(
    candidate: Annotated[
        Path,
        typer.Option("--candidate", help="Candidate's test predictions (ids + scores/labels)."),
    ],
    champion: Annotated[
        Path | None,
        typer.Option(help="Compare with these predictions [default: the champion in the store]."),
    ] = None,
    plan: PlanOption = None,
    name: Annotated[str | None, typer.Option(help="Candidate name [default: file stem].")] = None,
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
    """CI: fail (exit 1) on a significant regression vs the champion or the baselines."""
    from mlplan.gate import gate as run_gate
    from mlplan.gate.render import rich_report, to_junit_xml, to_markdown, write_text

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
        _print_json(result.to_dict())
    else:
        out.print(rich_report(result))
    if not result.passed:
        raise SystemExit(result.exit_code)


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
    from mlplan.portfolio import portfolio as run_portfolio
    from mlplan.portfolio.table import rich_report

    result = run_portfolio(ideas, top_k=top_k, seed=seed, out=out_dir)
    if as_json:
        _print_json(result.to_dict())
    else:
        out.print(rich_report(result))


@portfolio_app.command("init")
def portfolio_init(
    path: Annotated[Path, typer.Argument(help="File to write.")] = Path("ideas.yaml"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented example ideas.yaml."""
    from mlplan.portfolio import init as write_ideas

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
        int | None, typer.Option("--run", help="Run to judge [default: latest].")
    ] = None,
) -> None:
    """What to do next, and which lifecycle stage to go back to (coded rules)."""
    advice: Advice = advise_plan(plan, run_id=run_id)
    if markdown is not None:
        markdown.write_text(advice.to_markdown(), encoding="utf-8")
    decision = move = None
    if accept_code is not None:
        decision, move = accept(accept_code, plan, advice=advice)
    if as_json:
        payload = advice.to_dict()
        if decision is not None:
            payload["accepted"] = {"decision": decision, "stage_move": move and move.payload()}
        _print_json(payload)
        return
    out.print(advice)
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
    move = move_stage(to, plan, why=why)
    if as_json:
        _print_json(move.payload())
        return
    out.print(f"{move.summary()}: {move.why}")


def _print_open_advice(advice: dict[str, Any] | None) -> None:
    if not advice:
        return
    findings = [Finding.from_dict(f) for f in advice.get("findings", [])]
    opened = [f for f in findings if f.outcome in ("issue", "tip")]
    out.print(f"[bold]{advice.get('summary', 'advice')}[/]")
    accepted = set(advice.get("accepted", []))
    for f in opened:
        move = f" → {f.stage}" if f.stage and f.stage != advice.get("stage") else ""
        mark = " [green](accepted)[/]" if f.code in accepted else ""
        out.print(f"[bold]{f.code}[/] {f.title}{move}{mark}: {f.message}", highlight=False)
        if f.close_when:
            out.print(f"  [dim]closes when: {f.close_when}[/]")


if __name__ == "__main__":  # pragma: no cover
    main()
