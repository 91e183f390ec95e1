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
live in :mod:`mlplan.core.metrics.significance`, the metric specs and the models'
checked rows in :mod:`mlplan.core.metrics.paired_inputs`, and the resamples one
opponent shares in :mod:`mlplan.core.metrics.paired_draws`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from mlplan._text import join_notes
from mlplan.core.metrics.bootstrap import Method, interval
from mlplan.core.metrics.definitions import BINARY_CONFUSION
from mlplan.core.metrics.multiclass import MULTICLASS_CONFUSION
from mlplan.core.metrics.paired_draws import PairDraws, by_counts, by_rows
from mlplan.core.metrics.paired_inputs import (
    MetricSpec,
    class_count,
    metric_spec,
    model_side,
    truth,
)
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.core.metrics.significance import (
    delong,
    delong_cov,
    delong_test,
    mcnemar,
    mcnemar_counts,
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


# ------------------------------------------------------------ one comparison
def _one(spec: MetricSpec, pair: PairDraws, confidence: float, method: Method) -> PairedResult:
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
            va, vb, ra, rb, p, jack = by_counts(spec, pair, method)
            test = "mcnemar"
        else:
            va, vb, ra, rb = by_rows(spec, pair)
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
    k = class_count(task, y_true, everyone, n_classes)
    y = truth(y_true, task, k)
    b = model_side(candidate, task, y, k)
    sides = [model_side(m, task, y, k) for m in opponents]
    specs: list[MetricSpec | str] = []
    for target in metrics:
        try:
            specs.append(metric_spec(target, task, averaging, beta))
        except MetricError as exc:
            if errors == "raise":
                raise
            specs.append(str(exc))
    out: list[PairedResult] = []
    for a in sides:
        rows = [s for s in specs if not isinstance(s, str) and s.route == "rows"]
        pair = PairDraws(y, k, a, b, int(n_resamples), seed, row_specs=rows)
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
