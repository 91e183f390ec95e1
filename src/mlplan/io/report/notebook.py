"""Notebook display: the records' ``_repr_html_``, from the report's own templates and charts.

:func:`register` fills :mod:`mlplan.records.display` with one renderer per record
kind; :mod:`mlplan.io.report` calls it when imported. Each renderer draws the
same sections as the report page (``_sections.html.j2``), with the charts
embedded, inside one ``<div class="mlplan">`` that carries its own stylesheet.
"""

from __future__ import annotations

from typing import Any

from mlplan.records.display import register_html

__all__ = ["advice_html", "forecast_html", "gate_html", "portfolio_html", "register", "run_html"]


def _render(kind: str, **context: Any) -> str:
    from mlplan.io.report.formatting import report_environment

    template = report_environment().get_template("notebook.html.j2")
    return template.render(kind=kind, **context)


def run_html(result: Any) -> str:
    """A run: summary, ladder chart and table, advice, and its forecast when it has one."""
    from mlplan.io.report.formatting import png_uri
    from mlplan.io.report.render import report_context
    from mlplan.io.report.run_charts import run_charts
    from mlplan.records.report import ReportInputs

    inputs = ReportInputs()
    charts = run_charts(result, inputs)
    embedded = {c.name: {"src": png_uri(c.png), "alt": c.alt, "caption": c.caption} for c in charts}
    context = report_context(result, inputs, embedded)
    return _render("run", **context, outputs=dict(result.outputs))


def advice_html(advice: Any) -> str:
    """Advice: the findings grouped, with their evidence and "closes when"."""
    return _render("advice", a=advice.to_dict())


def forecast_html(forecast: Any) -> str:
    """A forecast: its chart and the data each target needs."""
    from mlplan.io.report.forecast_chart import forecast_chart
    from mlplan.io.report.formatting import png_uri

    chart = {
        "src": png_uri(forecast_chart(forecast)),
        "alt": f"Learning curves and data needed for {forecast.metric}",
        "caption": "Learning curves with their 80 % band, and training examples per target.",
    }
    return _render("forecast", f=forecast.to_dict(), chart=chart)


def gate_html(result: Any) -> str:
    """A gate result: its rules chart and table."""
    from mlplan.io.report.decision_charts import gate_chart
    from mlplan.io.report.formatting import png_uri

    data = result.to_dict()
    chart = {
        "src": png_uri(gate_chart(data)),
        "alt": "Gate rules: " + "; ".join(f"{r['id']} {r['status']}" for r in data["rules"]),
        "caption": "Each rule's interval against zero, its margin, floor or bound.",
    }
    return _render("gate", gates=[data], charts={"gate-1": chart})


def portfolio_html(result: Any) -> str:
    """A portfolio: the impact × feasibility chart and the ranked ideas."""
    from mlplan.io.report.formatting import png_uri
    from mlplan.io.report.portfolio_chart import portfolio_chart

    chart = {
        "src": png_uri(portfolio_chart(result)),
        "alt": "Impact against feasibility: "
        + "; ".join(f"{i.rank}. {i.name}" for i in result.ideas),
        "caption": "Bars: 5th–95th percentile of the Monte-Carlo draws; filled: measured.",
    }
    return _render("portfolio", p=result.to_dict(), chart=chart)


def register() -> None:
    """Register the renderers of RunResult, Advice, Forecast, GateResult and PortfolioResult."""
    register_html("RunResult", run_html)
    register_html("Advice", advice_html)
    register_html("Forecast", forecast_html)
    register_html("GateResult", gate_html)
    register_html("PortfolioResult", portfolio_html)
