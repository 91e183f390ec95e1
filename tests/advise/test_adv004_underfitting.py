"""ADV004: even on its fitting folds the best rung misses the requirement."""

from __future__ import annotations

from _advice_helpers import check, keep


def test_linear_cannot_fit_its_training_folds_to_the_requirement(advice_project):
    """Linear scores far below the 0.9 balanced-accuracy requirement on the very rows
    it was fitted on: bias, so tune harder or a bigger model (stage training)."""
    evidence = keep(advice_project.evidence, "dummy", "linear")
    finding = check("ADV004", evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "training"
    assert finding.numbers["train"] < 0.9
    assert "below the requirement balanced_accuracy 0.900" in finding.message


def test_an_overfitting_rung_is_not_called_underfitting(advice_project):
    """Extra trees fit their training folds well: the problem is variance, not bias."""
    finding = check("ADV004", advice_project.evidence)
    assert finding.outcome == "passed"
    assert "variance" in finding.message
