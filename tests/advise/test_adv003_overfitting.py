"""ADV003: a trained rung far better on its fitting folds than on validation."""

from __future__ import annotations

from _advice_helpers import check, keep


def test_extra_trees_on_3000_flights_overfit(advice_project):
    """Unpruned extra trees memorise their fitting folds; the validation interval lies
    far below, so the rule sends the project back to data collection."""
    finding = check("ADV003", advice_project.evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "data"
    assert finding.numbers["rung"] == "extra_trees"
    assert finding.numbers["relative_gap"] > 0.10
    assert "fitting folds" in finding.message


def test_linear_alone_does_not_overfit_beyond_the_threshold_or_passes(advice_project):
    """With only the dummy and linear rungs the rule states the largest gap it saw."""
    evidence = keep(advice_project.evidence, "dummy", "linear")
    finding = check("ADV003", evidence)
    assert finding.numbers["rung"] == "linear"
    assert finding.outcome in ("passed", "issue")
    assert "train" in finding.message
