"""Each contender's operating point: its threshold, where it comes from, its labels there.

A binary model with scores is judged at one threshold:

* the one it brings (``Contender.threshold``: declared by the user, the champion's
  accepted one, a rung's stored one), with its ``threshold_source``;
* otherwise one chosen *on the test rows* by the plan's policy (the exact operating
  point of a single or constrained threshold-dependent metric) -- source
  ``test_rows``, which every output marks optimistic;
* 0.5 (source ``default``) when the policy needs no threshold (ROC AUC, a blend).

Labels-only and non-binary models have no threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics import MetricPolicy, operating_point
from mlplan.core.metrics.definitions import THRESHOLD_FREE
from mlplan.records.gate import Contender, ThresholdSource

__all__ = ["Point", "point_of"]


@dataclass(frozen=True)
class Point:
    """A contender's labels at its operating point."""

    threshold: float | None
    source: ThresholdSource | None
    labels: NDArray[Any]
    reachable: bool = True
    note: str = ""


def _chooses_threshold(policy: MetricPolicy) -> bool:
    """The policy is one threshold-dependent metric (optionally under constraints)."""
    return (
        policy.kind in ("single", "constrained")
        and policy.optimise is not None
        and policy.optimise not in THRESHOLD_FREE
        and not any(k.name in THRESHOLD_FREE for k in policy.constraints)
    )


def point_of(c: Contender, y: NDArray[Any], policy: MetricPolicy) -> Point:
    """The contender's threshold (given, or chosen on the test rows) and labels there."""
    if policy.task != "binary":
        return Point(None, None, np.asarray(c.pred))
    if c.score is None:
        return Point(None, "labels", np.asarray(c.pred))
    score = np.asarray(c.score)
    if c.threshold is not None:
        source: ThresholdSource = c.threshold_source or "declared"
        return Point(float(c.threshold), source, score >= c.threshold)
    if not _chooses_threshold(policy):
        return Point(0.5, "default", score >= 0.5)
    assert policy.optimise is not None
    op = operating_point(
        y,
        score,
        policy.optimise,
        {k.name: f"{k.op} {k.bound!r}" for k in policy.constraints},
        costs=c.costs or None,
        beta=policy.beta,
    )
    if not op.reachable:
        return Point(0.5, "test_rows", score >= 0.5, reachable=False, note=op.note)
    threshold = float(op.threshold)
    return Point(threshold, "test_rows", score >= threshold)
