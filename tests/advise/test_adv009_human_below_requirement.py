"""ADV009: declared human performance below the requirement -> re-scope."""

from __future__ import annotations

from dataclasses import replace

from _advice_helpers import check

from mlplan.records.evidence import DeclaredRung


def test_dispatchers_below_the_requirement(advice_project):
    """Dispatchers who reach 0.70 balanced accuracy cannot justify a 0.9 requirement."""
    human = DeclaredRung(name="dispatchers", kind="human", metrics={"balanced_accuracy": 0.7})
    finding = check("ADV009", replace(advice_project.evidence, human=(human,)))
    assert finding.outcome == "issue"
    assert finding.stage == "planning"
    assert finding.numbers["human"] == "dispatchers"
    assert "re-scope" in finding.message


def test_humans_meeting_the_requirement_pass(advice_project):
    """Humans at 0.95 meet the requirement."""
    human = DeclaredRung(name="experts", kind="human", metrics={"balanced_accuracy": 0.95})
    finding = check("ADV009", replace(advice_project.evidence, human=(human,)))
    assert finding.outcome == "passed"


def test_no_human_baseline_is_not_applicable(advice_project):
    """The plan declares no human baseline."""
    assert check("ADV009", advice_project.evidence).outcome == "not_applicable"
