"""Metric policies: the plan's one number, its interval, and its operating point.

A policy is built from the plan's ``metric:`` section by
:func:`policy_from_section` and scores predictions with
:meth:`MetricPolicy.evaluate`.  The kinds:

``optimise`` alone
    One metric.  Confusion metrics of scored binary predictions are taken at the
    default threshold 0.5 (or at the given labels); no threshold is tuned,
    because tuning without a constraint would overfit the test set silently.
    Threshold-free metrics (roc_auc, average_precision, log_loss, brier) use the
    scores.
``optimise`` + ``subject_to``
    "Threshold n-1, optimise the n-th".  With binary scores the operating
    threshold is chosen exactly (:mod:`mlplan.core.metrics.operating_point`) and its
    interval, by default, re-chooses the threshold inside every resample.  With
    labels only (or multiclass) the constraints are checked at the labels.
``average`` / ``weighted``
    A simple or weighted (normalised by the weight sum) mean of metrics that share
    a direction.
``fbeta``
    F-beta at the default threshold.
``formula``
    A safe formula over metric names, confusion counts and cost metrics; always
    maximised (write costs with a minus sign).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mlplan._text import join_notes
from mlplan.core.metrics._validate import (
    as_binary_labels,
    as_class_codes,
    as_probabilities,
    as_real,
    as_scores,
    check_lengths,
)
from mlplan.core.metrics.bootstrap import (
    Method,
    count_jackknife,
    interval,
    multinomial_replicates,
    rechosen_replicates,
    row_replicates,
)
from mlplan.core.metrics.constraints import Constraint
from mlplan.core.metrics.counts import binary_counts, multiclass_confusion, score_curve
from mlplan.core.metrics.definitions import (
    COST_METRICS,
    THRESHOLD_FREE,
    metric_info,
    metric_range,
)
from mlplan.core.metrics.formula import Formula
from mlplan.core.metrics.multiclass import MULTICLASS_CONFUSION, multiclass_value
from mlplan.core.metrics.objective import CountFunction, count_function
from mlplan.core.metrics.operating_point import choose_candidate, unreachable_note
from mlplan.core.metrics.standard import binary_count_metrics, standard_metrics
from mlplan.errors import MetricError

__all__ = ["MetricPolicy", "PolicyResult"]

F64 = NDArray[np.float64]
Kind = Literal["single", "constrained", "average", "weighted", "fbeta", "formula"]

#: Above this many row-resample operations, threshold-free and regression
#: intervals use the normal approximation of the bootstrap distribution.
ROW_BOOTSTRAP_BUDGET = 20_000_000


@dataclass(frozen=True)
class PolicyResult:
    """The policy's value on one set of predictions.

    Attributes
    ----------
    value : float or None
        The one number; None when the constraints are unreachable.
    lo, hi : float or None
        Bootstrap confidence interval (None without resamples).
    threshold : float or None
        The operating threshold, when one was chosen from scores.
    reachable : bool
        False when no threshold (or the given labels) meets the constraints.
    metrics : dict of str to float
        Every standard metric at the operating point.
    note : str
        Why a value is missing, how the interval was computed, caveats.
    """

    value: float | None
    lo: float | None
    hi: float | None
    threshold: float | None
    reachable: bool
    metrics: dict[str, float] = field(default_factory=dict)
    note: str = ""


def _fmt_bound(c: Constraint) -> str:
    return f"{c.name} {c.op} {c.bound:g}"


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

    def _count_based(self) -> bool:
        return all(
            n not in THRESHOLD_FREE and metric_info(n).kind != "regression" for n in self.names
        )

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
            For constrained binary policies with scores: re-choose the threshold in
            every resample (default True, the honest interval) or keep it fixed.

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
            return self._binary(y_true, y_pred, y_score, costs, b, conf, meth, rng, rechoose)
        if self.task == "multiclass":
            return self._multiclass(y_true, y_pred, y_score, costs, b, conf, meth, rng)
        if self.task == "regression":
            return self._regression(y_true, y_pred, costs, b, conf, meth, rng)
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

    def _feasible(self, env: Mapping[str, Any]) -> Any:
        ok: Any = True
        for c in self.constraints:
            ok = ok & c.holds(env[c.name])
        return ok

    def _unreachable(
        self, env: Mapping[str, Any], metrics: dict[str, float]
    ) -> PolicyResult | None:
        """The unreachable result naming the failing constraints, or None when all hold."""
        if bool(self._feasible(env)):
            return None
        failing = [
            _fmt_bound(c) + f" (is {env[c.name]:.4g})"
            for c in self.constraints
            if not c.holds(env[c.name])
        ]
        return PolicyResult(
            None, None, None, None, False, metrics, "unreachable: " + "; ".join(failing)
        )

    def _combine_or_nan(self, m: dict[str, float], costs: Mapping[str, float] | None) -> float:
        """One resample's policy value from its metrics and the costs; NaN if one is missing."""
        m.update({k: float(v) for k, v in (costs or {}).items()})
        try:
            return float(self._combine(m))
        except KeyError:
            return float("nan")

    def _finish(
        self,
        value: float,
        reps: F64 | None,
        conf: float,
        meth: Method,
        jack: Any,
        metrics: dict[str, float],
        threshold: float | None,
        note: str,
    ) -> PolicyResult:
        lo = hi = None
        if reps is not None and reps.size:
            use = meth if jack is not None else "percentile"
            lo, hi = interval(reps, value, conf, use, jack)
            if meth == "bca" and jack is None:
                note = join_notes(note, "BCa needs a jackknife here; percentile interval used")
            bad = int(np.sum(~np.isfinite(reps)))
            if bad:
                note = join_notes(note, f"{bad} of {reps.size} resamples had no feasible value")
        return PolicyResult(value, lo, hi, threshold, True, metrics, note)

    def _binary(
        self,
        y_true: Any,
        y_pred: Any,
        y_score: Any,
        costs: Mapping[str, float] | None,
        b: int,
        conf: float,
        meth: Method,
        rng: np.random.Generator,
        rechoose: bool | None,
    ) -> PolicyResult:
        y = as_binary_labels(y_true)
        s = as_scores(y_score) if y_score is not None else None
        pred = as_binary_labels(y_pred, "y_pred") if y_pred is not None else None
        check_lengths("evaluate", y_true=y, y_pred=pred, y_score=s)
        if pred is None and s is None:
            raise MetricError("evaluate: give y_pred or y_score for a binary task")
        needs_scores = self.names & THRESHOLD_FREE
        if needs_scores and s is None:
            raise MetricError(
                f"evaluate: {', '.join(sorted(needs_scores))} need scores; give y_score"
            )
        constants: dict[str, float] = {}
        curve = score_curve(y, s) if s is not None else None
        if s is not None:
            sm = standard_metrics("binary", y, y_score=s)
            constants = {k: sm[k] for k in THRESHOLD_FREE if k in sm}
            for k in needs_scores:
                if k not in constants:
                    raise MetricError(
                        f"evaluate: {k} is undefined here (one class only, or scores outside [0, 1])"
                    )
        cons = [
            (c, count_function(c.name, beta=self.beta, costs=costs, constants=constants))
            for c in self.constraints
        ]
        # ----- constrained with scores: choose the operating threshold
        if self.kind == "constrained" and curve is not None and self.optimise not in THRESHOLD_FREE:
            assert self.optimise is not None
            obj = count_function(self.optimise, beta=self.beta, costs=costs, constants=constants)
            tp, fp = curve.tps, curve.fps
            idx = choose_candidate(
                tp, fp, curve.n_pos, curve.n_neg, obj, self.higher_is_better, cons
            )
            if idx is None:
                note = unreachable_note(tp, fp, curve.n_pos, curve.n_neg, cons)
                return PolicyResult(None, None, None, None, False, {}, note)
            counts = curve.counts(idx)
            metrics = binary_count_metrics(counts, self.beta if self.beta != 1.0 else None)
            metrics.update(constants)
            x = counts.as_array().astype(np.float64)
            value = float(obj(x[0], x[1], x[2], x[3]))
            thr = float(curve.thresholds[idx])
            reps, jack, note = None, None, ""
            if b > 0:
                use_rechoose = self.rechoose if rechoose is None else rechoose
                if use_rechoose:
                    reps, _ = rechosen_replicates(curve, obj, self.higher_is_better, cons, b, rng)
                    note = "interval re-chooses the threshold in every resample"
                else:
                    cells = counts.as_array()
                    draws = multinomial_replicates(cells, b, rng)
                    stat = _count_stat(obj)
                    reps = stat(draws)
                    jack = count_jackknife(cells, stat)
                    note = "interval at the fixed chosen threshold"
            return self._finish(value, reps, conf, meth, jack, metrics, thr, note)
        # ----- fixed labels (given, or scores >= 0.5)
        if pred is None:
            assert s is not None
            pred = s >= 0.5
        counts = binary_counts(y, pred)
        metrics = binary_count_metrics(counts, self.beta if self.beta != 1.0 else None)
        metrics.update(constants)
        env = _with_costs(metrics, costs)
        value = float(self._combine(env))
        if (unreachable := self._unreachable(env, metrics)) is not None:
            return unreachable
        reps, jack, note = None, None, ""
        if b > 0 and not (self.names <= COST_METRICS):
            if self._count_based():
                fn = self._count_value_function(costs)
                cells = counts.as_array()
                stat = lambda d: fn(d[:, 0], d[:, 1], d[:, 2], d[:, 3])  # noqa: E731
                reps = stat(multinomial_replicates(cells, b, rng))
                jack = count_jackknife(cells, stat)
            else:
                reps, note = self._row_bootstrap_binary(y, pred, s, costs, b, rng, value)
        return self._finish(value, reps, conf, meth, jack, metrics, None, note)

    def _count_value_function(self, costs: Mapping[str, float] | None) -> Callable[..., F64]:
        parts = {n: count_function(n, beta=self.beta, costs=costs) for n in self.names}

        def fn(tp: F64, fp: F64, tn: F64, fn_: F64) -> F64:
            env = {n: p(tp, fp, tn, fn_) for n, p in parts.items()}
            return self._combine(env)

        return fn

    def _row_bootstrap_binary(
        self,
        y: NDArray[np.bool_],
        pred: NDArray[np.bool_],
        s: NDArray[Any] | None,
        costs: Mapping[str, float] | None,
        b: int,
        rng: np.random.Generator,
        value: float,
    ) -> tuple[F64 | None, str]:
        n = y.size
        if n * b > ROW_BOOTSTRAP_BUDGET:
            return None, f"no interval: {n} rows x {b} resamples exceeds the row-bootstrap budget"

        def stat(idx: NDArray[np.intp]) -> float:
            yy = y[idx]
            if yy.all() or not yy.any():
                return float("nan")
            ss = s[idx] if s is not None else None
            m = standard_metrics("binary", yy, y_pred=pred[idx], y_score=ss)
            m.setdefault("fbeta", m["f1"])
            return self._combine_or_nan(m, costs)

        return row_replicates(n, stat, b, rng), "row bootstrap"

    def _multiclass(
        self,
        y_true: Any,
        y_pred: Any,
        y_score: Any,
        costs: Mapping[str, float] | None,
        b: int,
        conf: float,
        meth: Method,
        rng: np.random.Generator,
    ) -> PolicyResult:
        p = as_probabilities(y_score) if y_score is not None else None
        k = p.shape[1] if p is not None else None
        y = as_class_codes(y_true, k, "y_true")
        pred = (
            as_class_codes(y_pred, k, "y_pred")
            if y_pred is not None
            else (np.argmax(p, axis=1).astype(np.int64) if p is not None else None)
        )
        if pred is None:
            raise MetricError("evaluate: give y_pred or y_score for a multiclass task")
        check_lengths("evaluate", y_true=y, y_pred=pred, y_score=p)
        kk = k if k is not None else int(max(y.max(), pred.max())) + 1
        metrics = standard_metrics(
            "multiclass", y, y_pred=pred, y_score=p, averaging=self.averaging
        )
        metrics["fbeta"] = float(
            multiclass_value(
                "fbeta", multiclass_confusion(y, pred, kk), self.averaging, beta=self.beta
            )
        )
        missing = self.names - set(metrics) - COST_METRICS
        if missing:
            raise MetricError(
                f"evaluate: {', '.join(sorted(missing))} need class probabilities; give y_score"
            )
        env = _with_costs(metrics, costs)
        value = float(self._combine(env))
        if (unreachable := self._unreachable(env, metrics)) is not None:
            return unreachable
        reps, jack, note = None, None, ""
        if b > 0 and not (self.names <= COST_METRICS):
            if all(n in MULTICLASS_CONFUSION or n in COST_METRICS for n in self.names):
                cm = multiclass_confusion(y, pred, kk)
                cells = cm.ravel()

                def stat(d: NDArray[np.int64]) -> F64:
                    stack = d.reshape(-1, kk, kk)
                    e: dict[str, Any] = {
                        n: multiclass_value(n, stack, self.averaging, beta=self.beta)
                        for n in self.names
                        if n in MULTICLASS_CONFUSION
                    }
                    e.update(
                        {n: float(costs[n]) for n in self.names if n in COST_METRICS and costs}
                    )
                    return self._combine(e)

                reps = stat(multinomial_replicates(cells, b, rng))
                jack = count_jackknife(cells, stat)
            elif y.size * b <= ROW_BOOTSTRAP_BUDGET:

                def rstat(idx: NDArray[np.intp]) -> float:
                    pp = p[idx] if p is not None else None
                    m = standard_metrics(
                        "multiclass", y[idx], y_pred=pred[idx], y_score=pp, averaging=self.averaging
                    )
                    return self._combine_or_nan(m, costs)

                reps, note = row_replicates(y.size, rstat, b, rng), "row bootstrap"
            else:
                note = "no interval: too many rows for the row bootstrap"
        return self._finish(value, reps, conf, meth, jack, metrics, None, note)

    def _regression(
        self,
        y_true: Any,
        y_pred: Any,
        costs: Mapping[str, float] | None,
        b: int,
        conf: float,
        meth: Method,
        rng: np.random.Generator,
    ) -> PolicyResult:
        if y_pred is None:
            raise MetricError("evaluate: give y_pred (real values) for a regression task")
        y = as_real(y_true, "y_true")
        p = as_real(y_pred, "y_pred")
        check_lengths("evaluate", y_true=y, y_pred=p)
        metrics = standard_metrics("regression", y, y_pred=p)
        missing = self.names - set(metrics) - COST_METRICS
        if missing:
            raise MetricError(
                f"evaluate: {', '.join(sorted(missing))} undefined (mape needs non-zero targets)"
            )
        env = _with_costs(metrics, costs)
        value = float(self._combine(env))
        if (unreachable := self._unreachable(env, metrics)) is not None:
            return unreachable
        reps, note = None, ""
        if b > 0 and not (self.names <= COST_METRICS):
            if y.size * b <= ROW_BOOTSTRAP_BUDGET:

                def stat(idx: NDArray[np.intp]) -> float:
                    m = standard_metrics("regression", y[idx], y_pred=p[idx])
                    return self._combine_or_nan(m, costs)

                reps, note = row_replicates(y.size, stat, b, rng), "row bootstrap"
            else:
                note = "no interval: too many rows for the row bootstrap"
        return self._finish(value, reps, conf, meth, None, metrics, None, note)


def _count_stat(obj: CountFunction) -> Callable[[NDArray[np.int64]], F64]:
    def stat(d: NDArray[np.int64]) -> F64:
        x = d.astype(np.float64)
        return obj(x[:, 0], x[:, 1], x[:, 2], x[:, 3])

    return stat


def _with_costs(metrics: Mapping[str, float], costs: Mapping[str, float] | None) -> dict[str, Any]:
    """The metric values with the cost values added (the environment a policy reads)."""
    env: dict[str, Any] = dict(metrics)
    env.update({k: float(v) for k, v in (costs or {}).items()})
    return env
