"""Paired differences between two models on the frozen test rows, as advice needs them.

The plan's policy is compared on the same rows with
:func:`mlplan.metrics.paired_table`, each model at its stored operating
threshold: confusion metrics (and averages, weighted means, F-beta and formulas
of them) by multinomial draws of the joint cells, ROC AUC by DeLong's test,
threshold-free and regression metrics by a paired row bootstrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mlplan.errors import MetricError
from mlplan.evaluation import Evaluation
from mlplan.metrics import MetricPolicy, PairedModel, paired_table
from mlplan.metrics.definitions import THRESHOLD_FREE

__all__ = ["PairedDifference", "paired_difference"]

_METHODS = {
    "mcnemar": "paired bootstrap of the joint cells",
    "delong": "DeLong",
    "bootstrap": "paired row bootstrap",
}


@dataclass(frozen=True, kw_only=True)
class PairedDifference:
    """``candidate`` minus ``baseline`` on the same test rows, with its interval.

    Attributes
    ----------
    candidate, baseline : str
    metric : str
        The metric compared (the policy's optimised metric, or the policy).
    value_candidate, value_baseline : float
    difference : float
        ``value_candidate - value_baseline`` in the metric's units.
    lo, hi : float or None
        The paired interval of ``difference``.
    higher_is_better : bool
    method : str
        How the interval was computed.
    p_value : float or None
    """

    candidate: str
    baseline: str
    metric: str
    value_candidate: float
    value_baseline: float
    difference: float
    lo: float | None
    hi: float | None
    higher_is_better: bool
    method: str
    p_value: float | None = None

    @property
    def gain(self) -> float:
        """The difference oriented so that positive means the candidate is better."""
        return self.difference if self.higher_is_better else -self.difference

    @property
    def gain_interval(self) -> tuple[float, float] | None:
        """The interval of :attr:`gain` (None without an interval)."""
        if self.lo is None or self.hi is None:
            return None
        return (self.lo, self.hi) if self.higher_is_better else (-self.hi, -self.lo)

    @property
    def better(self) -> bool:
        """The candidate is better and the interval excludes zero."""
        g = self.gain_interval
        return g is not None and g[0] > 0

    @property
    def worse(self) -> bool:
        """The candidate is worse and the interval excludes zero."""
        g = self.gain_interval
        return g is not None and g[1] < 0

    @property
    def tied(self) -> bool:
        """The interval contains zero."""
        return self.gain_interval is not None and not self.better and not self.worse

    def describe(self) -> str:
        """``"-0.082 [-0.120, -0.044]"``: the difference and its interval."""
        if self.lo is None or self.hi is None:
            return f"{self.difference:+.3f}"
        return f"{self.difference:+.3f} [{self.lo:+.3f}, {self.hi:+.3f}]"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "candidate": self.candidate,
            "baseline": self.baseline,
            "metric": self.metric,
            "value_candidate": self.value_candidate,
            "value_baseline": self.value_baseline,
            "difference": self.difference,
            "lo": self.lo,
            "hi": self.hi,
            "higher_is_better": self.higher_is_better,
            "method": self.method,
            "p_value": self.p_value,
        }


def paired_difference(
    policy: MetricPolicy,
    y_test: np.ndarray,
    candidate: Evaluation,
    candidate_preds: dict[str, np.ndarray],
    baseline: Evaluation,
    baseline_preds: dict[str, np.ndarray],
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> PairedDifference | None:
    """The paired difference of two evaluated models, or None if it has no value.

    Parameters
    ----------
    policy
        The plan's metric policy.
    y_test
        Test labels (or values) in the order of the stored predictions.
    candidate, baseline
        The two evaluations (their operating thresholds and costs are reused).
    candidate_preds, baseline_preds
        Stored test predictions: ``{"pred": ..., "score": ...}``.
    n_resamples, confidence, seed
        Bootstrap settings.
    """
    if candidate.value is None or baseline.value is None:
        return None
    try:
        (found,) = paired_table(
            y_test,
            _model(policy, candidate, candidate_preds),
            [_model(policy, baseline, baseline_preds)],
            metrics=[policy],
            task=policy.task,  # type: ignore[arg-type]
            n_resamples=n_resamples,
            confidence=confidence,
            seed=seed,
        )
    except MetricError:
        return None  # e.g. one class only in y_test for roc_auc
    c = found.comparison()
    how = _METHODS[found.test]
    if policy.kind == "constrained":
        how += " at each model's operating threshold"
    single = policy.kind in ("single", "constrained") and policy.optimise is not None
    return PairedDifference(
        candidate=candidate.name,
        baseline=baseline.name,
        metric=policy.optimise if single and policy.optimise else policy.name,
        value_candidate=c.value_b,
        value_baseline=c.value_a,
        difference=c.difference,
        lo=c.lo,
        hi=c.hi,
        higher_is_better=c.higher_is_better,
        method=how,
        p_value=c.p_value,
    )


def _model(
    policy: MetricPolicy, evaluation: Evaluation, preds: dict[str, np.ndarray]
) -> PairedModel:
    """One model as the paired table sees it: labels at its threshold, scores when read."""
    score = preds.get("score")
    if policy.task == "binary" and score is not None and score.ndim == 1:
        threshold = evaluation.threshold if evaluation.threshold is not None else 0.5
        return PairedModel(
            name=evaluation.name, score=score, threshold=threshold, costs=evaluation.costs
        )
    reads_scores = policy.task == "multiclass" and bool(policy.names & THRESHOLD_FREE)
    return PairedModel(
        name=evaluation.name,
        pred=preds["pred"],
        score=score if reads_scores else None,
        costs=evaluation.costs,
    )
