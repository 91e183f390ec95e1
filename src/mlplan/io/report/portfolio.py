"""Writing a portfolio's chart, one-pagers and JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mlplan.io.report.onepager import position_chart, render_html, render_markdown
from mlplan.io.report.portfolio_chart import portfolio_chart
from mlplan.records.portfolio import PortfolioResult

__all__ = ["slug", "write_outputs"]


def write_outputs(result: PortfolioResult, folder: str | Path) -> dict[str, str]:
    """Write the chart, the one-pagers and ``portfolio.json`` into ``folder``."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, str] = {}
    for fmt in ("png", "svg"):
        file = target / f"portfolio.{fmt}"
        file.write_bytes(portfolio_chart(result, fmt=fmt))
        outputs[f"chart_{fmt}"] = str(file)
    for idea in result.ideas:
        name = slug(idea.name)
        png = position_chart(idea, result)
        chart = target / f"{name}-position.png"
        chart.write_bytes(png)
        md = target / f"{name}.md"
        md.write_text(render_markdown(idea, result, chart_file=chart.name), encoding="utf-8")
        html = target / f"{name}.html"
        html.write_text(render_html(idea, result, png=png), encoding="utf-8")
        outputs[f"{name}.md"] = str(md)
        outputs[f"{name}.html"] = str(html)
        outputs[f"{name}-position.png"] = str(chart)
    file = target / "portfolio.json"
    outputs["json"] = str(file)
    payload = {**result.to_dict(), "outputs": outputs}
    file.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return outputs


def slug(name: str) -> str:
    """A file-name-safe form of an idea's name.

    Examples
    --------
    >>> slug("Defect detection (line camera)")
    'defect-detection-line-camera'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "idea"
