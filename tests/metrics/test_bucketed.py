"""The bucket-pruned operating point equals the full-sort one (and scikit-learn's) bit for bit."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pytest
from _reference import sklearn_path
from hypothesis import given, settings
from hypothesis import strategies as st

from mlplan.core.metrics import bucketed, operating_point
from mlplan.core.metrics.bucketed import bucket_counts, bucketed_curve
from mlplan.core.metrics.constraints import parse_constraint
from mlplan.core.metrics.counts import score_curve
from mlplan.core.metrics.objective import count_function
from mlplan.core.metrics.operating_point import choose_candidate

MONOTONE = ["recall", "precision", "f1", "accuracy", "balanced_accuracy", "specificity", "npv"]


def _f32(pattern: int) -> float:
    return float(np.array([pattern], dtype=np.uint32).view(np.float32)[0])


# float32 values on both sides of bucket borders at several widths, around zero, subnormals
BORDER = sorted(
    {
        _f32(p)
        for b in (1, 4, 8, 16)
        for base in (0x3F000000, 0x3F400000, 0x3F7F0000, 0xBF000000, 0x00000000, 0x80000000)
        for p in (base, base + (1 << (32 - b)) - 1, base + (1 << (32 - b)), base - 1)
        if 0 <= p < 1 << 32 and np.isfinite(_f32(p))
    }
    | {0.0, -0.0, 1e-45, -1e-45, 0.5, 1.0, -1.0}
)


@contextmanager
def forced_pruning():
    """Let operating_point prune at any size."""
    old = bucketed.MIN_ROWS
    bucketed.MIN_ROWS = 0
    try:
        yield
    finally:
        bucketed.MIN_ROWS = old


def choose(curve, optimise, cons):
    obj = count_function(optimise)
    i = choose_candidate(curve.tps, curve.fps, curve.n_pos, curve.n_neg, obj, True, cons)
    if i is None:
        return None
    return curve.thresholds[i].tobytes(), int(curve.tps[i]), int(curve.fps[i])


def constraints(spec):
    return [(parse_constraint(k, v), count_function(k)) for k, v in spec.items()]


@st.composite
def cases(draw):
    n = draw(st.integers(1, 60))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    pool = draw(st.sampled_from(["border", "free", "ties"]))
    if pool == "border":
        s = draw(st.lists(st.sampled_from(BORDER), min_size=n, max_size=n))
    elif pool == "free":
        s = draw(st.lists(st.floats(-4, 4, width=32), min_size=n, max_size=n))
    else:
        s = draw(st.lists(st.sampled_from([-0.0, 0.0, 0.25, 0.5, 0.75]), min_size=n, max_size=n))
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    optimise = draw(st.sampled_from(MONOTONE))
    spec = {}
    for name in draw(st.lists(st.sampled_from(MONOTONE), max_size=2, unique=True)):
        op = draw(st.sampled_from([">=", "<="]))
        spec[name] = f"{op} {draw(st.sampled_from([0.0, 0.3, 0.5, 2 / 3, 0.9, 1.0]))!r}"
    bits = draw(st.sampled_from([1, 2, 4, 8, 12, 16]))
    return np.array(y, dtype=bool), np.array(s, dtype=dtype), optimise, spec, bits


@settings(max_examples=300, deadline=None)
@given(cases())
def test_pruned_choice_equals_full_sort(case):
    """Any monotone objective and constraints, any bucket width: same threshold and counts."""
    y, s, optimise, spec, bits = case
    cons = constraints(spec)
    obj = count_function(optimise)
    part = bucketed_curve(y, s, obj, True, cons, bits=bits, min_rows=0)
    full = choose(score_curve(y, s), optimise, cons)
    if part is None:
        return
    assert part.n_pos == int(y.sum()) and part.n_neg == int((~y).sum())
    assert choose(part, optimise, cons) == full


@settings(max_examples=150, deadline=None)
@given(cases())
def test_forced_pruning_matches_sklearn(case):
    """operating_point on the pruned path reproduces precision_recall_curve's selection."""
    y, s, _, _, _ = case
    if not y.any():
        return
    for bound in (0.5, 0.9):
        ref = sklearn_path(y, s, bound)
        with forced_pruning():
            op = operating_point(y, s, subject_to={"precision": f">= {bound}"})
        if ref is None:
            assert op.threshold is None
            continue
        assert op.threshold.tobytes() == np.asarray(ref[0], dtype=s.dtype).tobytes()
        assert op.metrics["recall"] == ref[1] and op.metrics["precision"] == ref[2]


def test_counts_merge_signed_zeros_and_keep_order():
    """-0.0 and +0.0 share a bucket; buckets run from the highest score down."""
    s = np.array([-0.0, 0.0, 1e-45, -1e-45, 2.0, -2.0], dtype=np.float32)
    y = np.array([1, 0, 1, 0, 1, 0], dtype=bool)
    neg, pos = bucket_counts(y, s, 16)
    live = np.flatnonzero(neg + pos)
    assert len(live) == 3  # 2.0 | the zero bucket (±0, ±1e-45) | -2.0
    assert (pos[live].tolist(), neg[live].tolist()) == ([1, 2, 0], [0, 2, 1])


