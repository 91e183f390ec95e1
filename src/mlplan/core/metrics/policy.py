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
from mlplan.core.metrics.standard import binary_count_metrics, standard_metrics
from mlplan.core.metrics.thresholds import (
    PROBABILITY_METRICS,
    ThresholdChoice,
    choose_threshold,
    constraint_checks,
    policy_constraints,
    policy_objective,
    threshold_free_values,
)
from mlplan.errors import MetricError
from mlplan.records.evaluation import ConstraintCheck, IntervalKind

__all__ = ["MetricPolicy", "PolicyResult", "ThresholdChoice", "ThresholdMode"]

F64 = NDArray[np.float64]
Kind = Literal["single", "constrained", "average", "weighted", "fbeta", "formula"]
#: The plan's ``metric.threshold``: a fixed number, ``"tuned"``, or None (the default:
#: tuned where an honest choice exists; on the test rows only for constrained and
#: F-beta policies, 0.5 otherwise).
ThresholdMode = float | Literal["tuned"] | None

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
        The operating threshold of scored binary predictions (given, or chosen on
        these rows when ``tuned``); None for labels or a threshold-free policy.
    reachable : bool
        False when no threshold meets the constraints on these rows.
    metrics : dict of str to float
        Every standard metric at the operating point.
    note : str
        Why a value is missing, caveats.
    constraints : tuple of ConstraintCheck
        The constraints checked on these rows at the operating point.
    interval : {"", "threshold fixed", "threshold re-chosen per resample"}
        What the interval resamples.
    tuned : bool
        True when the threshold was chosen on these same rows (an optimistic value).
    """

    value: float | None
    lo: float | None
    hi: float | None
    threshold: float | None
    reachable: bool
    metrics: dict[str, float] = field(default_factory=dict)
    note: str = ""
    constraints: tuple[ConstraintCheck, ...] = ()
    interval: IntervalKind = ""
    tuned: bool = False


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
            return self._binary(
                y_true, y_pred, y_score, costs, b, conf, meth, rng, rechoose, threshold, margin
            )
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

    def _checks(self, env: Mapping[str, Any]) -> tuple[ConstraintCheck, ...]:
        """The constraints checked on metric values (no intervals: labels of many classes)."""
        out = []
        for c in self.constraints:
            value = float(env[c.name])
            out.append(
                ConstraintCheck(
                    name=c.name,
                    op=c.op,
                    bound=c.bound,
                    value=value if math.isfinite(value) else None,
                    holds=bool(c.holds(value)),
                )
            )
        return tuple(out)

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
        checks: tuple[ConstraintCheck, ...] = (),
        kind: IntervalKind = "",
        tuned: bool = False,
    ) -> PolicyResult:
        violated = [str(c) for c in checks if not c.holds]
        if violated:
            where = "at the chosen labels" if threshold is None else "at the threshold"
            note = join_notes(f"constraint not met {where}: " + "; ".join(violated), note)
        lo = hi = None
        if reps is not None and reps.size:
            use = meth if jack is not None else "percentile"
            lo, hi = interval(reps, value, conf, use, jack)
            if meth == "bca" and jack is None:
                note = join_notes(note, "BCa needs a jackknife here; percentile interval used")
            bad = int(np.sum(~np.isfinite(reps)))
            if bad:
                note = join_notes(note, f"{bad} of {reps.size} resamples had no feasible value")
        return PolicyResult(value, lo, hi, threshold, True, metrics, note, checks, kind, tuned)

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
        threshold: float | None,
        margin: bool,
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
        if margin and needs_scores & PROBABILITY_METRICS:
            raise MetricError(
                f"evaluate: {', '.join(sorted(needs_scores & PROBABILITY_METRICS))} need "
                "probabilities; the plan says this score is a margin (score: margin)"
            )
        constants: dict[str, float] = {}
        if s is not None:
            constants = threshold_free_values(y, s, margin=margin)
            for k in needs_scores:
                if k not in constants:
                    raise MetricError(
                        f"evaluate: {k} is undefined here (one class only, or scores outside [0, 1])"
                    )
        used: float | None = None
        if s is not None and self.threshold_dependent:
            used = threshold if threshold is not None else self.fixed_threshold
            if used is None and self.tunes_on_test:
                return self._tuned(y, s, constants, costs, b, conf, meth, rng, rechoose, margin)
            if used is None:
                used = 0.0 if margin else 0.5
        if s is not None:
            pred = s >= (0.5 if used is None else used)
        assert pred is not None
        counts = binary_counts(y, pred)
        metrics = binary_count_metrics(counts, self.beta if self.beta != 1.0 else None)
        metrics.update(constants)
        env = _with_costs(metrics, costs)
        value = float(self._combine(env))
        cons = policy_constraints(self, costs=costs, constants=constants)
        draws = multinomial_replicates(counts.as_array(), b, rng) if b > 0 and cons else None
        checks = constraint_checks(
            cons, counts, n_resamples=b, confidence=conf, rng=rng, draws=draws
        )
        reps, jack, note = None, None, ""
        if b > 0 and not (self.names <= COST_METRICS):
            if self._count_based():
                fn = self._count_value_function(costs)
                cells = counts.as_array()
                stat = lambda d: fn(d[:, 0], d[:, 1], d[:, 2], d[:, 3])  # noqa: E731
                reps = stat(draws if draws is not None else multinomial_replicates(cells, b, rng))
                jack = count_jackknife(cells, stat)
            else:
                reps, note = self._row_bootstrap_binary(y, pred, s, costs, b, rng, value)
        kind: IntervalKind = "threshold fixed" if used is not None else ""
        return self._finish(value, reps, conf, meth, jack, metrics, used, note, checks, kind)

    def _tuned(
        self,
        y: NDArray[np.bool_],
        s: NDArray[Any],
        constants: dict[str, float],
        costs: Mapping[str, float] | None,
        b: int,
        conf: float,
        meth: Method,
        rng: np.random.Generator,
        rechoose: bool | None,
        margin: bool,
    ) -> PolicyResult:
        """Choose the threshold on these rows and score them there (an optimistic value)."""
        choice, curve, idx = choose_threshold(self, y, s, costs=costs, margin=margin)
        if idx is None:
            return PolicyResult(None, None, None, None, False, {}, choice.note, tuned=True)
        obj = policy_objective(self, costs=costs, constants=constants)
        cons = policy_constraints(self, costs=costs, constants=constants)
        counts = curve.counts(idx)
        metrics = binary_count_metrics(counts, self.beta if self.beta != 1.0 else None)
        metrics.update(constants)
        assert choice.value is not None
        reps, jack, draws = None, None, None
        kind: IntervalKind = ""
        # the value's interval draws first, the constraints' checks reuse its draws (or come
        # after): checking a constraint never changes the value's interval
        if b > 0:
            use_rechoose = self.rechoose if rechoose is None else rechoose
            if use_rechoose:
                if int(curve.group_pos.sum() + curve.group_neg.sum()) != y.size:
                    curve = score_curve(y, s)  # only the full curve can be resampled
                reps, _ = rechosen_replicates(curve, obj, self.higher_is_better, cons, b, rng)
                kind = "threshold re-chosen per resample"
            else:
                cells = counts.as_array()
                stat = _count_stat(obj)
                draws = multinomial_replicates(cells, b, rng)
                reps = stat(draws)
                jack = count_jackknife(cells, stat)
                kind = "threshold fixed"
        checks = constraint_checks(
            cons, counts, n_resamples=b, confidence=conf, rng=rng, draws=draws
        )
        return self._finish(
            choice.value, reps, conf, meth, jack, metrics, choice.threshold, "", checks, kind, True
        )

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
        checks = self._checks(env)
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
        return self._finish(value, reps, conf, meth, jack, metrics, None, note, checks)

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
        checks = self._checks(env)
        reps, note = None, ""
        if b > 0 and not (self.names <= COST_METRICS):
            if y.size * b <= ROW_BOOTSTRAP_BUDGET:

                def stat(idx: NDArray[np.intp]) -> float:
                    m = standard_metrics("regression", y[idx], y_pred=p[idx])
                    return self._combine_or_nan(m, costs)

                reps, note = row_replicates(y.size, stat, b, rng), "row bootstrap"
            else:
                note = "no interval: too many rows for the row bootstrap"
        return self._finish(value, reps, conf, meth, None, metrics, None, note, checks)


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
