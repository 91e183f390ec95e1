"""One-page justification per idea, in Markdown and HTML from the same record."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from mlplan.io.report.formatting import png_uri
from mlplan.io.report.portfolio_chart import portfolio_chart
from mlplan.io.report.templating import packaged_text, template_environment
from mlplan.records.portfolio import PortfolioResult, RankedIdea

__all__ = [
    "ARCHETYPES",
    "CHECKLIST",
    "DRIVER_TITLES",
    "position_chart",
    "render_html",
    "render_markdown",
]

CHECKLIST = (
    ("need_ml", "Do we need ML at all?"),
    ("success_criteria", "Are the success criteria agreed with the stakeholders?"),
    ("ethics", "Ethical, legal and safety concerns considered?"),
    ("literature", "Literature and prior work reviewed?"),
    ("benchmark_set", "Is there a labelled benchmark set to measure on?"),
    ("rule_based_baseline", "Did a rule-based or minimal model come first?"),
    ("still_need_ml", "Still sure we need ML?"),
)
ARCHETYPES = {
    "software_2_0": "Software 2.0 — improve a rule-based or deterministic system with ML",
    "human_in_the_loop": "Human in the loop — ML output reviewed by a person before it acts",
    "autonomous": "Autonomous — the system acts on its predictions without review",
}
DRIVER_TITLES = {
    "impact": "Impact",
    "data": "Data availability",
    "accuracy": "Accuracy requirement",
    "difficulty": "Problem difficulty",
}


def _environment() -> Environment:
    env = template_environment()
    env.filters["num"] = _num
    env.filters["pct"] = _share
    env.filters["count"] = lambda v: "–" if v is None else f"{v:,.0f}"
    env.globals["interval"] = _interval
    return env


def _share(p: float | None) -> str:
    """A probability as a percentage that never rounds a rare event to 0 or 100."""
    if p is None:
        return "–"
    if 0 < p < 0.001:
        return "< 0.1 %"
    if 0.999 < p < 1:
        return "> 99.9 %"
    return f"{100 * p:.1f} %"


def _interval(lo: float | None, hi: float | None, digits: int = 3, count: bool = False) -> str:
    """``lo–hi``; an unknown end reads "open", both unknown "–"."""
    if lo is None and hi is None:
        return "–"

    def show(v: float | None) -> str:
        if v is None:
            return "open"
        return f"{v:,.0f}" if count else f"{v:.{digits}f}"

    return f"{show(lo)}–{show(hi)}"


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _context(
    idea: RankedIdea, result: PortfolioResult, chart: dict[str, str] | None = None
) -> dict[str, Any]:
    data = idea.to_dict()
    answers = data["idea"]["checklist"]
    return {
        "i": data,
        "p": {
            "name": result.name,
            "currency": result.currency,
            "n_ideas": len(result.ideas),
            "top_k": result.top_k,
            "n_draws": result.n_draws,
            "seed": result.seed,
        },
        "archetype": ARCHETYPES.get(idea.archetype, idea.archetype),
        "checklist": [(label, answers.get(key) or "unanswered") for key, label in CHECKLIST],
        "titles": DRIVER_TITLES,
        "inputs": [data["impact"], *data["drivers"]],
        "chart": chart,
        "stylesheet": packaged_text("report.css"),
    }


def position_chart(idea: RankedIdea, result: PortfolioResult) -> bytes:
    """The impact × feasibility chart with this idea highlighted (PNG)."""
    return portfolio_chart(result, highlight=idea.name)


def _chart(idea: RankedIdea, src: str) -> dict[str, str]:
    low, high = idea.feasibility_band
    return {
        "src": src,
        "alt": f"{idea.name} on the impact × feasibility chart: impact {idea.impact.value:.2f} "
        f"({idea.impact_band[0]:.2f}–{idea.impact_band[1]:.2f}), feasibility "
        f"{idea.feasibility:.2f} ({low:.2f}–{high:.2f}), rank {idea.rank}",
        "caption": "This idea (large) among the portfolio's others; bars span the 5th–95th "
        "percentiles of the Monte-Carlo draws.",
    }


def render_markdown(
    idea: RankedIdea, result: PortfolioResult, *, chart_file: str | None = None
) -> str:
    """The idea's one-pager as Markdown (``chart_file``: its position chart beside it)."""
    chart = _chart(idea, chart_file) if chart_file else None
    return _environment().get_template("onepager.md.j2").render(**_context(idea, result, chart))


def render_html(idea: RankedIdea, result: PortfolioResult, *, png: bytes | None = None) -> str:
    """The idea's one-pager as a self-contained HTML page, its position chart embedded."""
    chart = _chart(idea, png_uri(png if png is not None else position_chart(idea, result)))
    return _environment().get_template("onepager.html.j2").render(**_context(idea, result, chart))
