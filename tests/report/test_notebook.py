"""Records show in a notebook with the report's own sections and charts."""

from __future__ import annotations

import subprocess
import sys

from _pages import embedded_png, is_drawn, png_pixels, read_page
from _project import Project

import mlplan
from mlplan.records.display import html_of, register_html


def _drawn(html: str) -> int:
    page = read_page(html)
    assert page.scripts == 0
    for image in page.images:
        assert image["alt"].strip()
        assert is_drawn(png_pixels(embedded_png(image["src"])))
    return len(page.images)


def test_importing_the_commands_registers_every_record_display() -> None:
    code = (
        "import mlplan.records.display as d; before = d.registered(); import mlplan.app; "
        "import sys; print(before, d.registered(), 'matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[0] == (
        "() ('Advice', 'Forecast', 'GateResult', 'PortfolioResult', 'RunResult') False"
    )


def test_a_run_shows_its_ladder_and_advice(project: Project) -> None:
    html = project.second._repr_html_()
    assert html.startswith('<div class="mlplan">')
    assert "Delays &lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    assert 'id="advice"' in html and "<table>" in html
    assert _drawn(html) == 1


def test_advice_and_a_gate_show_their_findings_and_rules(project: Project) -> None:
    advice = mlplan.advise(project.folder)
    html = advice._repr_html_()
    assert all(f.code in html for f in advice.open)
    assert _drawn(html) == 0
    caught = project.gates[1]._repr_html_()
    assert 'id="gate"' in caught and "non_inferiority.metric" in caught
    assert "worse &lt;u&gt;model&lt;/u&gt;" in caught
    assert _drawn(caught) == 1


def test_a_forecast_shows_its_chart_and_the_data_each_target_needs(project: Project) -> None:
    forecast = mlplan.forecast(
        project.folder, rungs=["linear"], n_sizes=3, n_jobs=1, store=False, write_charts=False
    )
    html = forecast._repr_html_()
    assert 'id="forecast"' in html and "training examples needed" in html
    assert _drawn(html) == 1


def test_a_portfolio_shows_the_chart_and_the_ranked_ideas(portfolio) -> None:
    html = portfolio._repr_html_()
    assert "Grasp &lt;script&gt;" in html and "Defect triage" in html
    assert _drawn(html) == 1


def test_without_a_renderer_a_record_shows_as_escaped_text() -> None:
    class Loose:
        def __repr__(self) -> str:
            return "Loose(<b>)"

    assert html_of(Loose()) == '<pre class="mlplan-text">Loose(&lt;b&gt;)</pre>'

    class Broken:
        def summary(self) -> str:
            return "a <summary>"

    register_html("Broken", lambda record: 1 / 0)
    shown = html_of(Broken())
    assert "could not draw Broken: division by zero" in shown and "a &lt;summary&gt;" in shown
