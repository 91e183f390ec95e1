"""ADV002: a model within the paired interval of the best baseline."""

from __future__ import annotations

from _advice_helpers import check, keep


def test_linear_predictions_as_a_model_are_within_the_interval_of_linear(advice_project):
    """The linear rung's own test predictions evaluated as an external model tie with
    the best baseline (linear itself, difference exactly zero), so the rule proposes
    more data or harder tuning, chosen from the linear rung's train/validation gap."""
    evidence = keep(advice_project.evidence, "linear-copy", "dummy", "linear")
    finding = check("ADV002", evidence)
    assert finding.outcome == "tip"
    assert finding.numbers["baseline"] == "linear"
    assert finding.numbers["difference"] == 0.0
    assert "fitting folds" in finding.message
    linear = evidence.evaluation("linear")
    gap = (linear.cv_train_mean - linear.cv_mean) / max(linear.cv_train_mean, linear.cv_mean)
    assert finding.stage == ("data" if gap > 0.10 else "training")


def test_a_model_far_below_the_best_baseline_is_not_close(advice_project):
    """Noise is significantly worse than linear: not 'close', so the rule passes."""
    evidence = keep(advice_project.evidence, "noise", "dummy", "linear")
    finding = check("ADV002", evidence)
    assert finding.outcome == "passed"
    assert "significantly worse than" in finding.message
