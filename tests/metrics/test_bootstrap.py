"""Bootstrap intervals agree with brute-force row bootstraps at small n."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import precision_recall_curve

from mlplan.core.metrics import compare, policy_from_section
from mlplan.core.metrics.bootstrap import _rechosen_blocks, rechosen_replicates
from mlplan.core.metrics.constraints import parse_constraint
from mlplan.core.metrics.counts import score_curve
from mlplan.core.metrics.objective import count_function
from mlplan.core.metrics.operating_point import choose_candidate


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    s = np.round(rng.random(n) * 0.6 + y * 0.35, 2)  # tie-heavy
    return y, s


def _assert_same_distribution(ours, other, *, nan_share_tol):
    """Two sets of replicates agree: share of undefined ones, KS test, 2.5% and 97.5% quantiles."""
    assert abs(np.isnan(ours).mean() - np.isnan(other).mean()) < nan_share_tol
    a, b = ours[np.isfinite(ours)], other[np.isfinite(other)]
    assert stats.ks_2samp(a, b).pvalue > 0.001
    assert abs(np.quantile(a, 0.025) - np.quantile(b, 0.025)) < 0.03
    assert abs(np.quantile(a, 0.975) - np.quantile(b, 0.975)) < 0.03


def test_fixed_threshold_f1_matches_row_bootstrap():
    """Multinomial-count replicates have the same distribution as row resampling."""
    y, s = _data()
    pol = policy_from_section({"optimise": "f1"}, "binary")
    res = pol.evaluate(y, y_score=s, n_resamples=4000, seed=1)
    rng = np.random.default_rng(2)
    pred = s >= 0.5
    reps = []
    for _ in range(4000):
        i = rng.integers(0, y.size, y.size)
        tp = np.sum(y[i] & pred[i])
        reps.append(2 * tp / (y[i].sum() + pred[i].sum()))
    lo, hi = np.quantile(reps, [0.025, 0.975])
    assert abs(res.lo - lo) < 0.015 and abs(res.hi - hi) < 0.015


def test_rechosen_threshold_matches_brute_force():
    """Re-choosing the threshold per resample: same distribution as re-running the sklearn path."""
    y, s = _data()
    curve = score_curve(y, s)
    obj = count_function("recall")
    cons = [(parse_constraint("precision", ">= 0.8"), count_function("precision"))]
    ours, _ = rechosen_replicates(curve, obj, True, cons, 2000, np.random.default_rng(3))
    rng = np.random.default_rng(4)
    brute = []
    for _ in range(2000):
        i = rng.integers(0, y.size, y.size)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, r, _t = precision_recall_curve(y[i], s[i])
        ok = p[:-1] >= 0.8
        brute.append(r[:-1][ok].max() if ok.any() else np.nan)
    _assert_same_distribution(ours, np.array(brute), nan_share_tol=0.02)


def test_rechosen_blocks_exact_for_non_monotone():
    """A non-monotone objective (MCC) refines every block and still matches brute force in mean."""
    y, s = _data(200, 5)
    curve = score_curve(y, s)
    ours, _ = rechosen_replicates(
        curve, count_function("mcc"), True, [], 1500, np.random.default_rng(0)
    )
    rng = np.random.default_rng(1)
    brute = []
    for _ in range(1500):
        i = rng.integers(0, y.size, y.size)
        yy, ss = y[i], s[i]
        best = -np.inf
        for t in np.unique(ss):
            pr = ss >= t
            tp, fp = np.sum(yy & pr), np.sum(~yy & pr)
            fn, tn = np.sum(yy & ~pr), np.sum(~yy & ~pr)
            den = np.sqrt(float((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)))
            best = max(best, (tp * tn - fp * fn) / den if den else 0.0)
        brute.append(best)
    assert abs(np.mean(ours) - np.mean(brute)) < 0.01
    assert stats.ks_2samp(ours, brute).pvalue > 0.001


def test_bca_and_percentile_close_for_symmetric_case():
    """BCa runs from the cell jackknife and lands near the percentile interval."""
    y, s = _data(2000, 7)
    pol = policy_from_section({"optimise": "accuracy"}, "binary")
    p = pol.evaluate(y, y_score=s, seed=0)
    b = pol.evaluate(y, y_score=s, seed=0, method="bca")
    assert abs(p.lo - b.lo) < 0.01 and abs(p.hi - b.hi) < 0.01 and b.lo < b.value < b.hi


def test_paired_compare_matches_row_bootstrap():
    """Joint-cell multinomial interval of dF1 agrees with paired row resampling; McNemar p."""
    rng = np.random.default_rng(0)
    n = 400
    y = rng.random(n) < 0.3
    a = rng.random(n) * 0.6 + y * 0.3
    b = rng.random(n) * 0.6 + y * 0.4
    c = compare(y, a, b, n_resamples=4000, seed=1)
    pa, pb = a >= 0.5, b >= 0.5

    def f1(yy, pp):
        return 2 * np.sum(yy & pp) / (yy.sum() + pp.sum())

    reps = []
    for _ in range(4000):
        i = rng.integers(0, n, n)
        reps.append(f1(y[i], pb[i]) - f1(y[i], pa[i]))
    lo, hi = np.quantile(reps, [0.025, 0.975])
    assert abs(c.lo - lo) < 0.015 and abs(c.hi - hi) < 0.015
    n01 = np.sum((pa == y) & (pb != y))
    n10 = np.sum((pa != y) & (pb == y))
    assert (
        c.p_value == stats.binomtest(int(min(n01, n10)), int(n01 + n10), 0.5).pvalue
        or abs(c.p_value - stats.binomtest(int(min(n01, n10)), int(n01 + n10), 0.5).pvalue) < 1e-12
    )


def _brute_rechosen(y, s, obj, cons, b, seed):
    """Re-run the exact full-sort choice on b row resamples."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(b):
        i = rng.integers(0, y.size, y.size)
        c = score_curve(y[i], s[i])
        k = choose_candidate(c.tps, c.fps, c.n_pos, c.n_neg, obj, True, cons)
        if k is None:
            out.append(np.nan)
            continue
        tp, fp = np.float64(c.tps[k]), np.float64(c.fps[k])
        out.append(float(obj(tp, fp, c.n_neg - fp, c.n_pos - tp)))
    return np.array(out)