@pytest.mark.parametrize("last", [-0.0, 0.0])
def test_signed_zero_representative_on_pruned_path(last):
    """A tied ±0 threshold is the last zero in input order, as scikit-learn keeps it."""
    rng = np.random.default_rng(0)
    n = 300_000
    y = rng.random(n) < 0.1
    s = np.where(y, 1.0, rng.uniform(-3, -1, n)).astype(np.float32)
    zeros = rng.random(n) < 0.01
    s[zeros] = rng.choice(np.array([-0.0, 0.0], dtype=np.float32), int(zeros.sum()))
    s[-1] = last
    y[s == 0] = True  # all zeros positive: the deepest precision-1 threshold is the zero
    assert bucketed_curve(y, s, count_function("recall"), True, constraints({"precision": ">= 1"}))
    op = operating_point(y, s, subject_to={"precision": ">= 1.0"})
    ref = sklearn_path(y.astype(int), s, 1.0)
    assert op.threshold.tobytes() == np.float32(last).tobytes() == ref[0].tobytes()


def test_many_rows_in_one_bucket():
    """Rows crowded in one bucket (heavy ties): the range is sorted exactly, or the full sort runs."""
    rng = np.random.default_rng(1)
    n = 400_000
    y = rng.random(n) < 0.1
    s = np.round(rng.normal(0, 1, n) + 2.2 * y, 2).astype(np.float32)
    s[: n // 2] = np.float32(0.5) + np.float32(2**-10) * rng.integers(0, 4, n // 2)  # one bucket
    for bound in (0.6, 0.9, 0.99):
        op = operating_point(y, s, subject_to={"precision": f">= {bound}"})
        t, r, p = sklearn_path(y.astype(int), s, bound)
        assert op.threshold.tobytes() == t.tobytes()
        assert (op.metrics["recall"], op.metrics["precision"]) == (r, p)
    crowded = np.full(n, 0.5, dtype=np.float32) + np.float32(2**-20) * rng.integers(0, 50, n)
    obj, cons = count_function("recall"), constraints({"precision": ">= 0.1"})
    assert bucketed_curve(y, crowded, obj, True, cons) is None  # > half the rows: full sort
    op = operating_point(y, crowded, subject_to={"precision": ">= 0.1"})
    t, _, _ = sklearn_path(y.astype(int), crowded, 0.1)
    assert op.threshold.tobytes() == t.tobytes()


def test_ties_across_bucket_borders():
    """Scores on both sides of every bucket border, heavily tied, give the full-sort choice."""
    rng = np.random.default_rng(2)
    n = 5_000
    s = rng.choice(np.array(BORDER, dtype=np.float32), n)
    y = rng.random(n) < 0.5 + 0.3 * np.sign(s)
    for bits in (1, 4, 8, 16, 20):
        for optimise in MONOTONE if bits < 20 else ["recall"]:
            for spec in ({"precision": ">= 0.7"}, {"recall": ">= 0.5", "specificity": ">= 0.2"}):
                cons = constraints(spec)
                part = bucketed_curve(
                    y, s, count_function(optimise), True, cons, bits=bits, min_rows=0
                )
                if part is not None:
                    assert choose(part, optimise, cons) == choose(score_curve(y, s), optimise, cons)


def test_float64_beyond_float32_range():
    """float64 scores that round to ±inf, ±0 or collide in float32 keep their exact order."""
    rng = np.random.default_rng(3)
    n = 250_000
    y = rng.random(n) < 0.2
    s = rng.normal(0, 1, n) + y
    s[:1000] = 1e300
    s[1000:2000] = -1e300
    s[2000:3000] = rng.choice([1e-300, -1e-300, 0.0, -0.0], 1000)
    s[3000:4000] = 0.5 + rng.integers(0, 5, 1000) * 1e-12  # equal in float32, distinct in float64
    y[:1000] = True
    for bound in (0.5, 0.8, 0.95):
        op = operating_point(y, s, subject_to={"precision": f">= {bound}"})
        t, r, p = sklearn_path(y.astype(int), s, bound)
        assert op.threshold.tobytes() == t.tobytes()
        assert (op.metrics["recall"], op.metrics["precision"]) == (r, p)


def test_pruning_declines_non_monotone_and_small_inputs():
    """MCC, lower-is-better objectives and small inputs take the full sort."""
    y = np.arange(300_000) % 3 == 0
    s = np.linspace(0, 1, y.size, dtype=np.float32)
    cons = constraints({"precision": ">= 0.3"})
    assert bucketed_curve(y, s, count_function("mcc"), True, cons) is None
    assert bucketed_curve(y, s, count_function("fp"), False, cons) is None
    assert bucketed_curve(y[:1000], s[:1000], count_function("recall"), True, cons) is None
    assert bucketed_curve(y, s, count_function("recall"), True, cons) is not None


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_scores_refused_on_large_inputs(bad):
    """NaN/inf are refused before any bucketing (their bit patterns would sort)."""
    s = np.linspace(0, 1, 300_000, dtype=np.float32)
    s[12345] = bad
    with pytest.raises(ValueError, match=r"y_score: scores must be finite; row 12345 is"):
        operating_point(np.arange(s.size) % 2, s, subject_to={"precision": ">= 0.9"})
