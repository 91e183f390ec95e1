"""ADV002: a model within the paired interval of the best baseline (as the results table
ranks it), with the fit diagnosis of the rung it names."""

from __future__ import annotations

from _advice_helpers import check, keep

from mlplan.core.advise.diagnosis import diagnose


def test_linear_predictions_as_a_model_are_within_the_interval_of_linear(advice_project):
    """The linear rung's own test predictions evaluated as an external model tie with
    the best baseline (linear itself, difference exactly zero); linear's small gap says
    tune harder rather than collect data."""
    evidence = keep(advice_project.evidence, "linear-copy", "dummy", "linear")
    finding = check("ADV002", evidence)
    assert finding.outcome == "tip"
    assert finding.numbers["baseline"] == "linear" and finding.numbers["diagnosed"] == "linear"
    assert finding.numbers["difference"] == 0.0
    assert "linear scores" in finding.message and "fitting folds" in finding.message
    assert finding.stage == diagnose(evidence, evidence.evaluation("linear")).stage


def test_a_model_far_below_the_best_baseline_is_not_close(advice_project):
    """Noise is significantly worse than linear: not 'close', so the rule passes."""
    evidence = keep(advice_project.evidence, "noise", "dummy", "linear")
    finding = check("ADV002", evidence)
    assert finding.outcome == "passed"
    assert "significantly worse than" in finding.message


def test_the_best_baseline_is_the_one_the_results_table_stars(churn_evidence):
    """Churn: linear is starred (best test F1) and boosting is within its interval. The
    finding calls linear the best baseline -- not boosting -- and diagnoses linear."""
    starred = churn_evidence.ranked[0].name
    assert starred == "linear"
    finding = check("ADV002", churn_evidence)
    assert finding.outcome == "tip"
    assert finding.numbers["best_baseline"] == starred == finding.numbers["diagnosed"]
    assert finding.message.startswith("linear, the best baseline in the results table")
    assert "of the next baseline, gradient_boosting" in finding.message
    assert "linear scores" in finding.message and "gradient_boosting scores" not in finding.message
