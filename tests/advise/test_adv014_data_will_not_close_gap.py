"""ADV014: the data-size forecast says whether more labels can reach the requirement."""

from __future__ import annotations

from dataclasses import replace

from _advice_helpers import check


def test_requirement_beyond_the_forecast_ceiling_fires(forecast_evidence):
    """Balanced accuracy 0.9 on flight delays is out of reach of the linear rung at any size."""
    finding = check("ADV014", forecast_evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "training"
    assert finding.numbers["rung"] == "linear"
    assert finding.numbers["target"] == 0.9 and finding.numbers["reachable"] is False
    assert "levels off at" in finding.message


def test_reachable_requirement_passes_with_the_examples_needed(advice_project):
    """A forecast that reaches the requirement reports examples needed and cost."""
    payload = {
        "metric": advice_project.evidence.metric,
        "rung": "linear",
        "ceiling": 0.95,
        "n_train": 2400,
        "targets": [
            {
                "target": 0.9,
                "n": 52000.0,
                "lo": 20000.0,
                "hi": None,
                "reachable": True,
                "cost": 24800.0,
            },
        ],
    }
    finding = check("ADV014", replace(advice_project.evidence, forecast=payload))
    assert finding.outcome == "passed"
    assert "52,000 training examples" in finding.message
    assert "open upper end" in finding.message and "24,800 in labelling" in finding.message


def test_a_requirement_met_today_says_so_instead_of_a_count(advice_project):
    """Met at today's size: no "reaches it at about 2,400 examples (2,400 today)"."""
    need = {"target": 0.9, "n": 2400.0, "lo": 2400.0, "hi": None, "reachable": True}
    payload = {
        "metric": advice_project.evidence.metric,
        "rung": "linear",
        "ceiling": 0.95,
        "n_train": 2400,
        "targets": [{**need, "met_now": True}],
    }
    finding = check("ADV014", replace(advice_project.evidence, forecast=payload))
    assert finding.outcome == "passed"
    assert "at today's 2,400 training examples already reaches the requirement" in finding.message
    assert "from 2,400 to an open upper end" in finding.message


def test_no_forecast_is_not_applicable(advice_project):
    """Without `mlplan forecast` the rule cannot judge."""
    finding = check("ADV014", replace(advice_project.evidence, forecast=None))
    assert finding.outcome == "not_applicable"
