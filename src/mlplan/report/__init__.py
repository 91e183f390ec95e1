"""Reports: HTML, Markdown and JSON renderings of a run, and their charts."""

from mlplan.report.charts import ladder_chart
from mlplan.report.render import render_html, render_markdown, write_reports

__all__ = ["ladder_chart", "render_html", "render_markdown", "write_reports"]
