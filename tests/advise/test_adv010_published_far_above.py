"""ADV010: a published result far above every rung -> check fairness."""

from __future__ import annotations

from dataclasses import replace

from _advice_helpers import check

from mlplan.records.evidence import DeclaredRung


def test_paper_far_above_asks_for_a_fair_comparison(advice_project):
    """A paper at 0.95 on an undeclared split is far above every measured interval:
    the advice asks to check data and split before chasing a stronger model."""
    paper = DeclaredRung(name="Doe 2024", kind="published", metrics={"balanced_accuracy": 0.95})
    finding = check("ADV010", replace(advice_project.evidence, published=(paper,)))
    assert finding.outcome == "tip"
    assert "same split" in finding.message
    assert finding.numbers["published"] == "Doe 2024"


def test_paper_within_reach_passes(advice_project):
    """A paper at the best model's own value is not far above."""
    best = advice_project.evidence.best(advice_project.evidence.ml)
    paper = DeclaredRung(name="close", kind="published", metrics={"balanced_accuracy": best.value})
    finding = check("ADV010", replace(advice_project.evidence, published=(paper,)))
    assert finding.outcome == "passed"
