"""Tables and lines the commands print: evaluations, a run, a forecast, open advice."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # the records are imported by the commands that print them
    from mlplan.records.forecast import Forecast, RungForecast, TargetNeed
    from mlplan.records.run import RunResult

__all__ = [
    "count",
    "evaluation_table",
    "interval",
    "num",
    "print_forecast",
    "print_open_advice",
    "print_run",
    "print_warnings",
]


def num(value: float | None, digits: int = 3) -> str:
    """A number with ``digits`` decimals, or an en dash for none."""
    return "–" if value is None else f"{value:.{digits}f}"


def interval(lo: float | None, hi: float | None) -> str:
    """``lo–hi`` with three decimals, or an en dash."""
    return "–" if lo is None or hi is None else f"{lo:.3f}–{hi:.3f}"


def count(value: float | None) -> str:
    """A count with thousands separators; ∞ for an unreachable size."""
    if value is None:
        return "–"
    if value == float("inf"):
        return "∞"
    return f"{value:,.0f}"


def evaluation_table(title: str, metric: str, evaluations: list[dict[str, Any]]) -> Table:
    """One row per evaluated model: test value and interval, CV mean and interval, threshold.

    The threshold column says where the threshold comes from (``cv``, ``declared``,
    ``validation``, ``test (optimistic)``, ``default 0.5``); an optimistic value is
    marked ``*`` and a constraint missed on the test rows ``!``, each explained
    under the table with what its interval resamples.
    """
    table = Table(title=f"{title}\nmetric: {metric}", title_justify="left")
    table.add_column("model", no_wrap=True)
    table.add_column("source")
    for column in ("test", "95% CI", "CV mean", "CV 95% CI", "threshold"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("threshold from", no_wrap=True)
    from mlplan.records.evaluation import ConstraintCheck

    lines: list[str] = []
    for e in evaluations:
        value = num(e["value"])
        if e.get("optimistic") and e["value"] is not None:
            value += "*"
        missed = [c for c in e.get("constraints") or [] if not c.get("holds", True)]
        if missed:
            value += "!"
            shown = "; ".join(str(ConstraintCheck.from_dict(c)) for c in missed)
            lines.append(f"! {e['name']}: constraint not met on the test rows: {shown}")
        table.add_row(
            e["name"],
            e["source"],
            value,
            interval(e.get("lo"), e.get("hi")),
            num(e.get("cv_mean")),
            interval(e.get("cv_lo"), e.get("cv_hi")),
            num(e.get("threshold"), 4),
            e.get("threshold_source") or "–",
        )
    kinds = {e.get("interval") for e in evaluations if e.get("lo") is not None}
    if any(e.get("optimistic") for e in evaluations):
        lines.insert(
            0,
            "* optimistic (threshold chosen on the test rows): its CI re-chooses the threshold "
            "in every resample; give the model's threshold: or validation_predictions:",
        )
    if "threshold fixed" in kinds:
        lines.append("95% CI: bootstrap of the test rows at the fixed threshold")
    if lines:
        table.caption = "\n".join(lines)
        table.caption_justify = "left"
    return table


def print_run(out: Console, result: RunResult, advice: Any = None) -> None:
    """The run's header, its table, notes, forecast lines, advice and report paths."""
    positive = f" · positive class {result.positive!r}" if result.positive is not None else ""
    out.print(
        f"[bold]{result.project}[/] · plan {result.plan} · stage {result.stage} · {result.task} "
        f"({result.task_reason}){positive} · {result.n_train} train / {result.n_test} test "
        f"({result.split_strategy}) · data {result.data_fingerprint}",
        highlight=False,
    )
    measured = sum(e.source != "declared" for e in result.evaluations)
    title = f"run #{result.run_id}: {measured} models on {result.n_test} test rows"
    out.print(evaluation_table(title, result.metric, [e.to_dict() for e in result.evaluations]))
    for e in result.evaluations:
        if e.value is None and e.note:  # say why a row has no value (e.g. unreachable)
            out.print(Text(f"· {e.name}: {e.note}", style="dim"))
    print_warnings(out, result.evaluations)
    for note in result.notes:
        out.print(Text(f"· {note}", style="dim"))
    if result.forecast is not None:
        for rung in result.forecast.rungs:
            needs = "; ".join(
                f"{n.target:.4g}: {_needed(n)}"
                + (f" [{_needs_interval(n)}{_chance(n)}]" if n.reachable else "")
                for n in rung.needs
            )
            out.print(f"forecast {rung.rung} (training examples for each target): {needs}")
    if advice is not None:
        out.print(advice)
    if result.outputs:
        out.print("reports: " + ", ".join(result.outputs.values()))


