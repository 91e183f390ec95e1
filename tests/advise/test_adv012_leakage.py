"""ADV012: a leakage warning, or a test score suspiciously above cross-validation."""

from __future__ import annotations

from dataclasses import replace

from _advice_helpers import check

from mlplan.core.advise.evidence import leakage_notes
from mlplan.records.ladder import LeakageWarning


def test_a_ladder_leakage_warning_stops_the_project(advice_project):
    """A critical warning from the ladder's guards sends the project back to data."""
    warning = LeakageWarning(
        code="single_feature",
        column="arr_delay",
        evidence="arr_delay alone reaches balanced accuracy 0.99",
        severity="critical",
    )
    evidence = replace(advice_project.evidence, leakage=leakage_notes([warning]))
    finding = check("ADV012", evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "data"
    assert "arr_delay" in finding.message


def test_info_notes_alone_do_not_fire(advice_project):
    """An info-level note (handled by the ladder) is not a leak."""
    note = {
        "code": "id_like_column",
        "column": "flight_id",
        "evidence": "left out",
        "severity": "info",
    }
    evidence = replace(advice_project.evidence, leakage=leakage_notes([note]))
    assert check("ADV012", evidence).outcome in ("passed", "issue")
    assert "flight_id" not in check("ADV012", evidence).message


def test_test_score_far_above_cv_is_suspicious(advice_project):
    """A rung whose test interval lies above its whole CV interval is flagged."""
    evidence = advice_project.evidence
    linear = evidence.evaluation("linear")
    inflated = replace(
        linear,
        cv_mean=linear.lo - 0.2,
        cv_lo=linear.lo - 0.3,
        cv_hi=linear.lo - 0.1,
        cv_train_mean=linear.lo - 0.2,
    )
    others = tuple(e for e in evidence.evaluations if e.name != "linear")
    finding = check("ADV012", replace(evidence, evaluations=(*others, inflated)))
    assert finding.outcome == "issue"
    assert finding.numbers["suspicious"] == ["linear"]
