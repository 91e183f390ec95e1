"""One hypothesis per number: the p-value agrees with the interval beside it, and the power
statement (resolution, rows needed) behaves as the paired variance says."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlplan.core.gate.evidence import p_value, resolution, rows_needed, standard_error
from mlplan.core.metrics import paired_table
from mlplan.records.paired import PairedModel, PairedResult


@pytest.fixture(scope="module")
def cancer() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y = load_breast_cancer(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)
    scores = []
    for c in (1.0, 0.01):
        model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
        scores.append(model.fit(x_tr, y_tr).predict_proba(x_te)[:, 1])
    return y_te, scores[0], scores[1]


@pytest.fixture(scope="module")
def diabetes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y = load_diabetes(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0)
    preds = [Ridge(alpha=a).fit(x_tr, y_tr).predict(x_te) for a in (0.1, 3.0)]
    return y_te, preds[0], preds[1]


def _comparisons(cancer, diabetes) -> list[PairedResult]:  # type: ignore[no-untyped-def]
    y, a, b = cancer
    binary = paired_table(
        y,
        PairedModel(name="b", pred=b >= 0.5, score=b),
        [PairedModel(name="a", pred=a >= 0.5, score=a)],
        metrics=["f1", "accuracy", "roc_auc", "average_precision", "log_loss"],
        n_resamples=999,
        seed=1,
    )
    yr, ra, rb = diabetes
    regression = paired_table(
        yr,
        PairedModel(name="b", pred=rb),
        [PairedModel(name="a", pred=ra)],
        metrics=["rmse", "mae", "r2", "mape"],
        task="regression",
        n_resamples=999,
        seed=1,
    )
    return [*binary, *regression]


def test_p_below_alpha_exactly_when_the_interval_excludes_the_null(cancer, diabetes) -> None:  # type: ignore[no-untyped-def]
    """Bootstrap (joint cells and rows) and DeLong, higher- and lower-is-better metrics: at
    every null value p < 1 - confidence iff the null lies outside [lo, hi]."""
    for c in _comparisons(cancer, diabetes):
        assert c.lo is not None and c.hi is not None
        width = c.hi - c.lo
        nulls = np.linspace(c.lo - width, c.hi + width, 61)
        for null in nulls:
            if min(abs(null - c.lo), abs(null - c.hi)) < 1e-9 * max(1.0, abs(null)):
                continue
            p = p_value(c, float(null), 0.95)
            assert p is not None
            outside = null < c.lo or null > c.hi
            assert (p < 0.05) == outside, (c.metric, c.test, null, c.lo, c.hi, p)


def test_p_values_are_the_same_statistic_and_direction(cancer) -> None:  # type: ignore[no-untyped-def]
    """DeLong at 0 is the engine's own DeLong p; the bootstrap p is twice the smaller share of
    resampled differences on either side of the null (to one resample)."""
    y, a, b = cancer
    auc, f1 = paired_table(
        y,
        PairedModel(name="b", pred=b >= 0.5, score=b),
        [PairedModel(name="a", pred=a >= 0.5, score=a)],
        metrics=["roc_auc", "f1"],
        n_resamples=2000,
        seed=3,
    )
    assert auc.test == "delong" and auc.p_value is not None
    assert p_value(auc, 0.0, 0.95) == pytest.approx(auc.p_value, rel=1e-9)
    draws = np.asarray(f1.draws)
    for null in (-0.02, 0.0, f1.difference, 0.01):
        brute = 2 * min(np.mean(draws <= null), np.mean(draws >= null))
        assert abs(min(brute, 1.0) - p_value(f1, null, 0.95)) <= 2.0 / draws.size


def test_a_lower_is_better_metric_is_oriented_positive_is_better(diabetes) -> None:  # type: ignore[no-untyped-def]
    """RMSE: the model with the lower error has a positive change, and its draws agree."""
    y, a, b = diabetes
    (c,) = paired_table(
        y,
        PairedModel(name="b", pred=b),
        [PairedModel(name="a", pred=a)],
        metrics=["rmse"],
        task="regression",
        n_resamples=500,
    )
    rmse = [float(np.sqrt(np.mean((y - p) ** 2))) for p in (a, b)]
    assert c.difference == pytest.approx(rmse[0] - rmse[1], rel=1e-12)
    assert np.median(c.draws) == pytest.approx(c.difference, abs=3 * (c.hi - c.lo))


def test_resolution_and_rows_needed_follow_the_paired_variance(cancer) -> None:  # type: ignore[no-untyped-def]
    """The resolution shrinks like 1/sqrt(n) (four copies of the rows: about half), and the
    rows needed are n ((z + z_power) se / margin)^2 -- the same on either copy."""
    y, a, b = cancer

    def f1(k: int) -> PairedResult:
        (c,) = paired_table(
            np.tile(y, k),
            PairedModel(name="b", pred=np.tile(b >= 0.5, k)),
            [PairedModel(name="a", pred=np.tile(a >= 0.5, k))],
            metrics=["f1"],
            n_resamples=4000,
            seed=5,
        )
        return c

    one, four = f1(1), f1(4)
    r1, r4 = resolution(one), resolution(four)
    assert r1 is not None and r4 is not None
    assert r4 == pytest.approx(r1 / 2, rel=0.15)
    se = standard_error(one, 0.95)
    assert se is not None
    expected = one.n * ((norm.ppf(0.975) + norm.ppf(0.9)) * se / 0.01) ** 2
    assert rows_needed(one, 0.01, 0.95, 0.9) == int(np.ceil(expected))
    n1, n4 = rows_needed(one, 0.01, 0.95, 0.9), rows_needed(four, 0.01, 0.95, 0.9)
    assert n1 is not None and n4 is not None and n4 == pytest.approx(n1, rel=0.3)
    assert rows_needed(one, 0.0, 0.95, 0.9) is None
