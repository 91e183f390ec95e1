"""``mlplan report``: any stored run's report again, the index of every run, what changed."""

from __future__ import annotations

import json
import shutil
import webbrowser
from pathlib import Path

import pandas as pd
import pytest
from _pages import read_page
from _project import MODEL, Project, Reported

from mlplan.app.context import Context


def _counts(folder: Path) -> tuple[int, int]:
    with Context(folder) as ctx:
        return len(ctx.store.runs()), len(ctx.store.events())


def test_an_earlier_run_gets_its_report_back_with_the_gates_judged_against_it(
    project: Project, reported: Reported
) -> None:
    assert f"report of run #1: {project.out / 'run-1' / 'report.html'}" in reported.earlier
    html = (project.out / "run-1" / "report.html").read_text()
    page = read_page(html)
    assert {"ladder", "operating-point", "confusion", "advice", "gate"} <= set(page.sections)
    assert "run #1 · stage" in html
    gate = html[html.index('id="gate"') :]
    seated, caught = (
        gate.index("promoted to champion"),
        gate.index("worse &lt;u&gt;model&lt;/u&gt;"),
    )
    assert seated < caught  # in the order they were judged
    assert gate.count('class="badge pass"') >= 1 and 'class="badge regression"' in gate
    assert "non_inferiority.metric" in gate and gate.count("<img") == 2  # each gate's rules
    assert (project.out / "run-1" / "charts" / "gate-2.png").exists()


def test_reporting_reads_the_store_and_writes_nothing_to_it(project: Project, reported) -> None:
    assert _counts(project.folder) == project.stored


def test_the_index_lists_every_run_and_only_what_changed(
    project: Project, reported: Reported
) -> None:
    files = reported.latest
    assert files["run_id"] == 2 and files["index"].endswith("index.html")
    index = Path(files["index"]).read_text()
    page = read_page(index)
    assert page.sections == ["over-runs", "runs", "changes"]
    assert len(page.images) == 1 and page.images[0]["alt"].startswith("recall s.t. precision")
    assert "#1" in index and "#2" in index and 'href="report.html"' in index
    data = json.loads((project.out / "index.json").read_text())
    assert [r["run_id"] for r in data["rows"]] == [1, 2]
    assert data["rows"][0]["gates"][0].startswith("gate pass: ")
    changed = {c["what"]: (c["before"], c["after"]) for c in data["changes"]}
    assert changed["requirement recall"] == ("0.5", "0.45")
    assert "plan file" in changed
    assert not {"data", "test set", "training rows", "stage"} & set(changed)  # unchanged: left out
    assert MODEL not in index and "team $model$ &lt;i&gt;v1&lt;/i&gt;" in index


def test_a_run_and_the_runs_it_is_compared_with_must_exist(cli, project: Project) -> None:
    done = cli("report", "-p", project.folder, "--run", "9")
    assert done.code == 2
    assert "report: plan mlplan.yaml has no run #9; its runs: 1, 2" in done.err
    done = cli("report", "-p", project.folder, "--against", "7")
    assert done.code == 2 and "no run #7" in done.err


def test_a_plan_without_runs_has_no_report(cli, project_dir: Path) -> None:
    done = cli("report", "-p", project_dir)
    assert done.code == 2
    assert "has no run yet; 'mlplan run' measures the plan first" in done.err


def test_open_shows_the_report_in_the_browser(
    cli, multiclass: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    assert cli("report", "-p", multiclass, "--open").code == 0
    assert opened == [(multiclass / "mlplan-out" / "report.html").resolve().as_uri()]


def test_a_run_whose_data_changed_says_why_its_curves_are_missing(
    cli, project: Project, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project.folder, copy, ignore=shutil.ignore_patterns("mlplan-out"))
    table = pd.read_parquet(copy / "flights.parquet")
    table.iloc[:-1].to_parquet(copy / "flights.parquet", index=False)
    done = cli("report", "-p", copy, "--run", "1")
    assert done.code == 0, done.err
    assert "the data changed since run #1" in done.out
    html = (copy / "mlplan-out" / "run-1" / "report.html").read_text()
    assert "the data changed since run #1" in html
    assert "ladder" in read_page(html).sections and "operating-point" not in html
