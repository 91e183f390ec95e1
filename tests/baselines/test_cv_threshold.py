"""Rung thresholds come from out-of-fold predictions of the training part, never the test rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from mlplan.core.baselines import run_ladder
from mlplan.core.baselines.linear import TunedLogistic
from mlplan.core.data.split import cv_folds
from mlplan.core.evaluation import evaluate_rung
from mlplan.core.metrics import policy_from_section
from mlplan.io.data.images import read_idx

FASHION = Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
CONSTRAINED = {"optimise": "recall", "subject_to": {"precision": ">= 0.5"}, "resamples": 0}


def test_the_threshold_is_the_exact_choice_on_the_out_of_fold_scores(churn, prepare) -> None:
    """The rung's threshold is the policy's choice on its out-of-fold scores; folds use the others'."""
    dataset, split, _ = prepare(churn, "churn")
    policy = policy_from_section(CONSTRAINED, "binary")
    ladder = run_ladder(dataset, split, policy, rungs=["linear"], n_folds=3, leakage=False)
    rung = ladder.rung("linear")
    train_pos, _ = split.positions(dataset)
    y = dataset.y[train_pos]
    assert rung.threshold_source == "cv" and rung.cv_scores is not None
    assert np.isfinite(rung.cv_scores).all()  # every training row is validated once
    assert rung.threshold == policy.choose_threshold(y, rung.cv_scores).threshold
    folds = list(cv_folds(dataset, split, 3))
    for k, (_, val) in enumerate(folds):
        others = np.setdiff1d(np.arange(len(y)), val)
        own = policy.choose_threshold(y[others], rung.cv_scores[others]).threshold
        assert rung.fold_thresholds[k] == own
        at = policy.evaluate(y[val], y_score=rung.cv_scores[val], threshold=own, n_resamples=0)
        assert rung.fold_scores[k] == pytest.approx(at.value, abs=1e-12)


def test_test_labels_never_move_the_threshold(churn, prepare) -> None:
    """Flipping every test label changes the test value, not the threshold nor the CV."""
    dataset, split, _ = prepare(churn, "churn")
    policy = policy_from_section(CONSTRAINED, "binary")
    _, test_pos = split.positions(dataset)
    y = dataset.y.copy()
    y[test_pos] = 1 - y[test_pos]
    flipped = replace(dataset, y=y)
    a = run_ladder(dataset, split, policy, rungs=["linear"], n_folds=3, leakage=False).rungs[0]
    b = run_ladder(flipped, split, policy, rungs=["linear"], n_folds=3, leakage=False).rungs[0]
    assert a.threshold == b.threshold and a.fold_scores == b.fold_scores
    ea = evaluate_rung(a, dataset, dataset.y[test_pos], policy)
    eb = evaluate_rung(b, flipped, y[test_pos], policy)
    assert ea.threshold == eb.threshold == a.threshold and ea.value != eb.value
    assert ea.threshold_source == "cv" and not ea.optimistic


def test_an_unreachable_constraint_on_the_folds_has_no_test_value(churn, prepare) -> None:
    """precision >= 0.99 is out of reach on the out-of-fold scores: no threshold, no value."""
    dataset, split, _ = prepare(churn, "churn")
    policy = policy_from_section({**CONSTRAINED, "subject_to": {"precision": ">= 0.99"}}, "binary")
    rung = run_ladder(dataset, split, policy, rungs=["dummy"], n_folds=3, leakage=False).rungs[0]
    assert not rung.threshold_reachable and rung.threshold is None
    _, test_pos = split.positions(dataset)
    e = evaluate_rung(rung, dataset, dataset.y[test_pos], policy)
    assert e.value is None and not e.reachable
    assert e.note.startswith("unreachable: best precision reached")
    assert "on the out-of-fold predictions of the training part" in e.note


@pytest.fixture(scope="module")
def pixels() -> tuple[np.ndarray, np.ndarray]:
    """2,000 Fashion-MNIST test images as scaled pixels and labels."""
    if not FASHION.exists():
        pytest.skip("Debian package dataset-fashion-mnist is not installed")
    table = read_idx(FASHION, limit=2000)
    X = StandardScaler().fit_transform(table.drop(columns="label").to_numpy(float))
    return X, table["label"].to_numpy()


def test_the_linear_rung_regularises_pixels_more_than_c_1(pixels) -> None:
    """On 784 pixels the C chosen inside the fit is small, and beats C = 1 on unseen images."""
    X, y = pixels
    fit, new = slice(0, 1500), slice(1500, None)
    with threadpool_limits(1):  # as in the ladder: one BLAS thread per fit
        tuned = TunedLogistic(class_weight="balanced").fit(X[fit], y[fit])
        plain = LogisticRegression(C=1.0, tol=1e-3, max_iter=2000, class_weight="balanced")
        plain.fit(X[fit], y[fit])
    assert tuned.C_ <= 0.1
    ours = balanced_accuracy_score(y[new], tuned.predict(X[new]))
    assert ours > balanced_accuracy_score(y[new], plain.predict(X[new]))
    np.testing.assert_allclose(tuned.predict_proba(X[new]).sum(axis=1), 1.0)


def test_the_inner_split_uses_only_the_rows_it_is_fitted_on(churn, prepare) -> None:
    """C is chosen on the fitting rows: the same rows give the same C, whatever else exists."""
    dataset, _, _ = prepare(churn, "churn")
    frame = pd.get_dummies(dataset.frame.select_dtypes("number").fillna(0)).to_numpy(float)
    X, y = StandardScaler().fit_transform(frame), dataset.y
    a = TunedLogistic().fit(X[:400], y[:400])
    b = TunedLogistic().fit(X[:400], y[:400])
    assert a.C_ == b.C_ and a.C_ in (0.001, 0.01, 0.1, 1.0)
    np.testing.assert_array_equal(a.predict_proba(X[400:]), b.predict_proba(X[400:]))
