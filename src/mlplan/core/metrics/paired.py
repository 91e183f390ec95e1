"""Paired comparison of models scored on the same rows.

:func:`paired_table` compares a candidate ``b`` with one or more opponents ``a``
on several metrics at once, each model at its own fixed threshold.  Per
opponent it picks, for each metric, the cheapest exact paired bootstrap:

* **confusion metrics** (and policies built only from them and cost metrics):
  the rows fall into joint cells ``(truth, label of a, label of b)`` -- 8 for
  binary, K³ for multiclass -- and resampling rows draws those cells from a
  multinomial, so one counting pass plus ``B`` small draws serve every such
  metric; McNemar's exact test uses the discordant cells;
* **binary ROC AUC**: DeLong's test and its normal interval;
* **everything else** (average precision, log loss, Brier, multiclass ROC AUC,
  regression metrics, and policies mixing them in): a paired row bootstrap, the
  same drawn rows scoring both models, in chunks of row weights so memory stays
  bounded (:mod:`mlplan.core.metrics.weighted`).

A :class:`~mlplan.core.metrics.policy.MetricPolicy` is compared on its own value:
single and constrained policies on the optimised metric, averages, weighted
means, F-beta and formulas through a bootstrap of the policy value.
:func:`compare` is the two-model, one-metric special case; the tests themselves
live in :mod:`mlplan.core.metrics.significance`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from mlplan._text import join_notes
from mlplan.core.metrics._validate import (
    as_binary_labels,
    as_class_codes,
    as_probabilities,
    as_real,
    as_scores,
    check_lengths,
)
from mlplan.core.metrics.bootstrap import Method, count_jackknife, interval, multinomial_replicates
from mlplan.core.metrics.definitions import BINARY_CONFUSION, COST_METRICS, COUNT_NAMES, metric_info
from mlplan.core.metrics.multiclass import MULTICLASS_CONFUSION
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.core.metrics.significance import (
    delong,
    delong_cov,
    delong_test,
    mcnemar,
    mcnemar_counts,
)
from mlplan.core.metrics.weighted import (
    ROW_CHUNK_CELLS,
    WeightedRows,
    cell_metrics,
    resample_weights,
)
from mlplan.errors import MetricError
from mlplan.records.paired import PairedModel, PairedResult, Test

__all__ = [
    "PairedModel",
    "PairedResult",
    "compare",
    "delong",
    "mcnemar",
    "mcnemar_counts",
    "paired_table",
]

F64 = NDArray[np.float64]
Task = Literal["binary", "multiclass", "regression"]


# ------------------------------------------------------------ metric specs
@dataclass(frozen=True)
class _Spec:
    label: str
    higher_is_better: bool
    names: frozenset[str]
    combine: Callable[[Mapping[str, Any]], F64]
    route: Literal["counts", "delong", "rows"]
    averaging: str
    beta: float
    note: str = ""


def _counted(name: str, task: str) -> bool:
    if name in COST_METRICS:
        return True
    if task == "binary":
        return name in BINARY_CONFUSION or name == "fbeta" or name in COUNT_NAMES
    return task == "multiclass" and name in MULTICLASS_CONFUSION


def _spec(target: str | MetricPolicy, task: str, averaging: str, beta: float) -> _Spec:
    if isinstance(target, MetricPolicy):
        if target.task != task:
            raise MetricError(
                f"paired_table: the policy {target.name!r} is for a {target.task} task, not {task}"
            )
        if target.kind in ("single", "constrained"):
            assert target.optimise is not None
            inner = _spec(target.optimise, task, target.averaging, target.beta)
            note = "each model at its fixed threshold" if target.kind == "constrained" else ""
            return _Spec(
                target.name, target.higher_is_better, inner.names, inner.combine, inner.route,
                target.averaging, target.beta, note,
            )  # fmt: skip
        names = target.names
        route: Literal["counts", "rows"] = (
            "counts" if all(_counted(n, task) for n in names) else "rows"
        )
        return _Spec(
            target.name, target.higher_is_better, names, target.combine, route,
            target.averaging, target.beta, "paired bootstrap of the policy value",
        )  # fmt: skip
    info = metric_info(target, task)

    def one(env: Mapping[str, Any]) -> F64:
        return np.asarray(env[target], dtype=np.float64)

    if _counted(target, task):
        how: Literal["counts", "delong", "rows"] = "counts"
    elif target == "roc_auc" and task == "binary":
        how = "delong"
    else:
        how = "rows"
    return _Spec(target, info.higher_is_better, frozenset({target}), one, how, averaging, beta)


# ------------------------------------------------------------ inputs
@dataclass(frozen=True)
class _Side:
    name: str
    labels: NDArray[Any] | None
    score: NDArray[Any] | None
    rows: WeightedRows


def _classes(task: str, y_true: Any, models: Sequence[PairedModel], n_classes: int | None) -> int:
    if task == "binary":
        return 2
    if task == "regression":
        return 0
    if n_classes is not None:
        return int(n_classes)
    for m in models:
        if m.score is not None and np.ndim(m.score) == 2:
            return int(np.shape(m.score)[1])
    arrays = [np.asarray(y_true)] + [np.asarray(m.pred) for m in models if m.pred is not None]
    return int(max(int(np.max(a)) for a in arrays if a.size)) + 1


def _side(m: PairedModel, task: str, y: NDArray[Any], k: int) -> _Side:
    where = f"{m.name}"
    score: NDArray[Any] | None = None
    labels: NDArray[Any] | None
    if task == "binary":
        score = as_scores(m.score, f"{where} score") if m.score is not None else None
        if score is not None and (m.threshold is not None or m.pred is None):
            labels = score >= (0.5 if m.threshold is None else m.threshold)
        elif m.pred is not None:
            labels = as_binary_labels(m.pred, f"{where} pred")
        else:
            raise MetricError(f"paired_table: give pred or score for {m.name!r}")
    elif task == "multiclass":
        score = as_probabilities(m.score, f"{where} score") if m.score is not None else None
        if score is not None and score.shape[1] != k:
            raise MetricError(
                f"paired_table: {m.name!r} has {score.shape[1]} probability columns; "
                f"the task has {k} classes"
            )
        if m.pred is not None:
            labels = as_class_codes(m.pred, k, f"{where} pred")
        elif score is not None:
            labels = np.argmax(score, axis=1).astype(np.int64)
        else:
            raise MetricError(f"paired_table: give pred or score for {m.name!r}")
    else:
        if m.pred is None:
            raise MetricError(f"paired_table: give pred (real values) for {m.name!r}")
        labels = as_real(m.pred, f"{where} pred")
    check_lengths("paired_table", y_true=y, pred=labels, score=score)
    rows = WeightedRows(task, y, labels, score, k=k, costs=m.costs)
    return _Side(m.name, labels, score, rows)


def _truth(y_true: Any, task: str, k: int) -> NDArray[Any]:
    if task == "binary":
        return as_binary_labels(y_true)
    if task == "multiclass":
        return as_class_codes(y_true, k, "y_true")
    if task == "regression":
        return as_real(y_true, "y_true")
    raise MetricError(f"paired_table: task must be binary, multiclass or regression; got {task!r}")


# ------------------------------------------------------------ one opponent
@dataclass
class _Draws:
    """What one opponent's comparisons share: joint cells and their draws, row resamples."""

    y: NDArray[Any]
    k: int
    a: _Side
    b: _Side
    n_resamples: int
    seed: int
    row_specs: Sequence[_Spec] = ()
    cells: NDArray[np.int64] | None = None
    draws: NDArray[np.int64] | None = None
    rows: dict[int, tuple[F64, F64] | MetricError] | None = None

    def joint(self) -> tuple[NDArray[np.int64], NDArray[np.int64] | None]:
        if self.cells is None:
            if self.a.labels is None or self.b.labels is None:
                raise MetricError("confusion metrics need labels of both models")
            k = self.k
            code = (np.asarray(self.y, np.int64) * k + np.asarray(self.a.labels, np.int64)) * k
            code += np.asarray(self.b.labels, np.int64)
            self.cells = np.bincount(code, minlength=k**3).astype(np.int64)
            if self.n_resamples > 0:
                rng = np.random.default_rng(self.seed)
                self.draws = multinomial_replicates(self.cells, self.n_resamples, rng)
        return self.cells, self.draws

    def replicates(self, spec: _Spec) -> tuple[F64, F64]:
        """Both models' values of ``spec`` on every row resample.

        The first call streams the resamples once, chunk by chunk, for every
        row-route metric of this opponent (:attr:`row_specs`), so memory stays at
        one chunk of weights whatever the number of resamples.
        """
        if self.rows is None:
            self.rows = self._stream(self.row_specs)
        found = self.rows.get(id(spec))
        if found is None:
            self.rows.update(self._stream([spec]))
            found = self.rows[id(spec)]
        if isinstance(found, MetricError):
            raise found
        return found

    def _stream(self, specs: Sequence[_Spec]) -> dict[int, tuple[F64, F64] | MetricError]:
        n, left = int(self.y.size), self.n_resamples
        size = max(1, ROW_CHUNK_CELLS // max(n, 1))
        rng = np.random.default_rng(self.seed)
        parts: dict[int, list[tuple[F64, F64]]] = {id(s): [] for s in specs}
        failed: dict[int, MetricError] = {}
        while left > 0:
            w = resample_weights(n, min(size, left), rng)
            left -= size
            for spec in specs:
                if id(spec) in failed:
                    continue
                try:
                    parts[id(spec)].append(_row_values(spec, self, w))
                except MetricError as exc:
                    failed[id(spec)] = exc
        out: dict[int, tuple[F64, F64] | MetricError] = dict(failed)
        for spec in specs:
            if id(spec) not in failed:
                got = parts[id(spec)]
                out[id(spec)] = (
                    np.concatenate([g[0] for g in got]),
                    np.concatenate([g[1] for g in got]),
                )
        return out


def _row_values(spec: _Spec, pair: _Draws, w: F64) -> tuple[F64, F64]:
    """Both models' values of ``spec`` under row weights ``w`` (shape ``(c, n)``)."""
    out = []
    for side in (pair.a, pair.b):
        env = side.rows.metrics(spec.names, w, averaging=spec.averaging, beta=spec.beta)
        out.append(np.asarray(spec.combine(env), dtype=np.float64))
    return out[0], out[1]


def _marginals(d: NDArray[np.integer], k: int) -> tuple[F64, F64]:
    x = np.asarray(d, dtype=np.float64).reshape(-1, k, k, k)  # truth, a, b
    return x.sum(axis=3), x.sum(axis=2)


def _by_counts(
    spec: _Spec, pair: _Draws, method: Method
) -> tuple[float, float, F64 | None, F64 | None, float, Any]:
    cells, draws = pair.joint()
    k, task = pair.k, pair.a.rows.task

    def values(d: NDArray[np.integer]) -> tuple[F64, F64]:
        ma, mb = _marginals(d, k)
        out = []
        for m, side in ((ma, pair.a), (mb, pair.b)):
            env = cell_metrics(
                spec.names, m, task=task, averaging=spec.averaging, beta=spec.beta,
                costs=side.rows.costs,
            )  # fmt: skip
            out.append(spec.combine(env))
        return out[0], out[1]

    va, vb = values(cells[None, :])
    ra = rb = None
    jack = None
    if draws is not None:
        ra, rb = values(draws)
        if method == "bca":

            def stat(d: NDArray[np.int64]) -> F64:
                a, b = values(d)
                return b - a

            jack = count_jackknife(cells, stat)
    x = cells.reshape(k, k, k)
    eye = np.eye(k, dtype=bool)
    a_right, b_right = eye[:, :, None], eye[:, None, :]
    n01 = int(x[a_right & ~b_right].sum())
    n10 = int(x[~a_right & b_right].sum())
    return float(va[0]), float(vb[0]), ra, rb, mcnemar_counts(n01, n10), jack


def _by_rows(spec: _Spec, pair: _Draws) -> tuple[float, float, F64 | None, F64 | None]:
    va, vb = _row_values(spec, pair, np.ones((1, pair.y.size)))
    ra = rb = None
    if pair.n_resamples > 0:
        ra, rb = pair.replicates(spec)
    return float(va[0]), float(vb[0]), ra, rb


def _one(spec: _Spec, pair: _Draws, confidence: float, method: Method) -> PairedResult:
    p: float | None = None
    note = spec.note
    test: Test
    lo: float | None
    hi: float | None
    own_lo: float | None
    own_hi: float | None
    draws: F64 | None = None
    if spec.route == "delong":
        if pair.a.score is None or pair.b.score is None:
            raise MetricError("roc_auc needs scores from both models")
        y = np.asarray(pair.y, dtype=bool)
        sa = pair.a.score.astype(np.float64)
        sb = pair.b.score.astype(np.float64)
        va, vb, cov = delong_cov(y, sa, sb)
        var, p = delong_test(va, vb, cov)
        z = float(ndtri(0.5 + confidence / 2.0))
        half, own = z * np.sqrt(var), z * np.sqrt(max(float(cov[1, 1]), 0.0))
        raw = vb - va
        lo, hi = float(raw - half), float(raw + half)
        own_lo, own_hi = float(vb - own), float(vb + own)
        test = "delong"
        note = join_notes(note, "normal interval from the DeLong covariance")
    else:
        if spec.route == "counts":
            va, vb, ra, rb, p, jack = _by_counts(spec, pair, method)
            test = "mcnemar"
        else:
            va, vb, ra, rb = _by_rows(spec, pair)
            jack, test = None, "bootstrap"
            note = join_notes(note, f"paired row bootstrap ({pair.n_resamples} resamples)")
        raw = vb - va
        lo = hi = own_lo = own_hi = None
        if ra is not None and rb is not None:
            diff = rb - ra
            draws = diff[np.isfinite(diff)]
            use: Method = method if jack is not None else "percentile"
            lo, hi = interval(rb - ra, raw, confidence, use, jack)
            own_lo, own_hi = interval(rb, vb, confidence, "percentile")
            bad = int(np.sum(~np.isfinite(rb - ra)))
            if bad:
                note = join_notes(note, f"{bad} of {rb.size} resamples had no value")
    if not spec.higher_is_better:
        raw = -raw
        lo, hi = (None if hi is None else -hi), (None if lo is None else -lo)
        draws = None if draws is None else -draws
    return PairedResult(
        metric=spec.label,
        candidate=pair.b.name,
        opponent=pair.a.name,
        value_a=float(va),
        value_b=float(vb),
        difference=float(raw),
        lo=lo,
        hi=hi,
        p_value=p,
        test=test,
        higher_is_better=spec.higher_is_better,
        n=int(pair.y.size),
        candidate_lo=own_lo,
        candidate_hi=own_hi,
        note=note,
        draws=draws,
    )


def _failed(label: str, hib: bool, a: str, b: str, n: int, why: str) -> PairedResult:
    nan = float("nan")
    return PairedResult(
        metric=label, candidate=b, opponent=a, value_a=nan, value_b=nan, difference=nan,
        lo=None, hi=None, p_value=None, test="bootstrap", higher_is_better=hib, n=n, error=why,
    )  # fmt: skip


def paired_table(
    y_true: Any,
    candidate: PairedModel,
    opponents: Sequence[PairedModel],
    *,
    metrics: Sequence[str | MetricPolicy],
    task: Task = "binary",
    averaging: str = "macro",
    beta: float = 1.0,
    n_classes: int | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    method: Method = "percentile",
    errors: Literal["raise", "record"] = "raise",
) -> tuple[PairedResult, ...]:
    """Compare a candidate with each opponent on several metrics, on the same rows.

    Parameters
    ----------
    y_true : array_like
        Truth: 0/1 labels, class codes ``0..K-1`` or real values.
    candidate : PairedModel
        Model ``b``.
    opponents : sequence of PairedModel
        Models ``a`` (champion, baselines); each gets its own draws.
    metrics : sequence of str or MetricPolicy
        Metric names, or policies (compared on the policy's value).
    task : {"binary", "multiclass", "regression"}
    averaging : {"macro", "micro", "weighted"}
        Multiclass averaging of named metrics (a policy uses its own).
    beta : float, default 1.0
        Beta of a named ``fbeta`` (a policy uses its own).
    n_classes : int, optional
        Multiclass K (default: from the scores, or the largest code + 1).
    n_resamples : int, default 1000
        Resamples per opponent; 0 gives values without intervals (DeLong keeps its
        normal interval).
    confidence : float, default 0.95
    seed : int, default 0
        Each opponent's draws come from ``numpy.random.default_rng(seed)``: the
        joint-cell draws are exactly those of :func:`compare` with this seed; the
        row bootstrap draws ``rng.integers(0, n, size=(c, n))`` in chunks of
        ``c`` resamples.
    method : {"percentile", "bca"}
        BCa applies to joint-cell intervals (the others stay percentile).
    errors : {"raise", "record"}
        ``record``: a metric that cannot be compared (no scores, a missing cost,
        one class only for ROC AUC, an unknown name) gives a result with
        ``error`` set instead of raising; invalid inputs still raise.

    Returns
    -------
    tuple of PairedResult
        Opponent by opponent, metric by metric in the order given.

    Raises
    ------
    MetricError
        Invalid inputs, or (``errors="raise"``) a metric that cannot be compared.

    Examples
    --------
    >>> y = [0, 1, 1, 0, 1, 0]
    >>> a = PairedModel(name="a", pred=[0, 1, 0, 0, 1, 1])
    >>> b = PairedModel(name="b", pred=[0, 1, 1, 0, 1, 0])
    >>> r = paired_table(y, b, [a], metrics=["accuracy", "f1"], n_resamples=200)
    >>> [(x.metric, round(x.difference, 3), x.test) for x in r]
    [('accuracy', 0.333, 'mcnemar'), ('f1', 0.333, 'mcnemar')]
    """
    everyone = [candidate, *opponents]
    k = _classes(task, y_true, everyone, n_classes)
    y = _truth(y_true, task, k)
    b = _side(candidate, task, y, k)
    sides = [_side(m, task, y, k) for m in opponents]
    specs: list[_Spec | str] = []
    for target in metrics:
        try:
            specs.append(_spec(target, task, averaging, beta))
        except MetricError as exc:
            if errors == "raise":
                raise
            specs.append(str(exc))
    out: list[PairedResult] = []
    for a in sides:
        rows = [s for s in specs if not isinstance(s, str) and s.route == "rows"]
        pair = _Draws(y, k, a, b, int(n_resamples), seed, row_specs=rows)
        for target, spec in zip(metrics, specs, strict=True):
            if isinstance(spec, str):
                label = target if isinstance(target, str) else target.name
                out.append(_failed(label, True, a.name, b.name, int(y.size), spec))
                continue
            try:
                out.append(_one(spec, pair, confidence, method))
            except MetricError as exc:
                if errors == "raise":
                    raise
                why = str(exc)
                hib = spec.higher_is_better
                out.append(_failed(spec.label, hib, a.name, b.name, int(y.size), why))
    return tuple(out)


# ------------------------------------------------------------ two models
def compare(
    y_true: Any,
    a: Any,
    b: Any,
    *,
    metric: str = "f1",
    task: Literal["binary", "multiclass"] = "binary",
    threshold: float | tuple[float, float] = 0.5,
    averaging: str = "macro",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    method: Literal["percentile", "bca"] = "percentile",
) -> PairedResult:
    """Compare models ``a`` and ``b`` on the same rows: difference, interval, test.

    Parameters
    ----------
    y_true : array_like
        Binary 0/1 labels or multiclass codes.
    a, b : array_like
        Each model's predictions: binary labels (0/1 or bool), binary scores
        (thresholded at ``threshold``; also used directly by ``roc_auc``), or
        multiclass codes.
    metric : str, default "f1"
        A confusion metric, or ``roc_auc`` for binary scores (DeLong).
    task : {"binary", "multiclass"}
    threshold : float or (float, float), default 0.5
        Decision threshold(s) for scores of a and b (e.g. their operating points).
    averaging : {"macro", "micro", "weighted"}
        Multiclass averaging.
    n_resamples, confidence, seed, method
        Paired bootstrap settings (multinomial over joint cells).

    Returns
    -------
    PairedResult
        ``b`` is the candidate: ``difference`` is positive when b is better.

    Examples
    --------
    >>> c = compare([0, 1, 1, 0, 1], [0, 1, 0, 0, 1], [0, 1, 1, 0, 1], metric="accuracy")
    >>> round(c.difference, 2), c.test
    (0.2, 'mcnemar')
    """
    allowed = (*BINARY_CONFUSION, "roc_auc") if task == "binary" else MULTICLASS_CONFUSION
    if metric not in allowed and not (task == "binary" and metric == "fbeta"):
        raise MetricError(
            f"compare: metric {metric!r} is not supported for paired {task} comparison; "
            f"allowed: {', '.join(allowed)}"
        )
    ta, tb = threshold if isinstance(threshold, tuple) else (threshold, threshold)

    def model(name: str, x: Any, t: float) -> PairedModel:
        arr = np.asarray(x)
        if task != "binary":
            return PairedModel(name=name, pred=arr)
        if metric == "roc_auc":
            return PairedModel(name=name, score=arr)
        if arr.dtype == np.bool_ or (arr.dtype.kind in "iu" and np.isin(arr, (0, 1)).all()):
            return PairedModel(name=name, pred=arr)
        return PairedModel(name=name, score=arr, threshold=t)

    (result,) = paired_table(
        y_true,
        model("b", b, tb),
        [model("a", a, ta)],
        metrics=[metric],
        task=task,
        averaging=averaging,
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
        method=method,
    )
    return result
