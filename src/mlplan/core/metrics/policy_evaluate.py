"""Scoring predictions with a policy, task by task: the value, its interval, the checks.

:meth:`~mlplan.core.metrics.policy.MetricPolicy.evaluate` validates its settings and
hands the predictions to :func:`evaluate_binary`, :func:`evaluate_multiclass` or
:func:`evaluate_regression`.  Each computes the policy value on the rows, checks the
constraints, and resamples the cheapest exact way: multinomial draws of the
confusion cells when the policy reads only confusion and cost metrics (with a
jackknife, so BCa applies), else a row bootstrap within
:data:`ROW_BOOTSTRAP_BUDGET`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

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
    multinomial_replicates,
    rechosen_replicates,
    row_replicates,
)
from mlplan.core.metrics.counts import binary_counts, multiclass_confusion, score_curve
from mlplan.core.metrics.definitions import COST_METRICS, THRESHOLD_FREE, metric_info
from mlplan.core.metrics.multiclass import MULTICLASS_CONFUSION, multiclass_value
from mlplan.core.metrics.objective import CountFunction, count_function
from mlplan.core.metrics.policy_result import PolicyResult, finish_result
from mlplan.core.metrics.standard import binary_count_metrics, standard_metrics
from mlplan.core.metrics.thresholds import (
    PROBABILITY_METRICS,
    choose_threshold,
    constraint_checks,
    policy_constraints,
    policy_objective,
    threshold_free_values,
)
from mlplan.errors import MetricError
from mlplan.records.evaluation import ConstraintCheck, IntervalKind

if TYPE_CHECKING:
    from mlplan.core.metrics.policy import MetricPolicy

__all__ = [
    "ROW_BOOTSTRAP_BUDGET",
    "evaluate_binary",
    "evaluate_multiclass",
    "evaluate_regression",
]

F64 = NDArray[np.float64]

#: Above this many row-resample operations (rows x resamples), a policy that needs
#: the row bootstrap gets no interval (noted on the result).
ROW_BOOTSTRAP_BUDGET = 20_000_000


# ------------------------------------------------------------------ binary
def evaluate_binary(
    policy: MetricPolicy,
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
    """The policy on binary labels or scores (see :meth:`MetricPolicy.evaluate`)."""
    y = as_binary_labels(y_true)
    s = as_scores(y_score) if y_score is not None else None
    pred = as_binary_labels(y_pred, "y_pred") if y_pred is not None else None
    check_lengths("evaluate", y_true=y, y_pred=pred, y_score=s)
    if pred is None and s is None:
        raise MetricError("evaluate: give y_pred or y_score for a binary task")
    needs_scores = policy.names & THRESHOLD_FREE
    if needs_scores and s is None:
        raise MetricError(f"evaluate: {', '.join(sorted(needs_scores))} need scores; give y_score")
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
    if s is not None and policy.threshold_dependent:
        used = threshold if threshold is not None else policy.fixed_threshold
        if used is None and policy.tunes_on_test:
            return _tuned(policy, y, s, constants, costs, b, conf, meth, rng, rechoose, margin)
        if used is None:
            used = 0.0 if margin else 0.5
    if s is not None:
        pred = s >= (0.5 if used is None else used)
    assert pred is not None
    counts = binary_counts(y, pred)
    metrics = binary_count_metrics(counts, policy.beta if policy.beta != 1.0 else None)
    metrics.update(constants)
    env = _with_costs(metrics, costs)
    value = float(policy.combine(env))
    cons = policy_constraints(policy, costs=costs, constants=constants)
    draws = multinomial_replicates(counts.as_array(), b, rng) if b > 0 and cons else None
    checks = constraint_checks(cons, counts, n_resamples=b, confidence=conf, rng=rng, draws=draws)
    reps, jack, note = None, None, ""
    if b > 0 and not (policy.names <= COST_METRICS):
        if _count_based(policy):
            fn = _count_value_function(policy, costs)
            cells = counts.as_array()
            stat = lambda d: fn(d[:, 0], d[:, 1], d[:, 2], d[:, 3])  # noqa: E731
            reps = stat(draws if draws is not None else multinomial_replicates(cells, b, rng))
            jack = count_jackknife(cells, stat)
        else:
            reps, note = _row_bootstrap_binary(policy, y, pred, s, costs, b, rng, value)
    kind: IntervalKind = "threshold fixed" if used is not None else ""
    return finish_result(value, reps, conf, meth, jack, metrics, used, note, checks, kind)


def _tuned(
    policy: MetricPolicy,
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
    choice, curve, idx = choose_threshold(policy, y, s, costs=costs, margin=margin)
    if idx is None:
        return PolicyResult(None, None, None, None, False, {}, choice.note, tuned=True)
    obj = policy_objective(policy, costs=costs, constants=constants)
    cons = policy_constraints(policy, costs=costs, constants=constants)
    counts = curve.counts(idx)
    metrics = binary_count_metrics(counts, policy.beta if policy.beta != 1.0 else None)
    metrics.update(constants)
    assert choice.value is not None
    reps, jack, draws = None, None, None
    kind: IntervalKind = ""
    # the value's interval draws first, the constraints' checks reuse its draws (or come
    # after): checking a constraint never changes the value's interval
    if b > 0:
        use_rechoose = policy.rechoose if rechoose is None else rechoose
        if use_rechoose:
            if int(curve.group_pos.sum() + curve.group_neg.sum()) != y.size:
                curve = score_curve(y, s)  # only the full curve can be resampled
            reps, _ = rechosen_replicates(curve, obj, policy.higher_is_better, cons, b, rng)
            kind = "threshold re-chosen per resample"
        else:
            cells = counts.as_array()
            stat = _count_stat(obj)
            draws = multinomial_replicates(cells, b, rng)
            reps = stat(draws)
            jack = count_jackknife(cells, stat)
            kind = "threshold fixed"
    checks = constraint_checks(cons, counts, n_resamples=b, confidence=conf, rng=rng, draws=draws)
    return finish_result(
        choice.value, reps, conf, meth, jack, metrics, choice.threshold, "", checks, kind, True
    )


def _count_based(policy: MetricPolicy) -> bool:
    return all(
        n not in THRESHOLD_FREE and metric_info(n).kind != "regression" for n in policy.names
    )


def _count_value_function(
    policy: MetricPolicy, costs: Mapping[str, float] | None
) -> Callable[..., F64]:
    parts = {n: count_function(n, beta=policy.beta, costs=costs) for n in policy.names}

    def fn(tp: F64, fp: F64, tn: F64, fn_: F64) -> F64:
        env = {n: p(tp, fp, tn, fn_) for n, p in parts.items()}
        return policy.combine(env)

    return fn


def _count_stat(obj: CountFunction) -> Callable[[NDArray[np.int64]], F64]:
    def stat(d: NDArray[np.int64]) -> F64:
        x = d.astype(np.float64)
        return obj(x[:, 0], x[:, 1], x[:, 2], x[:, 3])

    return stat


def _row_bootstrap_binary(
    policy: MetricPolicy,
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
        return _combine_or_nan(policy, m, costs)

    return row_replicates(n, stat, b, rng), "row bootstrap"


# ------------------------------------------------------- multiclass, regression
def evaluate_multiclass(
    policy: MetricPolicy,
    y_true: Any,
    y_pred: Any,
    y_score: Any,
    costs: Mapping[str, float] | None,
    b: int,
    conf: float,
    meth: Method,
    rng: np.random.Generator,
) -> PolicyResult:
    """The policy on class codes and/or class probabilities."""
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
    metrics = standard_metrics("multiclass", y, y_pred=pred, y_score=p, averaging=policy.averaging)
    metrics["fbeta"] = float(
        multiclass_value(
            "fbeta", multiclass_confusion(y, pred, kk), policy.averaging, beta=policy.beta
        )
    )
    missing = policy.names - set(metrics) - COST_METRICS
    if missing:
        raise MetricError(
            f"evaluate: {', '.join(sorted(missing))} need class probabilities; give y_score"
        )
    env = _with_costs(metrics, costs)
    value = float(policy.combine(env))
    checks = _label_checks(policy, env)
    reps, jack, note = None, None, ""
    if b > 0 and not (policy.names <= COST_METRICS):
        if all(n in MULTICLASS_CONFUSION or n in COST_METRICS for n in policy.names):
            cm = multiclass_confusion(y, pred, kk)
            cells = cm.ravel()

            def stat(d: NDArray[np.int64]) -> F64:
                stack = d.reshape(-1, kk, kk)
                e: dict[str, Any] = {
                    n: multiclass_value(n, stack, policy.averaging, beta=policy.beta)
                    for n in policy.names
                    if n in MULTICLASS_CONFUSION
                }
                e.update({n: float(costs[n]) for n in policy.names if n in COST_METRICS and costs})
                return policy.combine(e)

            reps = stat(multinomial_replicates(cells, b, rng))
            jack = count_jackknife(cells, stat)
        elif y.size * b <= ROW_BOOTSTRAP_BUDGET:

            def rstat(idx: NDArray[np.intp]) -> float:
                pp = p[idx] if p is not None else None
                m = standard_metrics(
                    "multiclass", y[idx], y_pred=pred[idx], y_score=pp, averaging=policy.averaging
                )
                return _combine_or_nan(policy, m, costs)

            reps, note = row_replicates(y.size, rstat, b, rng), "row bootstrap"
        else:
            note = "no interval: too many rows for the row bootstrap"
    return finish_result(value, reps, conf, meth, jack, metrics, None, note, checks)


def evaluate_regression(
    policy: MetricPolicy,
    y_true: Any,
    y_pred: Any,
    costs: Mapping[str, float] | None,
    b: int,
    conf: float,
    meth: Method,
    rng: np.random.Generator,
) -> PolicyResult:
    """The policy on real-valued predictions."""
    if y_pred is None:
        raise MetricError("evaluate: give y_pred (real values) for a regression task")
    y = as_real(y_true, "y_true")
    p = as_real(y_pred, "y_pred")
    check_lengths("evaluate", y_true=y, y_pred=p)
    metrics = standard_metrics("regression", y, y_pred=p)
    missing = policy.names - set(metrics) - COST_METRICS
    if missing:
        raise MetricError(
            f"evaluate: {', '.join(sorted(missing))} undefined (mape needs non-zero targets)"
        )
    env = _with_costs(metrics, costs)
    value = float(policy.combine(env))
    checks = _label_checks(policy, env)
    reps, note = None, ""
    if b > 0 and not (policy.names <= COST_METRICS):
        if y.size * b <= ROW_BOOTSTRAP_BUDGET:

            def stat(idx: NDArray[np.intp]) -> float:
                m = standard_metrics("regression", y[idx], y_pred=p[idx])
                return _combine_or_nan(policy, m, costs)

            reps, note = row_replicates(y.size, stat, b, rng), "row bootstrap"
        else:
            note = "no interval: too many rows for the row bootstrap"
    return finish_result(value, reps, conf, meth, None, metrics, None, note, checks)


# ------------------------------------------------------------------ pieces
def _label_checks(policy: MetricPolicy, env: Mapping[str, Any]) -> tuple[ConstraintCheck, ...]:
    """The constraints checked on metric values (no intervals: labels of many classes)."""
    out = []
    for c in policy.constraints:
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


def _combine_or_nan(
    policy: MetricPolicy, m: dict[str, float], costs: Mapping[str, float] | None
) -> float:
    """One resample's policy value from its metrics and the costs; NaN if one is missing."""
    m.update({k: float(v) for k, v in (costs or {}).items()})
    try:
        return float(policy.combine(m))
    except KeyError:
        return float("nan")


def _with_costs(metrics: Mapping[str, float], costs: Mapping[str, float] | None) -> dict[str, Any]:
    """The metric values with the cost values added (the environment a policy reads)."""
    env: dict[str, Any] = dict(metrics)
    env.update({k: float(v) for k, v in (costs or {}).items()})
    return env
