"""paired_table: one call, several metrics, several opponents -- against sklearn and brute force.

Real data: breast cancer (binary), wine (multiclass), diabetes (regression), each
with two models of different strength scored on the same held-out rows.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    cohen_kappa_score,
    f1_score,
    fbeta_score,
    log_loss,
    matthews_corrcoef,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_pinball_loss,
    mean_squared_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import mlplan.core.metrics.paired_draws as paired_module
from mlplan.core.metrics import compare, mcnemar_counts, paired_table, policy_from_section
from mlplan.errors import MetricError
from mlplan.records.paired import PairedModel


def _classifiers(load, columns=(None, 4)):  # type: ignore[no-untyped-def]
    x, y = load(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)
    out = []
    for cols in columns:
        sl = slice(None) if cols is None else slice(0, cols)
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=2000))
        out.append(model.fit(x_tr[:, sl], y_tr).predict_proba(x_te[:, sl]))
    return y_te, out


@pytest.fixture(scope="module")
def cancer() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, (strong, weak) = _classifiers(load_breast_cancer)
    return y, strong[:, 1], weak[:, 1]


@pytest.fixture(scope="module")
def wine() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, (strong, weak) = _classifiers(load_wine, (None, 2))
    return y, strong, weak


@pytest.fixture(scope="module")
def diabetes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y = load_diabetes(return_X_y=True)
    strong = Ridge(alpha=0.1).fit(x[:250], y[:250]).predict(x[250:])
    weak = Ridge(alpha=30.0).fit(x[:250, :3], y[:250]).predict(x[250:, :3])
    return y[250:], strong, weak


def _by_metric(results):  # type: ignore[no-untyped-def]
    return {r.metric: r for r in results}


# ----------------------------------------------------------------- point values
def test_binary_point_values_equal_sklearn(cancer) -> None:  # type: ignore[no-untyped-def]
    """Every binary metric, at each model's own threshold, equals scikit-learn to 1e-12."""
    y, a, b = cancer
    ta, tb = 0.3, 0.6
    la, lb = a >= ta, b >= tb
    sk = {
        "precision": precision_score,
        "recall": recall_score,
        "f1": f1_score,
        "accuracy": accuracy_score,
        "balanced_accuracy": balanced_accuracy_score,
        "mcc": matthews_corrcoef,
        "kappa": cohen_kappa_score,
    }
    scored = {
        "roc_auc": roc_auc_score,
        "average_precision": average_precision_score,
        "log_loss": log_loss,
        "brier": brier_score_loss,
    }
    found = _by_metric(
        paired_table(
            y,
            PairedModel(name="b", score=b, threshold=tb),
            [PairedModel(name="a", score=a, threshold=ta)],
            metrics=[*sk, *scored, "fbeta"],
            beta=2.0,
            n_resamples=50,
        )
    )
    for name, fn in sk.items():
        assert abs(found[name].value_a - fn(y, la)) < 1e-12, name
        assert abs(found[name].value_b - fn(y, lb)) < 1e-12, name
        assert found[name].test == "mcnemar"
    for name, fn in scored.items():
        assert abs(found[name].value_a - fn(y, a)) < 1e-12, name
        assert abs(found[name].value_b - fn(y, b)) < 1e-12, name
    assert abs(found["fbeta"].value_b - fbeta_score(y, lb, beta=2.0)) < 1e-12
    assert found["roc_auc"].test == "delong"
    assert found["log_loss"].test == found["average_precision"].test == "bootstrap"


