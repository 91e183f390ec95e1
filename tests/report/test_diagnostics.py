"""Diagnostics are scikit-learn's numbers: curves, confusion, calibration and per-class scores."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
)
from sklearn.metrics import roc_curve as sk_roc_curve

from mlplan.core.metrics.constraints import parse_constraint
from mlplan.core.metrics.diagnostics import (
    ModelPredictions,
    calibration,
    constraint_lines,
    diagnose_run,
    pr_curve,
    roc_curve,
)


@pytest.fixture
def binary() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    y = rng.random(2_000) < 0.3
    score = np.clip(0.3 * y + rng.normal(0.35, 0.2, y.size), 0, 1).round(3)  # ties on purpose
    return y, score


def test_the_precision_recall_curve_is_scikit_learns_point_for_point(binary) -> None:
    y, score = binary
    precision, recall, thresholds = precision_recall_curve(y, score)
    curve = pr_curve(y, score)
    np.testing.assert_array_equal(curve.precision, precision)
    np.testing.assert_array_equal(curve.recall, recall)
    np.testing.assert_array_equal(curve.thresholds, thresholds)
    assert curve.average_precision == pytest.approx(average_precision_score(y, score), abs=1e-12)
    assert curve.n_points == precision.size


def test_the_roc_curve_is_scikit_learns_point_for_point(binary) -> None:
    y, score = binary
    fpr, tpr, thresholds = sk_roc_curve(y, score, drop_intermediate=False)
    curve = roc_curve(y, score)
    np.testing.assert_array_equal(curve.fpr, fpr)
    np.testing.assert_array_equal(curve.tpr, tpr)
    np.testing.assert_array_equal(curve.thresholds, thresholds)
    assert curve.auc == pytest.approx(roc_auc_score(y, score), abs=1e-12)


def test_a_thinned_curve_keeps_exact_points_and_both_ends() -> None:
    rng = np.random.default_rng(0)
    y = rng.random(20_000) < 0.2
    score = rng.random(y.size) + 0.3 * y
    precision, recall, _ = precision_recall_curve(y, score)
    curve = pr_curve(y, score, max_points=200)
    assert len(curve.precision) <= 200
    assert curve.n_points == precision.size
    assert len(curve.thresholds) == len(curve.precision) - 1
    exact = set(zip(recall.tolist(), precision.tolist(), strict=True))
    assert set(zip(curve.recall, curve.precision, strict=True)) <= exact
    assert (curve.recall[0], curve.precision[0]) == (recall[0], precision[0])
    assert (curve.recall[-1], curve.precision[-1]) == (0.0, 1.0)
    fpr, tpr, _ = sk_roc_curve(y, score, drop_intermediate=False)
    roc = roc_curve(y, score, max_points=200)
    assert (roc.fpr[0], roc.tpr[0], roc.fpr[-1], roc.tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert set(zip(roc.fpr, roc.tpr, strict=True)) <= set(
        zip(fpr.tolist(), tpr.tolist(), strict=True)
    )


def test_calibration_bins_are_scikit_learns_with_their_counts(binary) -> None:
    y, score = binary
    observed, predicted = calibration_curve(y, score, n_bins=10, strategy="uniform")
    bins = calibration(y, score, n_bins=10)
    np.testing.assert_allclose(bins.observed, observed, rtol=0, atol=1e-12)
    np.testing.assert_allclose(bins.mean_predicted, predicted, rtol=0, atol=1e-12)
    assert sum(bins.counts) == y.size
    assert all(isinstance(c, int) for c in bins.counts)


def test_the_confusion_at_the_operating_point_is_score_at_or_above_the_threshold(binary) -> None:
    y, score = binary
    threshold = float(np.quantile(score, 0.7))
    run = diagnose_run(
        y.astype(int),
        [ModelPredictions(name="m", source="rung", pred=None, score=score, threshold=threshold)],
        task="binary",
        labels=[False, True],
        positive="True",
    )
    model = run.models[0]
    expected = confusion_matrix(y, score >= threshold)
    assert model.confusion == tuple(map(tuple, expected.tolist()))
    (tn, fp), (fn, tp) = expected
    assert model.mark is not None
    assert model.mark.precision == pytest.approx(tp / (tp + fp))
    assert model.mark.recall == pytest.approx(tp / (tp + fn))
    assert model.mark.fpr == pytest.approx(fp / (fp + tn))
    assert run.n_positive == int(y.sum())


def test_per_class_scores_are_precision_recall_fscore_support() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 600)
    pred = np.where(rng.random(600) < 0.6, np.minimum(y, 2), rng.integers(0, 3, 600))  # never 3
    run = diagnose_run(
        y,
        [ModelPredictions(name="m", source="model", pred=pred)],
        task="multiclass",
        labels=["a", "b", "c", "<d>"],
    )
    model = run.models[0]
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=[0, 1, 2, 3], zero_division=np.nan)
    assert [c.label for c in model.per_class] == ["a", "b", "c", "<d>"]
    for k, scores in enumerate(model.per_class):
        assert scores.support == s[k]
        assert scores.recall == pytest.approx(r[k])
        assert scores.f1 == pytest.approx(f[k])
    assert model.per_class[3].precision is None  # never predicted: undefined, not 0
    assert [c.precision for c in model.per_class[:3]] == pytest.approx(p[:3].tolist())
    assert model.confusion == tuple(map(tuple, confusion_matrix(y, pred).tolist()))
    assert model.pr is None and model.calibration is None


def test_a_precision_bound_is_a_ray_through_the_origin_of_the_roc_chart() -> None:
    (line,) = constraint_lines([parse_constraint("precision", ">= 0.5")], 100, 300)
    assert line.text == "precision >= 0.5"
    assert line.pr == ((0.0, 0.5), (1.0, 0.5))
    # precision 0.5 with P=100, N=300: tp = fp, i.e. 100 tpr = 300 fpr
    (x0, y0), (x1, y1) = line.roc
    assert (x0, y0) == (0.0, 0.0)
    assert 100 * y1 == pytest.approx(300 * x1)
    (recall,) = constraint_lines([parse_constraint("recall", ">= 0.8")], 100, 300)
    assert recall.pr == ((0.8, 0.0), (0.8, 1.0)) and recall.roc == ((0.0, 0.8), (1.0, 0.8))


def test_a_model_with_labels_only_gets_a_confusion_but_no_curves() -> None:
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    pred = np.array([0, 1, 0, 0, 1, 1, 0, 1])
    run = diagnose_run(
        y, [ModelPredictions(name="rule", source="rung", pred=pred)], task="binary", labels=[0, 1]
    )
    model = run.models[0]
    assert model.confusion == ((3, 1), (1, 3))
    assert model.pr is None and model.roc is None and model.mark is None
    assert "labels only" in model.note
