"""Paired differences between two models on the frozen test rows, as advice needs them.

The metric engine's :func:`mlplan.metrics.compare` gives the paired interval of
one confusion metric (or ROC AUC) between two models at fixed thresholds. The
plan's policy is often exactly that: one metric, at each model's operating
threshold. Policies ``compare`` does not cover (regression, averages, formulas,
F-beta with beta != 1, threshold-free metrics other than ROC AUC) get a paired
row bootstrap of the policy value here: the same resampled rows score both
models, and the threshold is re-chosen inside every resample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from mlplan.errors import MetricError
from mlplan.evaluation import Evaluation
from mlplan.metrics import MetricPolicy, compare

__all__ = ["FALLBACK_RESAMPLES", "PairedDifference", "paired_difference"]

#: Resamples of the paired row bootstrap (each one scores both models).
FALLBACK_RESAMPLES = 200

_COMPARABLE = frozenset(
    {
        "precision",
        "recall",
        "f1",
        "accuracy",
        "balanced_accuracy",
        "specificity",
        "npv",
        "mcc",
        "kappa",
    }
)


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
    """The paired difference of two evaluated models, or None if either has no value.

    Parameters
    ----------
    policy
        The plan's metric policy.
    y_test
        Test labels (or values) in the order of the stored predictions.
    candidate, baseline
        The two evaluations (their operating thresholds are reused).
    candidate_preds, baseline_preds
        Stored test predictions: ``{"pred": ..., "score": ...}``.
    n_resamples, confidence, seed
        Bootstrap settings.
    """
    if candidate.value is None or baseline.value is None:
        return None
    metric = _compare_metric(policy, candidate_preds, baseline_preds)
    if metric is not None:
        try:
            return _via_compare(
                policy,
                metric,
                y_test,
                candidate,
                candidate_preds,
                baseline,
                baseline_preds,
                n_resamples=n_resamples,
                confidence=confidence,
                seed=seed,
            )
        except MetricError:
            pass  # e.g. one class only in y_test for roc_auc: fall back
    return _row_bootstrap(
        policy,
        y_test,
        candidate,
        candidate_preds,
        baseline,
        baseline_preds,
        n_resamples=min(n_resamples, FALLBACK_RESAMPLES),
        confidence=confidence,
        seed=seed,
    )


def _compare_metric(
    policy: MetricPolicy, a: dict[str, np.ndarray], b: dict[str, np.ndarray]
) -> str | None:
    """The metric ``compare`` can judge for this policy, or None."""
    if policy.task == "regression":
        return None
    if policy.kind == "fbeta" and policy.beta == 1.0:
        return "f1"
    if policy.kind not in ("single", "constrained") or policy.optimise is None:
        return None
    name = policy.optimise
    if name == "roc_auc" and policy.task == "binary" and "score" in a and "score" in b:
        return name
    return name if name in _COMPARABLE else None


def _side(
    policy: MetricPolicy, preds: dict[str, np.ndarray], evaluation: Evaluation
) -> tuple[np.ndarray, float]:
    """What ``compare`` should see of one model: scores at its threshold, or labels."""
    if policy.task == "binary" and "score" in preds and preds["score"].ndim == 1:
        threshold = evaluation.threshold if evaluation.threshold is not None else 0.5
        return np.asarray(preds["score"], dtype=float), float(threshold)
    return np.asarray(preds["pred"]), 0.5


def _via_compare(
    policy: MetricPolicy,
    metric: str,
    y: np.ndarray,
    candidate: Evaluation,
    cand: dict[str, np.ndarray],
    baseline: Evaluation,
    base: dict[str, np.ndarray],
    **options: Any,
) -> PairedDifference:
    a, ta = _side(policy, base, baseline)
    b, tb = _side(policy, cand, candidate)
    if metric == "roc_auc":
        a, b = base["score"], cand["score"]
    task: Literal["binary", "multiclass"] = (
        "multiclass" if policy.task == "multiclass" else "binary"
    )
    result = compare(
        y,
        a,
        b,
        metric=metric,
        task=task,
        threshold=(ta, tb),
        averaging=policy.averaging,
        **options,
    )
    how = "paired bootstrap (compare)" if result.test == "mcnemar" else "DeLong (compare)"
    if policy.kind == "constrained":
        how += " at each model's operating threshold"
    return PairedDifference(
        candidate=candidate.name,
        baseline=baseline.name,
        metric=metric,
        value_candidate=float(result.value_b),
        value_baseline=float(result.value_a),
        difference=float(result.difference),
        lo=result.lo,
        hi=result.hi,
        higher_is_better=result.higher_is_better,
        method=how,
        p_value=result.p_value,
    )


def _row_bootstrap(
    policy: MetricPolicy,
    y: np.ndarray,
    candidate: Evaluation,
    cand: dict[str, np.ndarray],
    baseline: Evaluation,
    base: dict[str, np.ndarray],
    *,
    n_resamples: int,
    confidence: float,
    seed: int,
) -> PairedDifference:
    rng = np.random.default_rng(seed)
    n = len(y)

    def value(preds: dict[str, np.ndarray], rows: np.ndarray, costs: dict[str, float]) -> float:
        try:
            result = policy.evaluate(
                y[rows],
                y_pred=preds["pred"][rows],
                y_score=preds["score"][rows] if "score" in preds else None,
                costs=costs,
                n_resamples=0,
            )
        except MetricError:
            return float("nan")
        return float("nan") if result.value is None else float(result.value)

    diffs = []
    for _ in range(n_resamples):
        rows = rng.integers(0, n, n)
        diffs.append(value(cand, rows, candidate.costs) - value(base, rows, baseline.costs))
    reps = np.asarray(diffs, dtype=float)
    reps = reps[np.isfinite(reps)]
    difference = float(candidate.value) - float(baseline.value)  # type: ignore[arg-type]
    lo = hi = None
    if len(reps) >= max(10, n_resamples // 2):
        alpha = (1 - confidence) / 2
        lo, hi = (float(q) for q in np.quantile(reps, [alpha, 1 - alpha]))
    return PairedDifference(
        candidate=candidate.name,
        baseline=baseline.name,
        metric=policy.name,
        value_candidate=float(candidate.value),  # type: ignore[arg-type]
        value_baseline=float(baseline.value),  # type: ignore[arg-type]
        difference=difference,
        lo=lo,
        hi=hi,
        higher_is_better=policy.higher_is_better,
        method=f"paired row bootstrap of the policy ({len(reps)} resamples)",
    )
