"""Writing a run's reports: self-contained HTML, Markdown with its charts beside it, and JSON.

The HTML page embeds every chart (``data:`` URIs) and loads nothing else; the
Markdown report links the same charts as PNG files in ``charts/`` beside it.
Both are rendered from ``RunResult.to_dict()`` and the :class:`ReportInputs`
records, so every number shown is one the records hold.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlplan.io.report.files import write_atomically
from mlplan.io.report.formatting import png_uri, report_environment
from mlplan.io.report.run_charts import (
    Chart,
    requirement_value,
    run_charts,
    shown_forecast,
    weak_slices,
)
from mlplan.records.report import ReportInputs
from mlplan.records.run import RunResult

__all__ = ["CHART_FOLDER", "render_html", "render_markdown", "report_context", "write_reports"]

#: Where the Markdown report's charts go, beside it.
CHART_FOLDER = "charts"


def report_context(
    result: RunResult, inputs: ReportInputs, charts: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """What the report templates read: the run's JSON form, its inputs, chart sources."""
    data = result.to_dict()
    diagnostics = inputs.diagnostics
    slices, slice_model = weak_slices(result)
    forecast = shown_forecast(result, inputs)
    best = result.best.name if result.best else None
    per_class = None
    if diagnostics is not None and diagnostics.task == "multiclass":
        names = [m.name for m in diagnostics.models if m.per_class]
        per_class = best if best in names else next(iter(names), None)
    return {
        "r": data,
        "metric_keys": sorted({k for e in data["evaluations"] for k in e["metrics"]}),
        "charts": charts,
        "diag": diagnostics.to_dict() if diagnostics is not None else None,
        "forecast": forecast.to_dict() if forecast is not None else None,
        "gates": list(inputs.gates),
        "kinds": dict(inputs.kinds),
        "notes": list(inputs.notes),
        "slices": slices,
        "slice_model": slice_model,
        "requirement": requirement_value(result),
        "per_class_model": per_class,
        "index_link": None,
    }


def _embedded(charts: Sequence[Chart]) -> dict[str, dict[str, str]]:
    return {c.name: {"src": png_uri(c.png), "alt": c.alt, "caption": c.caption} for c in charts}


def _linked(charts: Sequence[Chart]) -> dict[str, dict[str, str]]:
    return {
        c.name: {"src": f"{CHART_FOLDER}/{c.name}.png", "alt": c.alt, "caption": c.caption}
        for c in charts
    }


def render_html(
    result: RunResult,
    inputs: ReportInputs | None = None,
    *,
    index_link: str | None = None,
    charts: Sequence[Chart] | None = None,
) -> str:
    """The run as a self-contained HTML page (every chart embedded)."""
    inputs = inputs or ReportInputs()
    drawn = run_charts(result, inputs) if charts is None else charts
    context = report_context(result, inputs, _embedded(drawn))
    context["index_link"] = index_link
    return report_environment().get_template("report.html.j2").render(**context)


def render_markdown(
    result: RunResult, inputs: ReportInputs | None = None, *, charts: Sequence[Chart] | None = None
) -> str:
    """The run as Markdown; its charts are linked as ``charts/<name>.png``."""
    inputs = inputs or ReportInputs()
    drawn = run_charts(result, inputs) if charts is None else charts
    context = report_context(result, inputs, _linked(drawn))
    return report_environment().get_template("report.md.j2").render(**context)


def write_reports(
    result: RunResult,
    folder: str | Path,
    inputs: ReportInputs | None = None,
    *,
    index_link: str | None = None,
) -> dict[str, Path]:
    """Write ``report.html``, ``report.md`` with ``charts/*.png``, ``results.json`` and
    ``diagnostics.json`` (when there are diagnostics) into ``folder``."""
    out = Path(folder)
    inputs = inputs or ReportInputs()
    charts = run_charts(result, inputs)
    written: dict[str, Path] = {}
    written["html"] = write_atomically(
        out / "report.html", render_html(result, inputs, index_link=index_link, charts=charts)
    )
    written["markdown"] = write_atomically(
        out / "report.md", render_markdown(result, inputs, charts=charts)
    )
    written["json"] = write_atomically(out / "results.json", json.dumps(result.to_dict(), indent=2))
    if inputs.diagnostics is not None:
        written["json_diagnostics"] = write_atomically(
            out / "diagnostics.json", json.dumps(inputs.diagnostics.to_dict(), indent=2)
        )
    for chart in charts:  # beside the Markdown report, which links them
        written[f"png_{chart.name}"] = write_atomically(
            out / CHART_FOLDER / f"{chart.name}.png", chart.png
        )
    return written
