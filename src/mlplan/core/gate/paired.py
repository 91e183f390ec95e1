"""The gate's paired comparisons: keys of the plan's ``gate:`` section, on the engine's table.

A key is a metric name or ``"metric"`` (the plan's one number, compared on the
policy's value).  :func:`gate_table` hands every key for one opponent to
:func:`mlplan.core.metrics.paired_table` at once, so the joint cells are counted once
and one set of draws serves every metric (DeLong for ROC AUC, a paired row
bootstrap for threshold-free and regression metrics).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlplan.core.metrics import MetricPolicy, paired_table
from mlplan.core.metrics.definitions import THRESHOLD_FREE, metric_info
from mlplan.records.paired import PairedModel, PairedResult
from mlplan.schema.plan import GateSection

__all__ = ["POLICY_KEY", "gate_direction", "gate_metric_name", "gate_table", "model_at"]

POLICY_KEY = "metric"


def _target(key: str, policy: MetricPolicy) -> str | MetricPolicy:
    return policy if key == POLICY_KEY else key


def gate_metric_name(key: str, policy: MetricPolicy) -> str | None:
    """The single metric a key compares (a policy's optimised metric), or None for a blend."""
    if key != POLICY_KEY:
        return key
    return policy.optimise if policy.kind in ("single", "constrained") else None


def gate_direction(key: str, policy: MetricPolicy) -> bool:
    """True if larger values of the key are better.

    Raises
    ------
    MetricError
        If the key is not a metric of the plan's task.
    """
    if key == POLICY_KEY:
        return policy.higher_is_better
    return metric_info(key, policy.task).higher_is_better


def model_at(
    name: str,
    labels: Any,
    score: Any,
    costs: Any,
    keys: Sequence[str],
    policy: MetricPolicy,
) -> PairedModel:
    """What the paired table sees of a contender: labels at its point, scores if a key reads them."""
    names = [gate_metric_name(k, policy) for k in keys]
    reads = set(policy.names) if None in names else set()
    needs_scores = bool((reads | set(names)) & THRESHOLD_FREE)
    return PairedModel(name=name, pred=labels, score=score if needs_scores else None, costs=costs)


def gate_table(
    y: Any,
    candidate: PairedModel,
    opponent: PairedModel,
    keys: Sequence[str],
    *,
    policy: MetricPolicy,
    section: GateSection,
    n_classes: int | None = None,
    n_resamples: int | None = None,
) -> tuple[PairedResult, ...]:
    """One :class:`~mlplan.core.metrics.PairedResult` per key (``error`` set when not computable)."""
    return paired_table(
        y,
        candidate,
        [opponent],
        metrics=[_target(k, policy) for k in keys],
        task=policy.task,  # type: ignore[arg-type]
        averaging=policy.averaging,
        beta=policy.beta,
        n_classes=n_classes,
        n_resamples=section.resamples if n_resamples is None else n_resamples,
        confidence=section.confidence,
        seed=section.seed,
        errors="record",
    )
