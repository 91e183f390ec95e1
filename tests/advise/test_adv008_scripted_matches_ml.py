"""ADV008: a scripted rule matches or beats every ML model -> do you need ML?"""

from __future__ import annotations

from _advice_helpers import check, keep


def test_noise_cannot_beat_an_evening_departure_rule(advice_project):
    """With noise as the only ML model, the rule 'sched_dep_time >= 1700' is not beaten
    (paired interval), so the advice asks whether ML is needed at all."""
    evidence = keep(advice_project.evidence, "noise", "dummy", "evening")
    finding = check("ADV008", evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "planning"
    assert finding.numbers["scripted"] == "evening"
    assert "Do you need ML?" in finding.message


def test_outcome_follows_the_paired_comparisons(advice_project):
    """On the full run the rule fires exactly when no ML model beats the rule."""
    evidence = advice_project.evidence
    beaten = any(c.better for c in evidence.comparisons if c.baseline == "evening")
    finding = check("ADV008", evidence)
    assert finding.outcome == ("passed" if beaten else "issue")


def test_without_a_scripted_rung_it_is_not_applicable(strict_evidence):
    """No rule in the plan: nothing to say."""
    assert check("ADV008", strict_evidence).outcome == "not_applicable"
