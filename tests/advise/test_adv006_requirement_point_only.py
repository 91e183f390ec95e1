"""ADV006: the requirement is met only by the point value -> not yet."""

from __future__ import annotations

from dataclasses import replace

from _advice_helpers import check


def test_requirement_between_lower_bound_and_value_is_not_yet_met(advice_project):
    """A requirement above every lower bound but below a point value is 'not yet':
    the finding stays in training and says how many test rows would settle it."""
    evidence = advice_project.evidence
    best = max((e for e in evidence.ml if e.lo is not None), key=lambda e: e.value)
    target = (best.value + max(e.lo for e in evidence.ml if e.lo is not None)) / 2
    target = max(target, max(e.lo for e in evidence.ml if e.lo is not None) + 1e-6)
    evidence = replace(evidence, requirement={"balanced_accuracy": target})
    finding = check("ADV006", evidence)
    assert finding.outcome == "tip"
    assert finding.stage == "training"
    assert finding.numbers["test_rows_needed"] > evidence.n_test
    assert "only by its point value" in finding.message


def test_requirement_above_every_value_passes(advice_project):
    """Nothing meets 0.9, not even by its point value."""
    assert check("ADV006", advice_project.evidence).outcome == "passed"
