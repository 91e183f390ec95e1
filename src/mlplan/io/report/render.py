"""Writing a run's reports: self-contained HTML, Markdown and JSON from the same record."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment

from mlplan.io.report.charts import ladder_chart
from mlplan.io.report.files import write_atomically
from mlplan.io.report.templating import template_environment
from mlplan.records.run import RunResult

__all__ = ["render_html", "render_markdown", "write_reports"]


def _environment() -> Environment:
    env = template_environment()
    env.filters["num"] = _num
    return env


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _context(result: RunResult) -> dict[str, Any]:
    data = result.to_dict()
    metric_keys = sorted({k for e in data["evaluations"] for k in e["metrics"]})
    return {"r": data, "metric_keys": metric_keys}


def render_markdown(result: RunResult) -> str:
    """The run as a Markdown document."""
    return _environment().get_template("report.md.j2").render(**_context(result))


def render_html(result: RunResult) -> str:
    """The run as a self-contained HTML page (the chart is embedded)."""
    requirement = _requirement_value(result)
    png = ladder_chart(result.evaluations, result.metric, requirement=requirement)
    chart = base64.b64encode(png).decode()
    return _environment().get_template("report.html.j2").render(chart=chart, **_context(result))


def write_reports(result: RunResult, folder: str | Path) -> dict[str, Path]:
    """Write ``report.html``, ``report.md`` and ``results.json`` into ``folder``."""
    out = Path(folder)
    return {
        "html": write_atomically(out / "report.html", render_html(result)),
        "markdown": write_atomically(out / "report.md", render_markdown(result)),
        "json": write_atomically(out / "results.json", json.dumps(result.to_dict(), indent=2)),
    }


def _requirement_value(result: RunResult) -> float | None:
    """The requirement on the plan's metric, when the plan states one by that name."""
    for name, value in result.requirement.items():
        if name == result.metric or result.metric.startswith(name):
            return value
    return None
