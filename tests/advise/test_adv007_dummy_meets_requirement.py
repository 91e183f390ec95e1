"""ADV007: the dummy already meets the requirement -> change the metric."""

from __future__ import annotations

from _advice_helpers import check


def test_accuracy_requirement_below_the_majority_share(strict_evidence):
    """77 % of flights are on time, so a 0.7 accuracy requirement is met by always
    predicting 'on time': back to planning, the message names the majority class."""
    finding = check("ADV007", strict_evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "planning"
    assert finding.numbers["metric"] == "accuracy"
    assert finding.numbers["dummy"] >= 0.7
    assert "majority class" in finding.message


def test_a_requirement_the_dummy_misses_passes(advice_project):
    """The dummy's balanced accuracy is 0.5, far from the 0.9 requirement."""
    finding = check("ADV007", advice_project.evidence)
    assert finding.outcome == "passed"
