"""ADV015: test rows scoring below cross-validation point at a shift between train and test."""

from __future__ import annotations

from dataclasses import replace

from _advice_helpers import check


def _with_rung(evidence, name, **changes):
    evaluations = tuple(
        replace(e, **changes) if e.name == name else e for e in evidence.evaluations
    )
    return replace(evidence, evaluations=evaluations)


def test_cv_far_above_the_test_interval_fires(advice_project):
    """A rung whose CV mean lies above its whole test interval sends the project to data."""
    evidence = _with_rung(advice_project.evidence, "linear", cv_mean=0.95, cv_lo=0.94, cv_hi=0.96)
    finding = check("ADV015", evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "data"
    assert finding.numbers["worst"] == "linear" and finding.numbers["cv_mean"] == 0.95
    assert "differ from the training rows" in finding.message


def test_the_real_random_split_passes(advice_project):
    """On a stratified random split of flights, CV and test agree."""
    assert check("ADV015", advice_project.evidence).outcome == "passed"
