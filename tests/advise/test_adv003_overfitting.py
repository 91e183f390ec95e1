"""ADV003: a train/validation gap is overfitting only when it hurts, and data only helps
when the learning curve says so."""

from __future__ import annotations

from _advice_helpers import check, keep

from mlplan.core.advise import judge


def test_extra_trees_that_do_no_better_than_linear_overfit(advice_project):
    """Unpruned extra trees memorise their fitting folds (gap ~38 %) and still do no better
    than linear, in validation and on the test rows: the gap hurts. Without a learning
    curve, the project goes back to data collection."""
    finding = check("ADV003", advice_project.evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "data" and finding.subject == "extra_trees"
    assert finding.numbers["relative_gap"] > 0.10
    assert "linear, with a smaller gap, does better both in validation" in finding.message
    assert finding.numbers["learning_curve"] == "unknown"


def test_boosting_that_is_best_and_agrees_with_cv_is_not_overfitting(diamonds_evidence):
    """Diamonds: boosting fits its folds far better than validation (gap > 10 %), but it is
    the best rung by far and its test score agrees with CV. The gap does not hurt: no
    overfitting issue, and no finding sends boosting back to collect data."""
    finding = check("ADV003", diamonds_evidence)
    assert finding.outcome == "passed"
    assert finding.numbers["rung"] == "gradient_boosting"
    assert finding.numbers["relative_gap"] > 0.10
    assert "does not hurt" in finding.message and "agrees with validation" in finding.message
    advice = judge(diamonds_evidence)
    assert not [f for f in advice.open if f.subject == "gradient_boosting" and f.stage == "data"]


def test_a_requirement_out_of_reach_turns_collect_data_into_regularise(forecast_evidence):
    """With the forecast saying no amount of data reaches the requirement (ADV014), the
    overfitting finding stops asking for data: regularise or simplify, stage training."""
    finding = check("ADV003", forecast_evidence)
    assert finding.outcome == "issue" and finding.stage == "training"
    assert "more data will not close it" in finding.message
    assert finding.numbers["learning_curve"] == "unreachable"


def test_linear_alone_states_its_gap(advice_project):
    """With only the dummy and linear rungs the rule states the largest gap it saw."""
    evidence = keep(advice_project.evidence, "dummy", "linear")
    finding = check("ADV003", evidence)
    assert finding.outcome == "passed"
    assert finding.numbers["rung"] == "linear"
    assert "fitting folds" in finding.message and "a gap counts from 10%" in finding.message