def print_warnings(out: Console, evaluations: Any) -> None:
    """Warnings the table's marks do not already say (e.g. scores that look inverted)."""
    for e in evaluations:
        for warning in e.warnings:
            if not warning.startswith(("optimistic", "constraint not met")):
                out.print(Text(f"! {e.name}: {warning}", style="yellow"))


def print_forecast(out: Console, result: Forecast) -> None:
    """One table per rung: each target, the examples it needs, their cost and fit time."""
    out.print(
        f"[bold]{result.project}[/] · {result.metric} · {result.n_train} training rows now"
        + (f" · requirement {result.requirement:g}" if result.requirement is not None else "")
    )
    for rung in result.rungs:
        table = Table(
            title=f"{rung.rung}: today {_today(rung)}, ceiling {rung.ceiling:.3f} "
            f"[{rung.ceiling_lo:.3f}, {rung.ceiling_hi:.3f}] at 100× today ({rung.family})",
            title_justify="left",
        )
        for column in (
            "target",
            "examples needed",
            "80% interval",
            "chance ≤100×",
            "to label",
            "cost",
            "fit s",
        ):
            table.add_column(column, justify="right")
        for need in rung.needs:
            table.add_row(
                f"{need.target:.4g}",
                _needed(need),
                _needs_interval(need),
                "–" if need.chance is None else f"{need.chance:.0%}",
                count(need.to_label),
                "–" if need.cost is None else f"{need.cost:,.0f}",
                num(need.fit_seconds, 1),
            )
        out.print(table)
    for note in result.notes:
        out.print(f"[dim]· {note}[/]")
    out.print("[dim]rules of thumb: " + "; ".join(result.rules_of_thumb) + "[/]")
    if result.outputs:
        out.print("chart: " + ", ".join(result.outputs.values()))


def _needed(need: TargetNeed) -> str:
    """Training examples a target needs: a count, ``met now`` or ``not reachable``."""
    if not need.reachable:
        return "not reachable"
    return "met now" if need.met_now else count(need.n)


def _needs_interval(need: TargetNeed) -> str:
    """The 80 % interval of the examples needed (an open upper end past 100× today)."""
    if not math.isfinite(need.lo):
        return "–"
    upper = "beyond 100×" if need.capped and not math.isfinite(need.hi) else count(need.hi)
    return f"{count(need.lo)}–{upper}"


def _chance(need: TargetNeed) -> str:
    """The chance of reaching a target within 100× today's data, where it is not near-certain."""
    if need.met_now or need.chance is None or need.chance >= 0.9:
        return ""
    return f", chance {need.chance:.0%} within 100×"


def _today(rung: RungForecast) -> str:
    if rung.today is None or rung.today_lo is None or rung.today_hi is None:
        return "–"
    kind = "test" if rung.test_score is not None else "CV"
    return f"{rung.today:.3f} [{rung.today_lo:.3f}, {rung.today_hi:.3f}] ({kind})"


def print_open_advice(out: Console, advice: dict[str, Any] | None) -> None:
    """The open findings of stored advice, marking those accepted since."""
    from mlplan.records.advice import Finding

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
