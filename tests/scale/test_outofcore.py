"""The out-of-core engine equals the in-memory one: tie-heavy scores, any chunking, any bits."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlplan.core.metrics import operating_point, policy_from_section
from mlplan.core.metrics.outofcore import OutOfCore

#: Few distinct values, both zeros, the ends of [0, 1]: ties everywhere.
VALUES = (0.0, -0.0, 0.1, 0.25, 0.5, 0.5000001, 0.75, 0.9, 1.0, 1e-300, 3e-8)
POLICIES = [
    ("recall", {"precision": ">= 0.6"}),
    ("precision", {"recall": ">= 0.5"}),
    ("f1", {}),
    ("accuracy", {"specificity": ">= 0.3", "npv": ">= 0.2"}),
    ("recall", {"precision": ">= 0.999"}),  # often unreachable
    ("balanced_accuracy", {"recall": "> 0.2"}),
]


def read_chunks(part: tuple[tuple[np.ndarray, np.ndarray], ...]) -> Iterator[Any]:
    """A test reader: a part is its chunks already."""
    yield from part


@st.composite
def prediction_sets(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    n = draw(st.integers(1, 300))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    picks = draw(st.lists(st.sampled_from(VALUES), min_size=n, max_size=n))
    s = np.array(picks, dtype=dtype)
    if draw(st.booleans()):  # some distinct values too
        s = np.where(np.arange(n) % 3 == 0, np.linspace(0, 1, n).astype(dtype), s)
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=np.int64)
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=6)))
    bounds = [0, *cuts, n]
    chunks = [(y[a:b], s[a:b]) for a, b in itertools.pairwise(bounds)]
    split = draw(st.integers(1, max(1, len(chunks))))
    parts = [tuple(chunks[:split]), tuple(chunks[split:])]
    return y, s, [p for p in parts if p]


def _same_point(a: Any, b: Any) -> None:
    assert a.reachable == b.reachable
    assert a.note == b.note
    if a.threshold is None:
        assert b.threshold is None
        return
    assert type(a.threshold) is type(b.threshold)
    assert np.signbit(a.threshold) == np.signbit(b.threshold)
    assert a.threshold == b.threshold
    assert (a.value, a.counts, a.metrics) == (b.value, b.counts, b.metrics)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=prediction_sets(),
    policy=st.sampled_from(POLICIES),
    bits=st.integers(2, 10),
    max_rows=st.integers(1, 64),
)
def test_operating_point_equals_in_memory(data: Any, policy: Any, bits: int, max_rows: int) -> None:
    y, s, parts = data
    optimise, subject_to = policy
    if y.min() == y.max():
        return  # in memory: one class; the same error either way is checked below
    engine = OutOfCore(parts, read_chunks, bits=bits, max_rows=max_rows)
    _same_point(
        engine.operating_point(optimise, subject_to), operating_point(y, s, optimise, subject_to)
    )


@settings(max_examples=30, deadline=None)
@given(data=prediction_sets(), policy=st.sampled_from(POLICIES), bits=st.integers(1, 8))
def test_policy_value_and_count_interval_equal_in_memory(data: Any, policy: Any, bits: int) -> None:
    y, s, parts = data
    if y.min() == y.max():
        return
    optimise, subject_to = policy
    plan_policy = policy_from_section(
        {"optimise": optimise, "subject_to": subject_to, "resamples": 50}, "binary"
    )
    ours = OutOfCore(parts, read_chunks, bits=bits, max_rows=8).evaluate(plan_policy).result
    theirs = plan_policy.evaluate(y, y_score=s, rechoose=False)
    assert (ours.value, ours.lo, ours.hi, ours.threshold, ours.reachable, ours.note) == (
        theirs.value,
        theirs.lo,
        theirs.hi,
        theirs.threshold,
        theirs.reachable,
        theirs.note,
    )
    assert ours.metrics == {k: v for k, v in theirs.metrics.items() if k in ours.metrics}


def test_fixed_threshold_metric_and_interval_in_one_pass() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 5000)
    s = np.clip(0.3 * y + rng.normal(0.35, 0.2, 5000), 0, 1)
    parts = [((y[i : i + 700], s[i : i + 700]),) for i in range(0, 5000, 700)]
    plan_policy = policy_from_section({"optimise": "f1", "resamples": 300}, "binary")
    engine = OutOfCore(parts, read_chunks)
    found = engine.evaluate(plan_policy)
    theirs = plan_policy.evaluate(y, y_score=s)
    assert found.passes == 1
    assert (found.result.value, found.result.lo, found.result.hi) == (
        theirs.value,
        theirs.lo,
        theirs.hi,
    )
    from sklearn.metrics import brier_score_loss, log_loss

    extra = engine.standard_metrics()
    assert extra["log_loss"] == pytest.approx(log_loss(y, s), rel=1e-9)
    assert extra["brier"] == pytest.approx(brier_score_loss(y, s), rel=1e-12)


def test_a_large_set_takes_two_passes_and_matches_scikit_learn() -> None:
    """2e5 rows, 16 bits: one histogram pass, one exact pass, the threshold bit for bit."""
    from sklearn.metrics import precision_recall_curve

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200_000)
    s = (rng.random(200_000) * 0.6 + 0.4 * y).astype(np.float32)
    parts = [((y[i : i + 50_000], s[i : i + 50_000]),) for i in range(0, 200_000, 50_000)]
    engine = OutOfCore(parts, read_chunks)
    point = engine.operating_point("recall", {"precision": ">= 0.9"})
    assert engine.passes == 2
    precision, recall, thresholds = precision_recall_curve(y, s)
    ok = precision[:-1] >= 0.9
    best = recall[:-1][ok].max()
    assert point.metrics["recall"] == best
    assert point.threshold in thresholds[ok & (recall[:-1] == best)]
