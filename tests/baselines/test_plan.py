"""The ladder from the plan: declared, scripted and trained rungs on one axis; the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mlplan

EXTRA = """\
  requirement: {f1: 0.30}
  published:
    - {name: "Doe et al. 2024", f1: 0.45, source: "https://example.org/doe", same_data: false}
  human:
    - {name: "dispatcher", f1: 0.40, cost_per_example: 0.5, n_examples: 200}
  scripted:
    - {name: "evening", rule: "sched_dep_time >= 1700"}
"""


def _with_extra(project_dir: Path, ladder: str = "[dummy, linear, gradient_boosting]") -> Path:
    plan = project_dir / "mlplan.yaml"
    text = plan.read_text().replace("  ladder: [dummy, linear]\n", f"  ladder: {ladder}\n" + EXTRA)
    plan.write_text(text)
    return project_dir


def test_run_puts_every_kind_of_rung_on_one_axis(project_dir: Path) -> None:
    """`mlplan.app.run` evaluates declared, scripted and trained rungs, and carries warnings."""
    result = mlplan.run(_with_extra(project_dir), write_reports=False, n_jobs=1)
    sources = {e.name: e.source for e in result.evaluations}
    assert sources == {
        "requirement": "declared",
        "Doe et al. 2024": "declared",
        "dispatcher": "declared",
        "evening": "rung",
        "dummy": "rung",
        "linear": "rung",
        "gradient_boosting": "rung",
    }
    human = next(e for e in result.evaluations if e.name == "dispatcher")
    assert human.value == pytest.approx(0.40) and human.lo < 0.40 < human.hi
    assert "different data" in next(e for e in result.evaluations if e.name.startswith("Doe")).note
    assert result.to_dict()["warnings"] == [
        {"code": w.code, "column": w.column, "evidence": w.evidence, "severity": w.severity}
        for w in result.warnings
    ]


def test_baseline_command_prints_costs_and_json(project_dir: Path, cli) -> None:
    """`mlplan baseline` shows the ladder with costs; --json is machine-readable."""
    _with_extra(project_dir)
    shown = cli("baseline", "-p", project_dir, "--rungs", "dummy,linear", "-j", "1")
    assert shown.code == 0, shown.err
    assert "costs" in shown.out and "evening" in shown.out and "dispatcher" in shown.out
    raw = cli("baseline", "-p", project_dir, "--rungs", "dummy,linear", "-j", "1", "--json")
    payload = json.loads(raw.out)
    assert {e["name"] for e in payload["evaluations"]} >= {"requirement", "linear", "evening"}


def test_budget_too_small_exits_2(project_dir: Path, cli) -> None:
    """A budget no trained rung fits in is bad input: one line, exit code 2."""
    failed = cli("baseline", "-p", project_dir, "--budget", "0.001s")
    assert failed.code == 2
    assert "too small for any trained rung" in failed.err
    assert "Traceback" not in failed.err


def test_rule_with_a_missing_column_exits_2(project_dir: Path, cli) -> None:
    """A plan rule naming a missing column names it and the closest column."""
    plan = project_dir / "mlplan.yaml"
    plan.write_text(
        plan.read_text()
        + '  scripted:\n    - {name: late evening, rule: "sched_dep_tme >= 2000"}\n'
    )
    failed = cli("run", "-p", project_dir)
    assert failed.code == 2
    assert "unknown column 'sched_dep_tme'" in failed.err and "sched_dep_time" in failed.err
