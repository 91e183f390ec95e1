"""ADV005: the requirement is met by the interval's lower bound -> deployment."""

from __future__ import annotations

from dataclasses import replace

from _advice_helpers import check


def test_requirement_below_the_lower_bound_sends_to_deployment(advice_project):
    """When the best model's lower bound clears the requirement, the rule proposes
    deployment and the regression gate, naming the champion."""
    evidence = advice_project.evidence
    best = max((e for e in evidence.ml if e.lo is not None), key=lambda e: e.lo)
    evidence = replace(evidence, requirement={"balanced_accuracy": best.lo - 0.01})
    finding = check("ADV005", evidence)
    assert finding.outcome == "tip"
    assert finding.stage == "deployment"
    assert finding.numbers["champion"] == best.name
    assert "mlplan gate" in finding.message


def test_unmet_requirement_passes_with_the_numbers(advice_project):
    """The plan's 0.9 requirement is far above every interval: not met, numbers shown."""
    finding = check("ADV005", advice_project.evidence)
    assert finding.outcome == "passed"
    assert "0.900" in finding.message


def test_no_requirement_on_the_metric_is_not_applicable(strict_evidence):
    """A requirement on accuracy says nothing about a recall policy."""
    assert check("ADV005", strict_evidence).outcome == "not_applicable"
