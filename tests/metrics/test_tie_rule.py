"""The tie rule never returns a dominated point, for every optimisable metric, against scikit-learn.

The reference walks scikit-learn's candidate thresholds (those of
``precision_recall_curve``), scores each with scikit-learn's own metric
functions, and applies the rule of ADR 0002: the best objective; among ties the
best constraint metric; then no dominated point; then the lowest threshold.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _reference import sklearn_path
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import config_context
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    cohen_kappa_score,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_recall_curve,
    precision_score,
    recall_score,
)

from mlplan.core.metrics import operating_point, policy_from_section

SKLEARN = {
    "precision": lambda y, p: precision_score(y, p, zero_division=0),
    "recall": lambda y, p: recall_score(y, p, zero_division=0),
    "f1": lambda y, p: f1_score(y, p, zero_division=0),
    "fbeta": lambda y, p: fbeta_score(y, p, beta=2.0, zero_division=0),
    "accuracy": accuracy_score,
    "balanced_accuracy": balanced_accuracy_score,
    "specificity": lambda y, p: recall_score(y, p, pos_label=0, zero_division=0),
    "npv": lambda y, p: precision_score(y, p, pos_label=0, zero_division=0),
    "mcc": matthews_corrcoef,
    "kappa": cohen_kappa_score,
}
CONSTRAINTS = [None, ("precision", 0.4), ("recall", 0.5), ("specificity", 0.3)]
TOL = 1e-12


def _sklearn_choice(y, s, optimise, constraint):
    """The reference rule on scikit-learn's thresholds and metric functions."""
    with warnings.catch_warnings(), config_context(skip_parameter_validation=True):
        warnings.simplefilter("ignore")
        _, _, thresholds = precision_recall_curve(y, s)
        rows = []
        for t in thresholds:
            pred = (s >= t).astype(int)
            sec = float(SKLEARN[constraint[0]](y, pred)) if constraint else 0.0
            ok = constraint is None or sec >= constraint[1]
            tp = int(np.sum((pred == 1) & (y == 1)))
            fp = int(np.sum((pred == 1) & (y == 0)))
            obj = float(SKLEARN[optimise](y, pred))
            rows.append((t, ok, obj, sec, tp, fp))
    feasible = [r for r in rows if r[1]]
    if not feasible:
        return None
    best = max(r[2] for r in feasible)
    tied = [r for r in feasible if r[2] >= best - TOL]
    top = max(r[3] for r in tied)
    tied = [r for r in tied if r[3] >= top - TOL]
    free = [
        r
        for r in tied
        if not any(o[4] >= r[4] and o[5] <= r[5] and (o[4], o[5]) != (r[4], r[5]) for o in tied)
    ]
    return min(free, key=lambda r: r[0]), tied


@st.composite
def tie_heavy(draw):
    """Integer, rounded and free scores, float32 or float64, with many ties."""
    n = draw(st.integers(2, 24))
    kind = draw(st.sampled_from(["integer", "rounded", "free"]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    if kind == "integer":
        s = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    elif kind == "rounded":
        s = [round(v, 1) for v in draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))]
    else:
        s = draw(st.lists(st.floats(0, 1, width=32), min_size=n, max_size=n))
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    return np.array(y), np.array(s, dtype=dtype)


@pytest.mark.parametrize("optimise", list(SKLEARN))
@settings(max_examples=50, deadline=None)
@given(case=tie_heavy(), constraint=st.sampled_from(CONSTRAINTS))
def test_every_metric_picks_the_undominated_tie_scikit_learn_picks(optimise, case, constraint):
    """Same value as scikit-learn's best, never dominated, same threshold as the reference rule."""
    y, s = case
    if y.min() == y.max():
        return  # one class: several metrics are undefined in scikit-learn
    subject = {constraint[0]: f">= {constraint[1]}"} if constraint else None
    beta = 2.0 if optimise == "fbeta" else 1.0
    op = operating_point(y, s, optimise, subject, beta=beta)
    ref = _sklearn_choice(y, s, optimise, constraint)
    if ref is None:
        assert op.threshold is None and not op.reachable
        return
    (t, _, obj, _, _, _), tied = ref
    assert op.threshold is not None and op.threshold.dtype == s.dtype
    assert op.value == pytest.approx(obj, abs=TOL)
    tp, fp = op.metrics["tp"], op.metrics["fp"]
    assert not any(o[4] >= tp and o[5] <= fp and (o[4], o[5]) != (tp, fp) for o in tied)
    assert op.threshold.tobytes() == np.asarray(t, dtype=s.dtype).tobytes()