def test_multiclass_and_regression_point_values_equal_sklearn(wine, diabetes) -> None:  # type: ignore[no-untyped-def]
    """Macro F1, log loss, Brier, one-vs-rest ROC AUC (wine) and regression losses (diabetes)."""
    y, a, b = wine
    found = _by_metric(
        paired_table(
            y,
            PairedModel(name="b", pred=b.argmax(axis=1), score=b),
            [PairedModel(name="a", pred=a.argmax(axis=1), score=a)],
            metrics=["f1", "accuracy", "log_loss", "brier", "roc_auc"],
            task="multiclass",
            n_resamples=50,
        )
    )
    onehot = np.eye(3)[y]
    assert abs(found["f1"].value_b - f1_score(y, b.argmax(axis=1), average="macro")) < 1e-12
    assert abs(found["accuracy"].value_a - accuracy_score(y, a.argmax(axis=1))) < 1e-12
    assert abs(found["log_loss"].value_b - log_loss(y, b)) < 1e-12
    assert abs(found["brier"].value_b - np.mean(np.sum((b - onehot) ** 2, axis=1))) < 1e-12
    assert abs(found["roc_auc"].value_b - roc_auc_score(y, b, multi_class="ovr")) < 1e-12
    y, s, w = diabetes
    found = _by_metric(
        paired_table(
            y,
            PairedModel(name="strong", pred=s),
            [PairedModel(name="weak", pred=w)],
            metrics=["mae", "mse", "rmse", "r2", "mape", "quantile_loss"],
            task="regression",
            n_resamples=50,
        )
    )
    sk = {
        "mae": mean_absolute_error,
        "mse": mean_squared_error,
        "rmse": lambda t, p: np.sqrt(mean_squared_error(t, p)),
        "r2": r2_score,
        "mape": mean_absolute_percentage_error,
        "quantile_loss": lambda t, p: mean_pinball_loss(t, p, alpha=0.5),
    }
    for name, fn in sk.items():
        assert abs(found[name].value_b - fn(y, s)) < 1e-12 * max(1.0, abs(fn(y, s))), name
        assert abs(found[name].value_a - fn(y, w)) < 1e-12 * max(1.0, abs(fn(y, w))), name
        # lower-is-better losses are oriented: positive difference = the candidate is better
        raw = found[name].value_b - found[name].value_a
        assert found[name].difference == (raw if name == "r2" else -raw)
        assert found[name].difference > 0 and found[name].better


# ------------------------------------------------------ brute-force bootstraps
def _brute(y, a, b, fn, seed, n_resamples, confidence=0.9):  # type: ignore[no-untyped-def]
    """Paired row bootstrap by hand, drawing the rows exactly as paired_table documents."""
    rows = np.random.default_rng(seed).integers(0, y.size, size=(n_resamples, y.size))
    diffs = np.array([fn(y[i], b[i]) - fn(y[i], a[i]) for i in rows])
    alpha = (1 - confidence) / 2
    return np.quantile(diffs, [alpha, 1 - alpha])


def _small(cancer, n=60):  # type: ignore[no-untyped-def]
    y, a, b = cancer
    pos, neg = np.flatnonzero(y == 1)[: n // 2], np.flatnonzero(y == 0)[: n // 2]
    i = np.sort(np.concatenate([pos, neg]))
    return y[i], a[i], b[i]


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("average_precision", average_precision_score),
        ("log_loss", lambda t, p: log_loss(t, p, labels=[0, 1])),
        ("brier", brier_score_loss),
    ],
)
def test_row_bootstrap_equals_brute_force_at_small_n(cancer, name, fn) -> None:  # type: ignore[no-untyped-def]
    """Threshold-free probability metrics: the weighted-row replicates are the metric of the
    drawn rows, so the interval equals a hand-made paired bootstrap on the same rows."""
    y, a, b = _small(cancer)
    (r,) = paired_table(
        y,
        PairedModel(name="b", score=b),
        [PairedModel(name="a", score=a)],
        metrics=[name],
        n_resamples=300,
        confidence=0.9,
        seed=11,
    )
    lo, hi = _brute(y, a, b, fn, 11, 300)
    _, raw_lo, raw_hi = r.unoriented()
    assert raw_lo is not None and raw_hi is not None
    assert abs(raw_lo - lo) < 1e-12 and abs(raw_hi - hi) < 1e-12
    assert r.test == "bootstrap" and r.p_value is None


