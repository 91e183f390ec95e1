"""The index page of a plan: every run, its metric over the runs, and what changed.

Drawn from an :class:`~mlplan.records.report.IndexPage`; the chart shows the runs
measured with the plan's current metric (values of another metric are not
comparable, and the page says so).
"""

from __future__ import annotations

import json
from pathlib import Path

from mlplan.io.report.decision_charts import history_chart
from mlplan.io.report.files import write_atomically
from mlplan.io.report.formatting import png_uri, report_environment
from mlplan.records.report import IndexPage

__all__ = ["render_index", "write_index"]


def _chart(page: IndexPage) -> dict[str, str] | None:
    rows = [r.to_dict() for r in page.rows if r.metric == page.metric]
    if not rows:
        return None
    shown = "; ".join(
        f"run #{r['run_id']} {r['best'] or 'no model'} "
        + ("no value" if r["value"] is None else f"{r['value']:.3f}")
        for r in rows
    )
    png = history_chart(rows, page.metric, requirement=page.requirement)
    return {
        "src": png_uri(png),
        "alt": f"{page.metric} of the best model of each run, with its 95 % interval: {shown}",
        "caption": "Each run's best model on its test rows, with the 95 % interval; dashed: the "
        "requirement.",
    }


def render_index(page: IndexPage) -> str:
    """The index as a self-contained HTML page."""
    return (
        report_environment()
        .get_template("index.html.j2")
        .render(p=page.to_dict(), chart=_chart(page))
    )


def write_index(page: IndexPage, folder: str | Path) -> dict[str, Path]:
    """Write ``index.html`` and ``index.json`` into ``folder``."""
    out = Path(folder)
    return {
        "index": write_atomically(out / "index.html", render_index(page)),
        "json_index": write_atomically(out / "index.json", json.dumps(page.to_dict(), indent=2)),
    }
