"""ADV001: a model worse than a simple baseline beyond the paired interval."""

from __future__ import annotations

from _advice_helpers import check, keep


def test_noise_scores_are_worse_than_the_linear_baseline(advice_project):
    """A model whose scores are uniform noise is flagged as worse than a baseline rung,
    with the baseline's name, the paired difference and its interval in the message."""
    evidence = keep(advice_project.evidence, "noise", "dummy", "linear")
    finding = check("ADV001", evidence)
    assert finding.outcome == "issue"
    assert finding.stage == "training"
    assert finding.numbers["candidate"] == "noise"
    assert finding.numbers["baseline"] == "linear"
    assert finding.numbers["hi"] < 0
    assert "noise is worse than the linear baseline" in finding.message
    assert "not worth pursuing" in finding.message and finding.numbers["check_threshold"] is False


def test_same_ranking_worse_threshold_says_check_the_threshold(advice_project):
    """Linear's scores cubed rank the flights exactly as linear does (same ROC AUC and
    average precision) but at the default threshold of 0.5 flag far fewer late flights:
    worse balanced accuracy. That is a threshold to fix, not a model family to drop."""
    evidence = keep(advice_project.evidence, "linear-cubed", "dummy", "linear")
    finding = check("ADV001", evidence)
    assert finding.outcome == "issue"
    assert finding.numbers["candidate"] == "linear-cubed"
    assert finding.numbers["check_threshold"] is True
    assert "check the operating threshold of linear-cubed" in finding.message
    assert "roc_auc +0.000" in finding.message and "not worth pursuing" not in finding.message


def test_a_copy_of_the_best_rung_is_not_worse(advice_project):
    """The linear rung's own predictions, as an external model, are not worse than any
    rung that linear itself is not worse than: the rule passes and shows a comparison."""
    evidence = keep(advice_project.evidence, "linear-copy", "dummy", "linear")
    finding = check("ADV001", evidence)
    assert finding.outcome == "passed"
    assert "paired comparisons" in finding.message


def test_not_applicable_without_models(strict_evidence):
    """When no model reaches the constrained metric, there is nothing to compare."""
    assert check("ADV001", strict_evidence).outcome == "not_applicable"
