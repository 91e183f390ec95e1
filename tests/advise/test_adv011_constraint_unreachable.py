"""ADV011: no model meets the constraint at any threshold."""

from __future__ import annotations

from _advice_helpers import check


def test_precision_of_099_is_unreachable_on_flights(strict_evidence):
    """Nobody predicts flight delays with 99 % precision from schedule data: the rule
    fires, quotes the best precision reached, and proposes planning."""
    finding = check("ADV011", strict_evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "planning"
    assert "precision >= 0.99" in finding.message
    assert "best precision reached" in finding.message


def test_unconstrained_metric_is_not_applicable(advice_project):
    """Balanced accuracy has no constraint."""
    assert check("ADV011", advice_project.evidence).outcome == "not_applicable"