@pytest.mark.parametrize(
    ("optimise", "spec"),
    [
        ("f1", {}),
        ("specificity", {"recall": ">= 0.7"}),
        ("precision", {"recall": ">= 0.5"}),
        ("accuracy", {"recall": ">= 0.9", "precision": ">= 0.5"}),
        ("balanced_accuracy", {"precision": "<= 0.7"}),
    ],
)
def test_tree_bootstrap_matches_brute_force(optimise, spec):
    """The branch-and-bound tree (monotone metrics) has the brute-force distribution."""
    y, s = _data()
    curve = score_curve(y, s)
    obj = count_function(optimise)
    cons = [(parse_constraint(k, v), count_function(k)) for k, v in spec.items()]
    ours, idx = rechosen_replicates(curve, obj, True, cons, 3000, np.random.default_rng(5))
    assert ((idx >= 0) == np.isfinite(ours)).all() and idx.max() < curve.size
    blocks, _ = _rechosen_blocks(curve, obj, True, cons, 3000, np.random.default_rng(6), 256)
    brute = _brute_rechosen(y, s, obj, cons, 1500, 7)
    for other in (blocks, brute):
        _assert_same_distribution(ours, other, nan_share_tol=0.05)


def test_tree_index_is_deepest_tie():
    """With recall and no constraint every resample reaches 1.0 at the deepest present group."""
    y, s = _data(50, 9)
    curve = score_curve(y, s)
    vals, idx = rechosen_replicates(
        curve, count_function("recall"), True, [], 500, np.random.default_rng(0)
    )
    assert (vals == 1.0).all()
    # the deepest present group is the last one unless the resample missed it
    assert np.mean(idx == curve.size - 1) > 0.5 and (idx <= curve.size - 1).all()
