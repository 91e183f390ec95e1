"""Paired comparisons for the gate: many metrics, one counting pass, one set of resamples.

A thin adapter over :mod:`mlplan.metrics.paired`.  The engine's
:func:`~mlplan.metrics.paired.compare` recounts the rows for every metric; a gate
compares the candidate with each opponent on several metrics, so here the joint
cells ``(truth, label of the opponent, label of the candidate)`` are counted once
per opponent and one set of multinomial draws serves every metric (the draws and
the interval are exactly those :func:`compare` produces for the same seed).
McNemar's exact test comes from the engine; ROC AUC goes to its DeLong test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from mlplan.errors import MetricError
from mlplan.metrics import Comparison, MetricPolicy, compare
from mlplan.metrics.bootstrap import interval, multinomial_replicates
from mlplan.metrics.definitions import THRESHOLD_FREE, metric_info
from mlplan.metrics.multiclass import MULTICLASS_CONFUSION, multiclass_value
from mlplan.metrics.objective import CountFunction, count_function, formula_count_function
from mlplan.metrics.paired import mcnemar

__all__ = ["GateMetric", "PairedTable", "gate_metric", "paired_table"]

F64 = NDArray[np.float64]
POLICY_KEY = "metric"


@dataclass(frozen=True, kw_only=True)
class GateMetric:
    """A metric the gate can compare, resolved from a key of the plan's ``gate:`` section.

    Attributes
    ----------
    key : str
        As written in the plan (``"metric"`` is the plan's one number).
    label : str
        Shown in reports (``"f1"``, ``"recall s.t. precision >= 0.4"``).
    higher_is_better : bool
    kind : {"counts", "roc_auc"}
        ``counts``: a function of the confusion cells at each model's operating
        point; ``roc_auc``: threshold-free, compared with DeLong's test.
    components : tuple of (str, float)
        Weighted mean of count metrics (one entry for a single metric).
    formula : Formula or None
        The plan's formula, for a formula policy.
    beta : float
    averaging : str
    """

    key: str
    label: str
    higher_is_better: bool
    kind: Literal["counts", "roc_auc"]
    components: tuple[tuple[str, float], ...] = ()
    formula: object | None = None
    beta: float = 1.0
    averaging: str = "macro"

    def count_function(self, costs: Mapping[str, float] | None = None) -> CountFunction:
        """The binary :class:`CountFunction` of this metric for one model's costs."""
        if self.formula is not None:
            return formula_count_function(self.formula, beta=self.beta, costs=costs)  # type: ignore[arg-type]
        parts = [(count_function(n, beta=self.beta, costs=costs), w) for n, w in self.components]
        if len(parts) == 1:
            return parts[0][0]
        total = sum(w for _, w in parts)

        def fn(tp: F64, fp: F64, tn: F64, fn_: F64) -> F64:
            return np.asarray(sum(w * f(tp, fp, tn, fn_) for f, w in parts) / total)

        return CountFunction(self.label, fn, monotone=False)

    def multiclass_value(self, cm: NDArray[np.integer] | F64) -> F64:
        """Value on a stack of K x K confusion matrices."""
        if self.formula is not None:
            raise MetricError(
                f"gate: {self.label!r} (a formula) has no multiclass paired comparison"
            )
        total = sum(w for _, w in self.components)
        return np.asarray(
            sum(
                w * multiclass_value(n, cm, self.averaging, beta=self.beta)
                for n, w in self.components
            )
            / total
        )


def gate_metric(key: str, policy: MetricPolicy) -> GateMetric:
    """Resolve a gate key (``"metric"`` or a metric name) for the plan's task.

    Raises
    ------
    MetricError
        If the metric has no paired comparison (e.g. log_loss, regression).
    """
    task = policy.task
    if task not in ("binary", "multiclass"):
        raise MetricError(
            f"gate: paired comparisons support binary and multiclass tasks; got {task}"
        )
    common: dict[str, Any] = {"beta": policy.beta, "averaging": policy.averaging}
    if key != POLICY_KEY:
        info = metric_info(key)  # raises on unknown names
        if key == "roc_auc" and task == "binary":
            return GateMetric(key=key, label=key, higher_is_better=True, kind="roc_auc", **common)
        if info.kind == "cost":
            return GateMetric(
                key=key,
                label=key,
                higher_is_better=False,
                kind="counts",
                components=((key, 1.0),),
                **common,
            )
        if info.kind != "confusion" or (task == "multiclass" and key not in MULTICLASS_CONFUSION):
            raise MetricError(
                f"gate: {key!r} has no paired comparison for a {task} task; use a confusion "
                "metric (precision, recall, f1, accuracy, ...) or roc_auc"
            )
        return GateMetric(
            key=key,
            label=key,
            higher_is_better=info.higher_is_better,
            kind="counts",
            components=((key, 1.0),),
            **common,
        )
    label, hib = policy.name, policy.higher_is_better
    if policy.kind in ("single", "constrained"):
        assert policy.optimise is not None
        resolved = gate_metric(policy.optimise, policy)
        return GateMetric(
            key=key,
            label=label,
            higher_is_better=hib,
            kind=resolved.kind,
            components=resolved.components,
            **common,
        )
    if policy.kind == "fbeta":
        return GateMetric(
            key=key,
            label=label,
            higher_is_better=True,
            kind="counts",
            components=(("fbeta", 1.0),),
            **common,
        )
    if policy.kind in ("average", "weighted"):
        for name, _ in policy.components:
            gate_metric(name, policy)  # each part must be comparable
        return GateMetric(
            key=key,
            label=label,
            higher_is_better=hib,
            kind="counts",
            components=policy.components,
            **common,
        )
    if task != "binary" or any(n in THRESHOLD_FREE for n in policy.names):
        raise MetricError(f"gate: the formula {label!r} has no paired comparison here")
    return GateMetric(
        key=key, label=label, higher_is_better=True, kind="counts", formula=policy.formula, **common
    )


@dataclass(frozen=True)
class PairedTable:
    """Joint cells of a reference model ``a`` and the candidate ``b``, with shared resamples.

    Attributes
    ----------
    task : str
    k : int
        Number of classes (2 for binary).
    cells : ndarray of int64
        Counts of ``(truth, a, b)``, length ``k**3``.
    draws : ndarray of int64, shape (B, k**3)
        Multinomial resamples of the cells (the paired row bootstrap).
    p_mcnemar : float
        Exact McNemar p-value of "same error rate".
    a_only, b_only : int
        Rows only ``a`` (resp. only ``b``) gets right.
    """

    task: str
    k: int
    cells: NDArray[np.int64]
    draws: NDArray[np.int64]
    p_mcnemar: float
    a_only: int
    b_only: int

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.cells.sum())

    def _marginals(self, d: NDArray[np.integer]) -> tuple[F64, F64]:
        k = self.k
        x = np.asarray(d, dtype=np.float64).reshape(-1, k, k, k)  # truth, a, b
        return x.sum(axis=3), x.sum(axis=2)  # (-1, truth, label of a), (-1, truth, label of b)

    def _values(
        self,
        metric: GateMetric,
        d: NDArray[np.integer],
        costs: tuple[Mapping[str, float] | None, Mapping[str, float] | None],
    ) -> tuple[F64, F64]:
        ma, mb = self._marginals(d)
        if self.task == "multiclass":
            return metric.multiclass_value(ma), metric.multiclass_value(mb)
        out = []
        for m, c in ((ma, costs[0]), (mb, costs[1])):
            f = metric.count_function(c)
            out.append(f(m[:, 1, 1], m[:, 0, 1], m[:, 0, 0], m[:, 1, 0]))
        return out[0], out[1]

    def own_interval(
        self, metric: GateMetric, *, confidence: float, costs: Mapping[str, float] | None = None
    ) -> tuple[float, float | None, float | None]:
        """The candidate's (``b``'s) own value and bootstrap interval, from the same resamples."""
        _, vb = self._values(metric, self.cells[None, :], (costs, costs))
        _, rb = self._values(metric, self.draws, (costs, costs))
        lo, hi = interval(rb, float(vb[0]), confidence, "percentile")
        return float(vb[0]), lo, hi

    def compare(
        self,
        metric: GateMetric,
        *,
        confidence: float,
        costs_a: Mapping[str, float] | None = None,
        costs_b: Mapping[str, float] | None = None,
    ) -> Comparison:
        """Difference ``b - a`` of ``metric`` with its paired percentile interval.

        Raises
        ------
        MetricError
            When a cost metric was not given for a model.
        """
        costs = (costs_a, costs_b)
        va, vb = self._values(metric, self.cells[None, :], costs)
        ra, rb = self._values(metric, self.draws, costs)
        diff = float(vb[0] - va[0])
        lo, hi = interval(rb - ra, diff, confidence, "percentile")
        return Comparison(
            metric.label,
            float(va[0]),
            float(vb[0]),
            diff,
            lo,
            hi,
            self.p_mcnemar,
            "mcnemar",
            metric.higher_is_better,
            self.n,
        )


