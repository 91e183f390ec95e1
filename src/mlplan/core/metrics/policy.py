"""Metric policies: the plan's one number, its interval, and its operating point.

A policy is built from the plan's ``metric:`` section by
:func:`policy_from_section` and scores predictions with
:meth:`MetricPolicy.evaluate`.  The kinds:

``optimise`` alone
    One metric.  Threshold-free metrics (roc_auc, average_precision, log_loss,
    brier) use the scores; confusion metrics of scored binary predictions are
    taken at an operating threshold (below).
``optimise`` + ``subject_to``
    "Threshold n-1, optimise the n-th": the threshold that maximises the
    objective among those meeting the constraints.
``average`` / ``weighted``
    A simple or weighted (normalised by the weight sum) mean of metrics that share
    a direction.
``fbeta``
    F-beta.
``formula``
    A safe formula over metric names, confusion counts and cost metrics; always
    maximised (write costs with a minus sign).

Operating thresholds.  A binary policy that reads a confusion metric is
*threshold-dependent*.  :meth:`MetricPolicy.choose_threshold` chooses its threshold
exactly on some scored rows (out-of-fold predictions, a validation file: the
caller decides, see :mod:`mlplan.core.evaluation`), and
:meth:`MetricPolicy.evaluate` with ``threshold=`` scores other rows at that fixed
threshold, checking every constraint there with its interval (a violated
constraint is reported, and the value is still computed).  Without a threshold,
``evaluate`` uses the plan's ``metric.threshold`` if it gives a number; else a
policy that tunes on the rows it is given (constrained, F-beta, or
``threshold: tuned``) chooses on them -- an optimistic value whose interval
re-chooses the threshold in every resample -- and any other uses 0.5 (0 for
margins).

The scoring itself, task by task, lives in :mod:`mlplan.core.metrics.policy_evaluate`;
its result is a :class:`~mlplan.core.metrics.policy_result.PolicyResult`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics._validate import as_binary_labels, as_scores, check_lengths
from mlplan.core.metrics.constraints import Constraint
from mlplan.core.metrics.definitions import COST_METRICS, THRESHOLD_FREE, metric_range
from mlplan.core.metrics.formula import Formula
from mlplan.core.metrics.objective import count_function
from mlplan.core.metrics.policy_evaluate import (
    evaluate_binary,
    evaluate_multiclass,
    evaluate_regression,
)
from mlplan.core.metrics.policy_result import PolicyResult
from mlplan.core.metrics.thresholds import ThresholdChoice, choose_threshold
from mlplan.errors import MetricError

__all__ = ["MetricPolicy", "PolicyResult", "ThresholdChoice", "ThresholdMode"]

F64 = NDArray[np.float64]
Kind = Literal["single", "constrained", "average", "weighted", "fbeta", "formula"]
#: The plan's ``metric.threshold``: a fixed number, ``"tuned"``, or None (the default:
#: tuned where an honest choice exists; on the test rows only for constrained and
#: F-beta policies, 0.5 otherwise).
ThresholdMode = float | Literal["tuned"] | None


@dataclass(frozen=True)
class MetricPolicy:
    """The plan's one number, evaluable on predictions.

    Build it with :func:`policy_from_section`; ``name`` is human readable, e.g.
    ``"recall s.t. precision >= 0.9"``.
    """

    name: str
    higher_is_better: bool
    task: str
    kind: Kind
    optimise: str | None = None
    constraints: tuple[Constraint, ...] = ()
    components: tuple[tuple[str, float], ...] = ()
    beta: float = 1.0
    formula: Formula | None = None
    averaging: str = "macro"
    confidence: float = 0.95
    resamples: int = 1000
    method: Literal["percentile", "bca"] = "percentile"
    rechoose: bool = True
    threshold: ThresholdMode = None

    # ----------------------------------------------------------------- names
    @property
    def names(self) -> frozenset[str]:
        """Every metric name the policy reads."""
        out = {c.name for c in self.constraints} | {n for n, _ in self.components}
        if self.optimise:
            out.add(self.optimise)
        if self.formula is not None:
            out |= self.formula.names
        if self.kind == "fbeta":
            out.add("fbeta")
        return frozenset(out)

    @property
    def value_range(self) -> tuple[float, float]:
        """The values the policy can take; a formula's is unbounded."""
        if self.kind == "formula":
            return (-math.inf, math.inf)
        if self.kind in ("single", "constrained") and self.optimise:
            return metric_range(self.optimise)
        ranges = [metric_range(n) for n, _ in self.components] or [(0.0, 1.0)]
        return (min(r[0] for r in ranges), max(r[1] for r in ranges))

    @property
    def threshold_dependent(self) -> bool:
        """Whether the policy reads a confusion metric of binary predictions (needs a threshold)."""
        return self.task == "binary" and any(
            n not in THRESHOLD_FREE and n not in COST_METRICS for n in self.names
        )

    @property
    def fixed_threshold(self) -> float | None:
        """The plan's fixed ``metric.threshold``, if it gives a number."""
        return self.threshold if isinstance(self.threshold, float | int) else None

    @property
    def tunes(self) -> bool:
        """Whether the threshold is chosen on data (out-of-fold, validation) rather than fixed."""
        return self.threshold_dependent and self.fixed_threshold is None

    @property
    def tunes_on_test(self) -> bool:
        """Whether, with no honest rows to choose on, the threshold is chosen on the test rows.

        True for constrained and F-beta policies and for ``threshold: tuned``
        (the value is then marked optimistic); other policies use 0.5 instead.
        """
        return self.tunes and (self.threshold == "tuned" or self.kind in ("constrained", "fbeta"))

    def choose_threshold(
        self,
        y_true: Any,
        y_score: Any,
        *,
        costs: Mapping[str, float] | None = None,
        margin: bool = False,
    ) -> ThresholdChoice:
        """The exact best threshold on scored binary rows (see ADR 0002 for its tie rule).

        Parameters
        ----------
        y_true : array_like of 0/1
        y_score : array_like of float
        costs : mapping, optional
            Cost metrics the objective or the constraints read.
        margin : bool, default False
            The scores are margins, not probabilities (log loss and Brier undefined).

        Returns
        -------
        ThresholdChoice
            Unreachable (``threshold is None``) when no threshold meets the constraints.
        """
        y = as_binary_labels(y_true)
        s = as_scores(y_score)
        check_lengths("choose_threshold", y_true=y, y_score=s)
        for name in sorted(self.names & COST_METRICS):
            count_function(name, costs=costs)
        return choose_threshold(self, y, s, costs=costs, margin=margin)[0]

    # ------------------------------------------------------------- evaluate
    def evaluate(
        self,
        y_true: Any,
        *,
        y_pred: Any = None,
        y_score: Any = None,
        costs: Mapping[str, float] | None = None,
        n_resamples: int | None = None,
        confidence: float | None = None,
        seed: int = 0,
        method: Literal["percentile", "bca"] | None = None,
        rechoose: bool | None = None,
        threshold: float | None = None,
        margin: bool = False,
    ) -> PolicyResult:
        """Score predictions: value, bootstrap interval and operating point.

        Parameters
        ----------
        y_true : array_like
            Truth (see :func:`standard_metrics` for each task's encoding).
        y_pred, y_score : array_like, optional
            Labels and/or scores (binary: score of class 1; multiclass: (n, K)
            probabilities; regression: ``y_pred`` real values).
        costs : mapping, optional
            ``fit_seconds``, ``latency_ms``, ``model_mb`` measured elsewhere.
        n_resamples : int, optional
            Bootstrap resamples (default: the plan's, 1000); 0 skips the interval.
        confidence : float, optional
            Interval level (default: the plan's, 0.95).
        seed : int, default 0
        method : {"percentile", "bca"}, optional
        rechoose : bool, optional
            When the threshold is chosen on these rows: re-choose it in every
            resample (default True, the interval of the tuning procedure) or keep
            it fixed.
        threshold : float, optional
            Binary scores: the fixed operating threshold (chosen elsewhere); a row is
            positive iff ``score >= threshold``.  Scores given, labels are ignored.
        margin : bool, default False
            Binary scores are margins, not probabilities: log loss and Brier are
            not computed (a policy reading them raises).

        Returns
        -------
        PolicyResult
        """
        b = self.resamples if n_resamples is None else int(n_resamples)
        conf = self.confidence if confidence is None else float(confidence)
        meth = method or self.method
        rng = np.random.default_rng(seed)
        for name in sorted(self.names & COST_METRICS):
            count_function(name, costs=costs)  # raises a clear error if missing
        if self.task == "binary":
            return evaluate_binary(
                self,
                y_true,
                y_pred,
                y_score,
                costs,
                b,
                conf,
                meth,
                rng,
                rechoose,
                threshold,
                margin,
            )
        if self.task == "multiclass":
            return evaluate_multiclass(self, y_true, y_pred, y_score, costs, b, conf, meth, rng)
        if self.task == "regression":
            return evaluate_regression(self, y_true, y_pred, costs, b, conf, meth, rng)
        raise MetricError(
            f"task: policies support binary, multiclass and regression; got {self.task!r}"
        )

    def combine(self, env: Mapping[str, Any]) -> F64:
        """The policy value from the values of :attr:`names` (floats or arrays).

        Constraints are not checked here; see :meth:`evaluate`.
        """
        return self._combine(env)

    # -------------------------------------------------------------- pieces
    def _combine(self, env: Mapping[str, Any]) -> F64:
        """The policy value from metric values (floats or arrays)."""
        if self.kind in ("single", "constrained"):
            assert self.optimise is not None
            return np.asarray(env[self.optimise], dtype=np.float64)
        if self.kind == "fbeta":
            return np.asarray(env["fbeta"], dtype=np.float64)
        if self.kind in ("average", "weighted"):
            total = sum(w for _, w in self.components)
            return np.asarray(sum(w * np.asarray(env[n]) for n, w in self.components) / total)
        assert self.formula is not None
        return self.formula.evaluate({n: env[n] for n in self.formula.names})
