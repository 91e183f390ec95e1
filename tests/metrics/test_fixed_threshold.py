"""Scoring at a fixed threshold chosen elsewhere: values equal scikit-learn, constraints checked."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score, fbeta_score, precision_score, recall_score

from mlplan.core.metrics import policy_from_section
from mlplan.records.evaluation import ConstraintCheck, Evaluation


def _halves(y, s):
    """Choose on the first half of the rows, score on the second (as a deployment would)."""
    half = len(y) // 2
    return (y[:half], s[:half]), (y[half:], s[half:])


@pytest.mark.parametrize(
    ("section", "reference"),
    [
        ({"optimise": "f1"}, f1_score),
        ({"fbeta": 2.0}, lambda y, p: fbeta_score(y, p, beta=2.0)),
        ({"optimise": "recall", "subject_to": {"precision": ">= 0.9"}}, recall_score),
    ],
)
def test_value_at_the_fixed_threshold_equals_scikit_learn(section, reference, cancer_scores):
    """The threshold chosen on one half, applied unchanged to the other, gives sklearn's value."""
    (y1, s1), (y2, s2) = _halves(*cancer_scores)
    policy = policy_from_section(section, "binary")
    choice = policy.choose_threshold(y1, s1)
    result = policy.evaluate(y2, y_score=s2, threshold=choice.threshold, n_resamples=500)
    assert result.threshold == choice.threshold and not result.tuned
    assert result.value == pytest.approx(reference(y2, s2 >= choice.threshold), abs=1e-12)
    assert result.interval == "threshold fixed" and result.lo <= result.value <= result.hi


def test_a_constraint_missed_at_the_fixed_threshold_is_reported_with_its_interval(cancer_scores):
    """precision >= 0.99 chosen on one half misses on the other: value kept, check fails."""
    (y1, s1), (y2, s2) = _halves(*cancer_scores)
    policy = policy_from_section(
        {"optimise": "recall", "subject_to": {"precision": ">= 0.99"}}, "binary"
    )
    choice = policy.choose_threshold(y1, s1)
    assert choice.reachable
    low = float(np.quantile(s2, 0.3))  # a threshold well below the chosen one
    result = policy.evaluate(y2, y_score=s2, threshold=low, n_resamples=500, seed=1)
    (check,) = result.constraints
    precision = precision_score(y2, s2 >= low)
    assert check.value == pytest.approx(precision, abs=1e-12) and precision < 0.99
    assert not check.holds and check.lo <= check.value <= check.hi
    assert result.value == pytest.approx(recall_score(y2, s2 >= low), abs=1e-12)
    assert str(check) == f"precision {precision:.3g} [{check.lo:.3g}, {check.hi:.3g}] < 0.99"
    assert result.note.startswith("constraint not met at the threshold: precision")


def test_without_a_threshold_constrained_policies_tune_on_the_rows_and_say_so(cancer_scores):
    """No threshold given: chosen on these rows (tuned), interval re-chosen per resample."""
    y, s = cancer_scores
    policy = policy_from_section(
        {"optimise": "recall", "subject_to": {"precision": ">= 0.9"}}, "binary"
    )
    result = policy.evaluate(y, y_score=s, n_resamples=300)
    assert result.tuned and result.interval == "threshold re-chosen per resample"
    assert result.threshold == policy.choose_threshold(y, s).threshold
    plain = policy_from_section({"optimise": "f1"}, "binary").evaluate(y, y_score=s)
    assert not plain.tuned and plain.threshold == 0.5  # the default, shown, not hidden
    assert plain.value == pytest.approx(f1_score(y, s >= 0.5), abs=1e-12)


def test_margins_skip_probability_metrics(cancer_scores):
    """Margins: ROC AUC still defined, log loss refused by name; threshold 0 by default."""
    y, s = cancer_scores
    margin = np.log((s + 1e-3) / (1 - s + 1e-3))
    f1 = policy_from_section({"optimise": "f1"}, "binary")
    result = f1.evaluate(y, y_score=margin, margin=True, n_resamples=0)
    assert result.threshold == 0.0 and "log_loss" not in result.metrics
    assert result.metrics["roc_auc"] == pytest.approx(
        policy_from_section({"optimise": "roc_auc"}, "binary").evaluate(y, y_score=s).value,
        abs=0.02,
    )
    with pytest.raises(ValueError, match=r"log_loss need probabilities; the plan says this score"):
        policy_from_section({"optimise": "log_loss"}, "binary").evaluate(
            y, y_score=margin, margin=True
        )


@pytest.mark.parametrize(
    ("section", "task", "message"),
    [
        ({"optimise": "f1", "threshold": 1.5}, "binary", "threshold must lie in [0, 1]"),
        ({"optimise": "roc_auc", "threshold": 0.5}, "binary", "does not depend on a threshold"),
        (
            {"optimise": "accuracy", "threshold": 0.5},
            "multiclass",
            "only binary scores have an operating threshold",
        ),
    ],
)
def test_bad_metric_thresholds_are_refused(section, task, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        policy_from_section(section, task)


def test_evaluation_json_shows_threshold_source_and_checks():
    """What the report and the gate read: threshold, its source, checks, optimistic."""
    check = ConstraintCheck(
        name="precision", op=">=", bound=0.5, value=0.46, lo=0.41, hi=0.51, holds=False
    )
    e = Evaluation(
        name="m",
        source="model",
        metric="recall s.t. precision >= 0.5",
        value=0.7,
        threshold=0.31,
        threshold_source="test (optimistic)",
        interval="threshold re-chosen per resample",
        constraints=(check,),
    )
    record = e.to_dict()
    assert record["threshold"] == 0.31 and record["threshold_source"] == "test (optimistic)"
    assert record["optimistic"] and not record["constraints_met"]
    assert record["constraints"][0]["holds"] is False
    again = Evaluation(**{k: v for k, v in record.items() if k in Evaluation.__dataclass_fields__})
    assert again.violated == (check,) and str(check) == "precision 0.46 [0.41, 0.51] < 0.5"