def paired_table(
    y: NDArray[np.integer] | NDArray[np.bool_],
    a: NDArray[np.integer] | NDArray[np.bool_],
    b: NDArray[np.integer] | NDArray[np.bool_],
    *,
    task: str,
    k: int = 2,
    n_resamples: int,
    seed: int,
) -> PairedTable:
    """Count the joint cells of ``(y, a, b)`` once and draw the paired resamples.

    ``y``, ``a`` and ``b`` are 0/1 labels (binary) or class codes ``0..k-1``.
    """
    yi = np.asarray(y, dtype=np.int64)
    ai = np.asarray(a, dtype=np.int64)
    bi = np.asarray(b, dtype=np.int64)
    if not (yi.shape == ai.shape == bi.shape) or yi.ndim != 1:
        raise MetricError(
            f"gate: truth and labels must be 1-D of one length; got {yi.shape}, {ai.shape}, {bi.shape}"
        )
    k = 2 if task == "binary" else int(k)
    cells = np.bincount((yi * k + ai) * k + bi, minlength=k**3).astype(np.int64)
    draws = multinomial_replicates(cells, n_resamples, np.random.default_rng(seed))
    p, a_only, b_only = mcnemar(ai == yi, bi == yi)
    return PairedTable(task, k, cells, draws, p, a_only, b_only)


def delong_compare(
    y: NDArray[np.integer] | NDArray[np.bool_], score_a: F64, score_b: F64, *, confidence: float
) -> Comparison:
    """ROC AUC of ``b`` against ``a`` (the engine's DeLong test and normal interval)."""
    return compare(y, score_a, score_b, metric="roc_auc", confidence=confidence)