def test_regression_row_bootstrap_equals_brute_force(diabetes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """R² and RMSE intervals equal the hand-made paired bootstrap, also when the
    resamples are drawn in several bounded-memory chunks."""
    y, s, w = diabetes
    y, s, w = y[:50], s[:50], w[:50]
    monkeypatch.setattr(paired_module, "ROW_CHUNK_CELLS", 50 * 7)  # chunks of 7 resamples
    found = _by_metric(
        paired_table(
            y,
            PairedModel(name="s", pred=s),
            [PairedModel(name="w", pred=w)],
            metrics=["r2", "rmse"],
            task="regression",
            n_resamples=200,
            confidence=0.9,
            seed=4,
        )
    )
    for name, fn in (("r2", r2_score), ("rmse", lambda t, p: np.sqrt(mean_squared_error(t, p)))):
        lo, hi = _brute(y, w, s, fn, 4, 200)
        _, raw_lo, raw_hi = found[name].unoriented()
        assert raw_lo is not None and raw_hi is not None
        assert abs(raw_lo - lo) < 1e-9 and abs(raw_hi - hi) < 1e-9, name


def test_mixed_policy_value_bootstrap_equals_brute_force(cancer) -> None:  # type: ignore[no-untyped-def]
    """mean(roc_auc, f1) mixes a ranking metric in: a paired row bootstrap of the policy
    value, equal to re-evaluating the policy on each drawn set of rows."""
    y, a, b = _small(cancer)
    policy = policy_from_section({"average": ["roc_auc", "f1"]}, "binary")
    (r,) = paired_table(
        y,
        PairedModel(name="b", score=b, threshold=0.5),
        [PairedModel(name="a", score=a, threshold=0.5)],
        metrics=[policy],
        n_resamples=200,
        confidence=0.9,
        seed=2,
    )

    def value(t, p):  # type: ignore[no-untyped-def]
        return policy.evaluate(t, y_pred=p >= 0.5, y_score=p, n_resamples=0).value

    lo, hi = _brute(y, a, b, value, 2, 200)
    assert r.metric == "mean(roc_auc, f1)" and r.test == "bootstrap"
    assert abs(r.value_b - value(y, b)) < 1e-12 and abs(r.value_a - value(y, a)) < 1e-12
    assert abs(r.lo - lo) < 1e-12 and abs(r.hi - hi) < 1e-12


@pytest.mark.parametrize(
    "section",
    [
        {"weighted": {"precision": 0.7, "recall": 0.3}},
        {"fbeta": 0.5},
        {"formula": "0.8*recall - 0.2*fp/n"},
    ],
)
def test_count_policy_bootstrap_matches_row_bootstrap(cancer, section) -> None:  # type: ignore[no-untyped-def]
    """Weighted, F-beta and formula policies go through the joint cells; their interval
    agrees in distribution with a brute-force paired row bootstrap of the policy value."""
    y, a, b = cancer
    policy = policy_from_section(section, "binary")
    (r,) = paired_table(
        y,
        PairedModel(name="b", pred=b >= 0.5),
        [PairedModel(name="a", pred=a >= 0.5)],
        metrics=[policy],
        n_resamples=3000,
        seed=1,
    )

    def value(t, p):  # type: ignore[no-untyped-def]
        return policy.evaluate(t, y_pred=p >= 0.5, n_resamples=0).value

    lo, hi = _brute(y, a, b, value, 5, 1500, confidence=0.95)
    assert r.test == "mcnemar" and "policy value" in r.note
    assert abs(r.value_b - value(y, b)) < 1e-12
    assert abs(r.lo - lo) < 0.012 and abs(r.hi - hi) < 0.012


# ---------------------------------------------------------- shared draws, records
def test_one_call_equals_compare_for_every_opponent(cancer, wine) -> None:  # type: ignore[no-untyped-def]
    """Several opponents, several metrics: each row is compare()'s answer for that pair,
    BCa included; multiclass K³ cells too."""
    y, a, b = cancer
    c = (a + b) / 2
    results = paired_table(
        y,
        PairedModel(name="b", score=b, threshold=0.4),
        [PairedModel(name="a", score=a, threshold=0.6), PairedModel(name="c", score=c)],
        metrics=["f1", "mcc", "roc_auc"],
        n_resamples=400,
        seed=7,
        method="bca",
    )
    assert [(r.opponent, r.metric) for r in results] == [
        ("a", "f1"), ("a", "mcc"), ("a", "roc_auc"), ("c", "f1"), ("c", "mcc"), ("c", "roc_auc"),
    ]  # fmt: skip
    for r in results:
        other, t = (a, 0.6) if r.opponent == "a" else (c, 0.5)
        want = compare(y, other, b, metric=r.metric, threshold=(t, 0.4), n_resamples=400, seed=7,
                       method="bca")  # fmt: skip
        got = r
        assert (got.value_a, got.value_b, got.lo, got.hi, got.p_value) == (
            want.value_a, want.value_b, want.lo, want.hi, want.p_value
        )  # fmt: skip
    y, sa, sb = wine
    (r,) = paired_table(
        y, PairedModel(name="b", pred=sb.argmax(1)), [PairedModel(name="a", pred=sa.argmax(1))],
        metrics=["f1"], task="multiclass", averaging="weighted", n_resamples=300, seed=3,
    )  # fmt: skip
    want = compare(y, sa.argmax(1), sb.argmax(1), metric="f1", task="multiclass",
                   averaging="weighted", n_resamples=300, seed=3)  # fmt: skip
    assert (r.lo, r.hi, r.p_value) == (want.lo, want.hi, want.p_value)


def test_mcnemar_counts_and_candidate_interval(cancer) -> None:  # type: ignore[no-untyped-def]
    """McNemar from discordant counts equals the exact binomial test; the candidate's own
    interval comes from the same draws and brackets its value."""
    assert mcnemar_counts(0, 0) == 1.0
    for n01, n10 in ((3, 9), (10, 10), (0, 6), (25, 11)):
        want = stats.binomtest(min(n01, n10), n01 + n10, 0.5).pvalue
        assert abs(mcnemar_counts(n01, n10) - want) < 1e-12
    y, a, b = cancer
    for r in paired_table(y, PairedModel(name="b", score=b), [PairedModel(name="a", score=a)],
                          metrics=["recall", "roc_auc", "brier"], n_resamples=500):  # fmt: skip
        assert r.candidate_lo is not None and r.candidate_hi is not None
        assert r.candidate_lo <= r.value_b <= r.candidate_hi, r.metric


def test_errors_are_recorded_or_raised(cancer) -> None:  # type: ignore[no-untyped-def]
    """A metric that cannot be compared is one record with ``error`` (the others still come
    back), or a MetricError with errors="raise"; bad inputs always raise."""
    y, a, b = cancer
    labels_only = PairedModel(name="a", pred=(a >= 0.5).astype(int))
    results = paired_table(
        y,
        PairedModel(name="b", score=b, costs={"latency_ms": 3.0}),
        [labels_only],
        metrics=["f1", "roc_auc", "latency_ms", "mae"],
        n_resamples=100,
        errors="record",
    )
    errors = {r.metric: r.error for r in results}
    assert errors["f1"] is None
    assert "roc_auc needs scores" in (errors["roc_auc"] or "")
    assert "latency_ms" in (errors["latency_ms"] or "")
    assert "unknown metric 'mae' for a binary task" in (errors["mae"] or "")
    with pytest.raises(MetricError, match="roc_auc needs scores"):
        paired_table(y, PairedModel(name="b", score=b), [labels_only], metrics=["roc_auc"])
    with pytest.raises(MetricError, match="same number of rows"):
        paired_table(y, PairedModel(name="b", score=b[:-1]), [labels_only], metrics=["f1"])
