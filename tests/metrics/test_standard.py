"""standard_metrics equals scikit-learn to 1e-12."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from mlplan.core.metrics import METRIC_NAMES, higher_is_better, metric_names, standard_metrics

TOL = 1e-12


@st.composite
def binary_case(draw):
    n = draw(st.integers(2, 50))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    s = np.array(
        draw(
            st.lists(st.sampled_from([0.0, -0.0, 0.1, 0.3, 0.5, 0.7, 1.0]), min_size=n, max_size=n)
        )
    )
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return y, s.astype(dtype)


@settings(max_examples=200, deadline=None)
@given(binary_case())
def test_binary_matches_sklearn(case):
    """Every binary metric equals its scikit-learn counterpart."""
    y, s = case
    m = standard_metrics("binary", y, y_score=s)
    pred = (s >= 0.5).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = {
            "precision": skm.precision_score(y, pred, zero_division=0),
            "recall": skm.recall_score(y, pred, zero_division=0),
            "f1": skm.f1_score(y, pred, zero_division=0),
            "accuracy": skm.accuracy_score(y, pred),
            "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
            "mcc": skm.matthews_corrcoef(y, pred),
            # sklearn accumulates float32 inputs in float32; we always use float64
            "brier": skm.brier_score_loss(y, s)
            if len(set(y)) > 1 and s.dtype == np.float64
            else None,
        }
        if len(set(y)) > 1:
            ref["roc_auc"] = skm.roc_auc_score(y, s)
            ref["average_precision"] = skm.average_precision_score(y, s)
            if s.dtype == np.float64:  # sklearn sums float32 log terms in float32; we use float64
                ref["log_loss"] = skm.log_loss(y, s)
        if len(set(y) | set(pred)) > 1:
            ref["kappa"] = skm.cohen_kappa_score(y, pred)
    for k, v in ref.items():
        if v is not None:
            assert m[k] == pytest.approx(v, abs=TOL, rel=TOL), k


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 4),
    st.integers(5, 60),
    st.integers(0, 10_000),
    st.sampled_from(["macro", "micro", "weighted"]),
)
def test_multiclass_matches_sklearn(k, n, seed, averaging):
    """Multiclass metrics with explicit averaging equal scikit-learn."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    p = rng.dirichlet(np.ones(k), size=n)
    pred = p.argmax(axis=1)
    m = standard_metrics("multiclass", y, y_score=p, averaging=averaging)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert m["precision"] == pytest.approx(
            skm.precision_score(y, pred, average=averaging, zero_division=0), abs=TOL
        )
        assert m["recall"] == pytest.approx(
            skm.recall_score(y, pred, average=averaging, zero_division=0), abs=TOL
        )
        assert m["f1"] == pytest.approx(
            skm.f1_score(y, pred, average=averaging, zero_division=0), abs=TOL
        )
        assert m["mcc"] == pytest.approx(skm.matthews_corrcoef(y, pred), abs=TOL)
        assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred), abs=TOL)
        assert m["balanced_accuracy"] == pytest.approx(
            skm.balanced_accuracy_score(y, pred), abs=TOL
        )
        assert m["log_loss"] == pytest.approx(skm.log_loss(y, p), abs=TOL)
        if averaging != "micro" and k > 2:
            auc = skm.roc_auc_score(y, p, multi_class="ovr", average=averaging)
            assert m["roc_auc"] == pytest.approx(auc, abs=TOL)


def test_regression_matches_sklearn():
    """MAE, RMSE, R², MAPE and pinball loss equal scikit-learn."""
    rng = np.random.default_rng(0)
    y = rng.normal(10, 3, 500)
    p = y + rng.normal(0, 1, 500)
    m = standard_metrics("regression", y, y_pred=p)
    assert m["mae"] == pytest.approx(skm.mean_absolute_error(y, p), abs=TOL)
    assert m["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, p)), abs=TOL)
    assert m["r2"] == pytest.approx(skm.r2_score(y, p), abs=TOL)
    assert m["mape"] == pytest.approx(skm.mean_absolute_percentage_error(y, p), abs=TOL)
    assert m["quantile_loss"] == pytest.approx(skm.mean_pinball_loss(y, p, alpha=0.5), abs=TOL)


def test_names_and_directions():
    """Names per task, and directions."""
    assert set(metric_names("binary")) <= METRIC_NAMES
    assert "roc_auc" in metric_names("binary") and "rmse" in metric_names("regression")
    assert higher_is_better("recall") and not higher_is_better("log_loss")
    with pytest.raises(ValueError, match=r"unknown metric 'recal' \(did you mean 'recall'"):
        higher_is_better("recal")


def test_bad_inputs():
    """Probabilities not summing to 1 and labels outside the classes are clear errors."""
    with pytest.raises(ValueError, match=r"row 1 sums to 0.9"):
        standard_metrics("multiclass", [0, 1], y_score=[[0.5, 0.5], [0.4, 0.5]])
    with pytest.raises(ValueError, match=r"labels outside the declared classes 0..1: \[2\]"):
        standard_metrics("multiclass", [0, 2], y_score=[[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"task: unknown task 'binar'"):
        standard_metrics("binar", [0, 1], y_pred=[0, 1])
