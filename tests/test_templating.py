"""Reports show what comes from the data as text: a name is never run as HTML."""

from __future__ import annotations

from pathlib import Path

MARKUP = "Delays <script>alert(1)</script>"


def test_a_project_name_with_markup_is_escaped_in_the_html_report(cli, project_dir: Path) -> None:
    plan = project_dir / "mlplan.yaml"
    plan.write_text(plan.read_text().replace("name: Flight delays (test)", f"name: '{MARKUP}'"))
    assert cli("run", "-p", project_dir).code == 0
    html = (project_dir / "mlplan-out" / "report.html").read_text()
    assert "<script>" not in html
    assert "Delays &lt;script&gt;alert(1)&lt;/script&gt;" in html
    markdown = (project_dir / "mlplan-out" / "report.md").read_text()
    assert MARKUP in markdown  # Markdown keeps the text as written
