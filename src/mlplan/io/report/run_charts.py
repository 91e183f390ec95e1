"""Every chart of a run's report, each with the alt text that says what it shows.

One chart per decision: the ladder (which model, against which references),
the curves with the operating point (which threshold), the confusion at it,
calibration, per-class scores (multi-class), the weak slices (ADV013), the
forecast (how much data) and the gate's rules (may it ship). A chart is drawn
only when its record exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlplan.io.report.charts import ladder_chart, reference_kind
from mlplan.io.report.decision_charts import gate_chart, slices_chart
from mlplan.io.report.diagnostic_charts import (
    calibration_chart,
    confusion_chart,
    curves_chart,
    per_class_chart,
    scored,
)
from mlplan.io.report.forecast_chart import forecast_chart
from mlplan.records.diagnostics import Diagnostics, RunDiagnostics
from mlplan.records.report import ReportInputs
from mlplan.records.run import RunResult

__all__ = [
    "MAX_CONFUSIONS",
    "Chart",
    "requirement_value",
    "run_charts",
    "shown_forecast",
    "weak_slices",
]

#: Confusion matrices drawn side by side (the best model first).
MAX_CONFUSIONS = 3


@dataclass(frozen=True, kw_only=True)
class Chart:
    """One chart: its file stem, PNG bytes, alt text and caption."""

    name: str
    png: bytes
    alt: str
    caption: str


def requirement_value(result: RunResult) -> float | None:
    """The requirement on the plan's metric, when the plan states one by that name."""
    for name, value in result.requirement.items():
        if name == result.metric or result.metric.startswith(name):
            return value
    return None


def weak_slices(result: RunResult) -> tuple[list[dict[str, Any]], str]:
    """The slices ADV013 flagged (with their intervals) and the model they are of."""
    finding = result.advice.finding("ADV013") if result.advice else None
    if finding is None or not finding.fired:
        return [], ""
    slices = [s for s in finding.numbers.get("slices", []) if s.get("value") is not None]
    return slices, str(finding.numbers.get("model") or "")


def shown_forecast(result: RunResult, inputs: ReportInputs) -> Any:
    """The run's own forecast, else the one recorded for its metric before it."""
    return result.forecast if result.forecast is not None else inputs.forecast


def _ordered(result: RunResult, run: RunDiagnostics) -> list[Diagnostics]:
    """Models with a value of the plan's metric, the best first, then by that value."""
    sign = 1.0 if result.higher_is_better else -1.0
    values = {e.name: float(e.value) for e in result.evaluations if e.value is not None}
    shown = [m for m in run.models if m.confusion and m.name in values]
    return sorted(shown, key=lambda m: -sign * values[m.name])


def _text(value: float | None, lo: float | None, hi: float | None) -> str:
    if value is None:
        return "no value"
    if lo is None or hi is None:
        return f"{value:.3f}"
    return f"{value:.3f} [{lo:.3f}, {hi:.3f}]"


def run_charts(result: RunResult, inputs: ReportInputs) -> list[Chart]:
    """The report's charts in page order."""
    charts = [_ladder(result, inputs)]
    run = inputs.diagnostics
    if run is not None and run.models:
        charts += _diagnostics(result, run)
    slices, model = weak_slices(result)
    if slices:
        charts.append(
            Chart(
                name="slices",
                png=slices_chart(slices, model),
                alt=f"Weak slices of {model}: "
                + "; ".join(
                    f"{s['column']} = {s['label']} {_text(s['value'], s.get('lo'), s.get('hi'))}"
                    for s in slices
                ),
                caption="Slices where the model is significantly weaker than overall (intervals "
                "corrected for the number of slices tested), from advice ADV013.",
            )
        )
    forecast = shown_forecast(result, inputs)
    if forecast is not None:
        charts.append(
            Chart(
                name="forecast",
                png=forecast_chart(forecast),
                alt=f"Learning curves of {', '.join(r.rung for r in forecast.rungs)} and the "
                f"training examples each target of {forecast.metric} needs",
                caption="Left: learning curves with their 80 % forecast band. Right: training "
                "examples needed per target (dotted: not reachable).",
            )
        )
    for i, gate in enumerate(g for g in inputs.gates if g.get("rules")):
        charts.append(
            Chart(
                name=f"gate-{i + 1}",
                png=gate_chart(gate),
                alt=f"Gate rules of candidate {gate.get('candidate')}: "
                + "; ".join(f"{r.get('id')} {r.get('status')}" for r in gate["rules"]),
                caption="Each rule's interval: paired differences against zero and the margin "
                "(left), the candidate's value against floors and bounds (right).",
            )
        )
    return charts


def _ladder(result: RunResult, inputs: ReportInputs) -> Chart:
    rows = [e for e in result.evaluations if reference_kind(e, inputs.kinds) is None]
    refs = [e for e in result.evaluations if reference_kind(e, inputs.kinds) is not None]
    return Chart(
        name="ladder",
        png=ladder_chart(
            result.evaluations,
            result.metric,
            requirement=requirement_value(result),
            kinds=inputs.kinds,
            best=result.best.name if result.best else None,
        ),
        alt=f"{result.metric} on {result.n_test:,} test rows: "
        + "; ".join(f"{e.name} {_text(e.value, e.lo, e.hi)}" for e in rows)
        + ("; references: " + "; ".join(f"{e.name} {_text(e.value, None, None)}" for e in refs))
        * bool(refs),
        caption="Each rung (blue) and model trained elsewhere (orange) with its 95 % test "
        "interval; hollow markers: cross-validation mean and interval; vertical lines: the "
        "requirement and other declared references.",
    )


def _diagnostics(result: RunResult, run: RunDiagnostics) -> list[Chart]:
    charts = []
    curved = scored(run)
    if curved:
        charts.append(
            Chart(
                name="curves",
                png=curves_chart(run),
                alt="Precision-recall and ROC curves of "
                + "; ".join(
                    f"{m.name} (operating point: precision "
                    f"{_text(m.mark.precision, None, None)}, recall "
                    f"{_text(m.mark.recall, None, None)})"
                    if m.mark
                    else m.name
                    for m in curved
                ),
                caption="Circles: each model's operating point at its chosen threshold; green "
                "dashed: the plan's constraints; dotted: chance.",
            )
        )
    shown = _ordered(result, run)[:MAX_CONFUSIONS]
    if shown:
        charts.append(
            Chart(
                name="confusion",
                png=confusion_chart(shown),
                alt="Confusion matrices at the operating point: "
                + "; ".join(f"{m.name} {list(map(list, m.confusion))}" for m in shown),
                caption="Rows: true class, columns: predicted class; counts and the share of "
                "each true class.",
            )
        )
    if any(m.calibration is not None for m in curved):
        charts.append(
            Chart(
                name="calibration",
                png=calibration_chart(run),
                alt="Calibration: observed share of positives against mean predicted "
                "probability, per model, with the rows in each bin",
                caption="Points on the diagonal are calibrated; the lower panel counts the test "
                "rows per bin.",
            )
        )
    if run.task == "multiclass" and shown and shown[0].per_class:
        best = shown[0]
        charts.append(
            Chart(
                name="per-class",
                png=per_class_chart(best),
                alt=f"Per-class precision, recall and F1 of {best.name}: "
                + "; ".join(
                    f"{c.label} recall {_text(c.recall, None, None)}" for c in best.per_class
                ),
                caption="Precision, recall and F1 of each class at the operating point, with "
                "its number of test rows.",
            )
        )
    return charts
