"""Policies from the plan's metric section: names, errors, values, streaming."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlplan.core.metrics import (
    operating_point,
    policy_from_section,
    standard_metrics,
    stream_counts,
)
from mlplan.schema.plan import MetricSection


def test_constrained_policy_matches_operating_point():
    """The policy's value and threshold are those of operating_point."""
    rng = np.random.default_rng(0)
    y = rng.random(3000) < 0.2
    s = (rng.random(3000) * 0.6 + y * 0.4).astype(np.float32)
    pol = policy_from_section(
        MetricSection(optimise="recall", subject_to={"precision": ">= 0.9"}), "binary"
    )
    assert pol.name == "recall s.t. precision >= 0.9" and pol.higher_is_better
    res = pol.evaluate(y, y_score=s, n_resamples=200)
    op = operating_point(y, s, "recall", {"precision": ">= 0.9"})
    assert res.threshold == float(op.threshold) and res.value == op.value
    assert res.lo <= res.value <= res.hi and res.reachable
    assert res.metrics["precision"] >= 0.9


def test_unknown_names_list_valid_and_suggest():
    """A typo lists the valid names and suggests the closest."""
    with pytest.raises(
        ValueError,
        match=r"metric.optimise: unknown metric 'recal' for a binary task \(did you mean 'recall'\?\); allowed: .*accuracy",
    ):
        policy_from_section(MetricSection(optimise="recal"), "binary")
    with pytest.raises(ValueError, match=r"character 5: unknown name 'precison'"):
        policy_from_section(MetricSection(formula="0.7*precison + 0.3*recall"), "binary")
    with pytest.raises(ValueError, match=r"needs explicit averaging|need explicit averaging"):
        policy_from_section(MetricSection(optimise="f1"), "multiclass")


def test_kinds_evaluate():
    """Average, weighted, fbeta and formula policies give the expected numbers."""
    y = np.array([0, 1, 1, 0, 1, 0, 1, 1])
    s = np.array([0.2, 0.8, 0.4, 0.6, 0.9, 0.1, 0.7, 0.55])
    m = standard_metrics("binary", y, y_score=s)
    avg = policy_from_section({"average": ["precision", "recall"]}, "binary").evaluate(
        y, y_score=s, n_resamples=0
    )
    assert avg.value == pytest.approx((m["precision"] + m["recall"]) / 2) and avg.lo is None
    f = policy_from_section({"formula": "-(50*fn + 5*fp)/n"}, "binary").evaluate(
        y, y_score=s, n_resamples=50
    )
    assert f.value == pytest.approx(-(50 * m["fn"] + 5 * m["fp"]) / 8)
    fb = policy_from_section({"fbeta": 2.0}, "binary").evaluate(
        y, y_pred=(s >= 0.5).astype(int), n_resamples=0
    )
    tp, fp, fn = m["tp"], m["fp"], m["fn"]
    assert fb.value == pytest.approx(5 * tp / (5 * tp + 4 * fn + fp))
    reg = policy_from_section({"optimise": "mae"}, "regression").evaluate(
        [1.0, 2, 3], y_pred=[1.5, 2, 2], n_resamples=20
    )
    assert (
        reg.value == 0.5
        and not policy_from_section({"optimise": "mae"}, "regression").higher_is_better
    )


def test_cost_metrics_in_policies():
    """latency_ms in subject_to comes from costs; missing costs are a clear error."""
    pol = policy_from_section(
        {"optimise": "recall", "subject_to": {"latency_ms": "<= 50"}}, "binary"
    )
    y, s = [0, 1, 1, 0], [0.1, 0.9, 0.6, 0.4]
    assert pol.evaluate(y, y_score=s, costs={"latency_ms": 10}, n_resamples=0).reachable
    bad = pol.evaluate(y, y_score=s, costs={"latency_ms": 80}, n_resamples=0)
    assert not bad.reachable and bad.value is None and "latency_ms is 80" in bad.note
    with pytest.raises(ValueError, match="costs: 'latency_ms'"):
        pol.evaluate(y, y_score=s)


def test_stream_counts_equal_in_memory(tmp_path):
    """Chunked counts from Parquet, CSV and iterators equal the in-memory counts."""
    rng = np.random.default_rng(0)
    y = (rng.random(10_000) < 0.3).astype(int)
    s = rng.random(10_000)
    df = pd.DataFrame({"y_true": y, "y_score": s})
    df.to_parquet(tmp_path / "p.parquet")
    df.to_csv(tmp_path / "p.csv", index=False)
    m = standard_metrics("binary", y, y_score=s, threshold=0.3)
    for src in (
        tmp_path / "p.parquet",
        tmp_path / "p.csv",
        ((y[i : i + 999], s[i : i + 999]) for i in range(0, 10_000, 999)),
    ):
        out = stream_counts(src, thresholds=(0.3, 0.5), chunk_rows=1234)
        c = out.at(0.3)
        assert (c.tp, c.fp, c.tn, c.fn) == (m["tp"], m["fp"], m["tn"], m["fn"])
        assert out.log_loss_sum / out.n_rows == pytest.approx(m["log_loss"], abs=1e-12)
    with pytest.raises(ValueError, match="missing column"):
        stream_counts(tmp_path / "p.parquet", y_column="label")


@pytest.mark.parametrize(
    ("section", "task", "expected"),
    [
        ({"optimise": "recall", "subject_to": {"precision": ">= 0.4"}}, "binary", (0.0, 1.0)),
        ({"optimise": "mcc"}, "binary", (-1.0, 1.0)),
        ({"optimise": "r2"}, "regression", (-math.inf, 1.0)),
        ({"optimise": "mae"}, "regression", (0.0, math.inf)),
        ({"average": ["precision", "recall"]}, "binary", (0.0, 1.0)),
        ({"formula": "-(50*fn + 5*fp)/n"}, "binary", (-math.inf, math.inf)),
    ],
)
def test_value_range_bounds_intervals_and_forecasts(section, task, expected) -> None:
    """Fold intervals and forecasts are kept inside the values the policy can take."""
    assert policy_from_section(MetricSection(**section), task).value_range == expected
