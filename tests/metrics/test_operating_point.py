"""The constrained operating point equals scikit-learn's precision_recall_curve selection bit for bit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _reference import sklearn_path
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import precision_recall_curve

from mlplan.core.metrics import operating_point
from mlplan.core.metrics.counts import score_curve

VALUES = [-1.5, -0.0, 0.0, 0.1, 0.25, 0.5, 0.5000001, 0.9, 1.0, 3.0]


@st.composite
def scored(draw):
    n = draw(st.integers(1, 40))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    mode = draw(st.sampled_from(["ties", "free", "allneg", "allpos"]))
    if mode == "free":
        s = draw(st.lists(st.floats(-10, 10, width=32), min_size=n, max_size=n))
    else:
        s = draw(st.lists(st.sampled_from(VALUES), min_size=n, max_size=n))
    if mode == "allneg":
        y = [0] * n
    elif mode == "allpos":
        y = [1] * n
    else:
        y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    bound = draw(st.sampled_from([0.0, 0.3, 0.5, 2 / 3, 0.9, 1.0]))
    return np.array(y), np.array(s, dtype=dtype), bound


@settings(max_examples=400, deadline=None)
@given(scored())
def test_matches_sklearn_bit_for_bit(case):
    """Threshold (value, dtype and sign of zero), recall and precision equal the sklearn path."""
    y, s, bound = case
    ref = sklearn_path(y, s, bound)
    op = operating_point(y, s, optimise="recall", subject_to={"precision": f">= {bound!r}"})
    if y.sum() == 0:
        # sklearn sets recall to 1 without positives; precision is 0 everywhere
        assert (op.threshold is None) == (ref is None or bound > 0)
        return
    if ref is None:
        assert op.threshold is None and not op.reachable
        assert op.note.startswith("unreachable: best precision reached")
        return
    t, r, p = ref
    assert op.threshold is not None
    assert op.threshold.dtype == s.dtype
    assert op.threshold.tobytes() == np.asarray(t, dtype=s.dtype).tobytes()
    assert op.metrics["recall"] == r
    assert op.metrics["precision"] == p


@settings(max_examples=200, deadline=None)
@given(scored())
def test_curve_counts_match_sklearn(case):
    """Every distinct threshold and its counts match sklearn's curve."""
    y, s, _ = case
    curve = score_curve(y.astype(bool), s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, _, t = precision_recall_curve(y, s)
    assert curve.thresholds[::-1].tobytes() == t.tobytes()
    prec = np.zeros(curve.size)
    tot = curve.tps + curve.fps
    np.divide(curve.tps, tot, out=prec, where=tot != 0)
    np.testing.assert_array_equal(prec[::-1], p[:-1])


def test_unreachable_names_best_value():
    """An unreachable constraint gives no threshold and names the best precision reached."""
    op = operating_point([1, 0, 1, 0], [0.9, 0.9, 0.5, 0.5], subject_to={"precision": ">= 0.9"})
    assert op.threshold is None and op.value is None and not op.reachable
    assert op.note == "unreachable: best precision reached 0.5 (needs >= 0.9)"


def test_cost_constraint_and_missing_cost():
    """Cost metrics constrain from `costs`; a missing cost is a clear error."""
    y, s = [0, 1, 1, 0, 1], [0.1, 0.8, 0.7, 0.2, 0.9]
    op = operating_point(
        y, s, subject_to={"precision": ">= 0.9", "latency_ms": "<= 50"}, costs={"latency_ms": 10}
    )
    assert op.reachable and float(op.threshold) == pytest.approx(0.7)
    op = operating_point(y, s, subject_to={"latency_ms": "<= 50"}, costs={"latency_ms": 80})
    assert not op.reachable and "latency_ms is 80" in op.note
    with pytest.raises(ValueError, match="costs: 'latency_ms' is used"):
        operating_point(y, s, subject_to={"latency_ms": "<= 50"})


def test_float32_precision_counted_in_float64():
    """0.899999975 (float32 of 0.9) must not satisfy precision >= 0.9."""
    # 9 positives and 1 negative on top -> precision 0.9 exactly; add a case just below
    y = np.array([1] * 899_999 + [0] * 100_001)
    s = np.ones(y.size, dtype=np.float32)
    op = operating_point(y, s, subject_to={"precision": ">= 0.9"})
    assert not op.reachable  # 0.899999 < 0.9 although float32(0.899999) == float32(0.9)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_scores_rejected(bad):
    """NaN/inf scores raise MetricError naming the row."""
    with pytest.raises(ValueError, match=r"y_score: scores must be finite; row 1 is"):
        operating_point([0, 1], [0.2, bad])


def test_labels_outside_classes_rejected():
    """Labels other than 0/1 are listed in the error."""
    with pytest.raises(ValueError, match=r"labels must be 0 or 1 for a binary task; got \[2\]"):
        operating_point([0, 2], [0.2, 0.3])