def test_recall_ties_take_the_highest_threshold_with_that_recall():
    """Issue 12's case: equal recall at two thresholds; the higher one has fewer false positives."""
    y = np.array([1, 1, 1, 0, 0, 1, 0, 0, 0, 0])
    s = np.array([0.9, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.2, 0.1])
    op = operating_point(y, s, "recall", {"precision": ">= 0.5"})
    # recall 1.0 at 0.55 (precision 4/6) and, with more false positives, at 0.5 (4/7), 0.45 (4/8)
    assert float(op.threshold) == 0.55 and op.metrics["fp"] == 2
    t, r, p = sklearn_path(y, s, 0.5)
    assert (t, r, p) == (0.55, 1.0, 4 / 6)


def test_ties_equal_as_fractions_are_ties_after_rounding():
    """Balanced accuracy (0.2 + 1.0) / 2 and (0.4 + 0.8) / 2 round apart; they still tie."""
    y = np.array([0, 0, 0, 0, 1, 1, 1, 0, 1, 1])
    s = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 2], dtype=np.float32)
    op = operating_point(y, s, "balanced_accuracy", {"precision": ">= 0.4"})
    assert float(op.threshold) == 2.0 and op.metrics["precision"] == 1.0  # the higher precision


def test_precision_ties_take_the_highest_recall():
    """ "precision s.t. recall": equal precision at two depths; the deeper has more recall."""
    y = np.array([1, 0, 1, 0, 1, 1, 0, 0])
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    op = operating_point(y, s, "precision", {"recall": ">= 0.25"})
    # precision 1.0 only at 0.9 (recall 0.25); 0.5 at 0.8 and 4/6 at 0.4: the best is 1.0
    assert float(op.threshold) == 0.9
    op = operating_point(y, s, "precision", {"recall": ">= 0.5"})
    # precision 2/3 at 0.7 (recall 0.5) and 4/6 at 0.4 (recall 1.0): the same, take more recall
    assert float(op.threshold) == 0.4 and op.metrics["recall"] == 1.0


def test_a_precision_of_one_is_not_taken_at_its_shallowest_point():
    """Precision 1 at several depths with no false positives: the deepest has the most recall."""
    y = np.array([1, 1, 1, 0, 1, 0])
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    op = operating_point(y, s, "precision", {"latency_ms": "<= 50"}, costs={"latency_ms": 5})
    assert float(op.threshold) == 0.7 and op.metrics["tp"] == 3 and op.metrics["fp"] == 0


@pytest.mark.parametrize(
    "section",
    [{"fbeta": 2.0}, {"average": ["precision", "recall"]}, {"formula": "-(5*fn + fp)/n"}],
)
def test_other_policies_choose_their_best_threshold_like_a_brute_force(section, cancer_scores):
    """F-beta, averages and formulas: the chosen threshold maximises the policy on the rows."""
    y, s = cancer_scores
    policy = policy_from_section(section, "binary")
    choice = policy.choose_threshold(y, s)
    values = [
        policy.evaluate(y, y_score=s, threshold=float(t), n_resamples=0).value for t in np.unique(s)
    ]
    assert choice.value == pytest.approx(max(values), abs=TOL)
    at = policy.evaluate(y, y_score=s, threshold=choice.threshold, n_resamples=0)
    assert at.value == pytest.approx(choice.value, abs=TOL)
