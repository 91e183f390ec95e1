"""ADV013: slices of the test rows where the model is weakest -> collect data there."""

from __future__ import annotations

from _advice_helpers import check


def test_weak_slices_are_named_with_their_intervals(advice_project):
    """The best model's slices are judged with Bonferroni-corrected intervals; a weak
    slice is named with its column, value, rows and interval, and sends to data."""
    evidence = advice_project.evidence
    assert evidence.slices, "3,000 flights give slices of 50+ test rows"
    finding = check("ADV013", evidence)
    weak = [s for s in evidence.slices if s.weak or s.below_baseline]
    assert finding.outcome == ("tip" if weak else "passed")
    if weak:
        assert finding.stage == "data"
        assert f"{weak[0].column} = {weak[0].label}" in finding.message
        assert all(s.hi < s.overall or s.below_baseline for s in weak)


def test_slices_are_sorted_weakest_first(advice_project):
    """The first slice falls furthest below the model's overall score."""
    shortfalls = [s.shortfall for s in advice_project.evidence.slices]
    assert shortfalls == sorted(shortfalls, reverse=True)
