"""Metrics of row-resampled predictions, a whole chunk of bootstrap resamples at once.

A row resample is a vector of multiplicities ``w`` (how often each row was
drawn), so a chunk of ``c`` resamples is a ``(c, n)`` weight matrix ``W``:

* means of per-row terms (log loss, Brier, the regression losses) are
  ``W @ terms / n``; R² uses weighted sums of centred targets;
* confusion cells are ``W @ indicators`` (a sparse one-hot of ``(truth, label)``);
* ROC AUC and average precision cumulate the weights along one sort of the
  scores made once per model, and read the curve at the ends of tied groups.

Every value equals the metric recomputed on the drawn rows (up to rounding), and
memory is ``O(c x n)``: callers bound ``c`` (see :data:`ROW_CHUNK_CELLS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from mlplan.core.metrics.definitions import COST_METRICS, metric_info
from mlplan.core.metrics.multiclass import multiclass_value
from mlplan.core.metrics.objective import count_function
from mlplan.errors import MetricError

__all__ = ["ROW_CHUNK_CELLS", "WeightedRows", "cell_metrics", "resample_weights"]

F64 = NDArray[np.float64]

#: Largest ``resamples x rows`` weight matrix built at once (8 bytes a cell).
ROW_CHUNK_CELLS = 1 << 21


def resample_weights(n: int, size: int, rng: np.random.Generator) -> F64:
    """Row multiplicities of ``size`` bootstrap resamples of ``n`` rows, shape ``(size, n)``.

    Row ``r`` counts the indices of ``rng.integers(0, n, size=(size, n))[r]``.
    """
    idx = rng.integers(0, n, size=(size, n))
    idx += (np.arange(size, dtype=idx.dtype) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)


def _div(a: F64, b: F64) -> F64:
    out = np.zeros(np.broadcast(a, b).shape)
    np.divide(a, b, out=out, where=b != 0)
    return out


class _Curve:
    """One score column sorted once: weighted cumulative counts at each tied group's end."""

    def __init__(self, positive: NDArray[np.bool_], score: NDArray[Any]) -> None:
        order = np.argsort(-np.asarray(score, dtype=np.float64), kind="stable")
        s = np.asarray(score)[order]
        self.order = order
        self.positive = positive[order].astype(np.float64)
        self.ends = np.flatnonzero(np.concatenate((s[1:] != s[:-1], [True])))

    def counts(self, w: F64) -> tuple[F64, F64]:
        ws = w[:, self.order]
        tps = np.cumsum(ws * self.positive, axis=1)[:, self.ends]
        fps = np.cumsum(ws, axis=1)[:, self.ends] - tps
        return tps, fps

    def roc_auc(self, w: F64) -> F64:
        tps, fps = self.counts(w)
        n_pos, n_neg = tps[:, -1:], fps[:, -1:]
        zero = np.zeros((w.shape[0], 1))
        tpr = np.concatenate((zero, _div(tps, n_pos)), axis=1)
        fpr = np.concatenate((zero, _div(fps, n_neg)), axis=1)
        auc = np.trapezoid(tpr, fpr, axis=1)
        return np.where((n_pos[:, 0] > 0) & (n_neg[:, 0] > 0), auc, np.nan)

    def average_precision(self, w: F64) -> F64:
        tps, fps = self.counts(w)
        n_pos = tps[:, -1:]
        recall = _div(tps, n_pos)
        steps = np.diff(recall, axis=1, prepend=0.0)
        ap = np.maximum(0.0, np.sum(steps * _div(tps, tps + fps), axis=1))
        return np.where(n_pos[:, 0] > 0, ap, np.nan)


class WeightedRows:
    """One model's predictions, ready to be scored on chunks of row weights.

    Parameters
    ----------
    task : {"binary", "multiclass", "regression"}
    y : ndarray
        Validated truth: bool (binary), int64 codes (multiclass), float64 (regression).
    labels : ndarray or None
        Bool labels (binary), codes (multiclass) or float64 predictions (regression).
    score : ndarray or None
        Binary: 1-D scores of class 1; multiclass: (n, K) probabilities.
    k : int
        Number of classes (2 for binary, 0 for regression).
    costs : mapping, optional
        Cost metrics (constants).
    """

    def __init__(
        self,
        task: str,
        y: NDArray[Any],
        labels: NDArray[Any] | None,
        score: NDArray[Any] | None,
        *,
        k: int,
        costs: Mapping[str, float] | None = None,
    ) -> None:
        self.task, self.y, self.labels, self.score, self.k = task, y, labels, score, k
        self.costs = costs
        self._cache: dict[str, Any] = {}

    # ----------------------------------------------------------- pieces
    def _need_scores(self, name: str) -> NDArray[Any]:
        if self.score is None:
            raise MetricError(f"{name} needs scores; this model has labels only")
        return self.score

    def _cells(self, w: F64) -> F64:
        """Weighted confusion matrices, shape ``(c, k, k)`` (truth on rows)."""
        if "onehot" not in self._cache:
            if self.labels is None:
                raise MetricError("confusion metrics need labels; this model has none")
            code = np.asarray(self.y, dtype=np.int64) * self.k + np.asarray(
                self.labels, dtype=np.int64
            )
            n = code.size
            self._cache["onehot"] = sparse.csc_matrix(
                (np.ones(n), (np.arange(n), code)), shape=(n, self.k * self.k)
            )
        dense = np.asarray((self._cache["onehot"].T @ w.T).T, dtype=np.float64)
        return dense.reshape(-1, self.k, self.k)

    def _mean(self, name: str, w: F64) -> F64:
        terms = self._cache.get(f"terms:{name}")
        if terms is None:
            terms = self._terms(name)
            self._cache[f"terms:{name}"] = terms
        return np.asarray(w @ terms / w.shape[1], dtype=np.float64)

    def _terms(self, name: str) -> F64:
        """Per-row terms whose mean is the metric (as :mod:`mlplan.core.metrics.scores` computes it)."""
        if self.task == "regression":
            assert self.labels is not None
            err = self.y - self.labels
            if name == "mae":
                return np.abs(err)
            if name in ("mse", "rmse"):
                return np.asarray(err * err)
            if name == "quantile_loss":
                return 0.5 * np.maximum(err, 0) + 0.5 * np.maximum(-err, 0)
            if np.any(self.y == 0):
                raise MetricError("mape is undefined: some targets are zero")
            return np.abs(err) / np.abs(self.y)
        p = self._need_scores(name)
        if self.task == "binary":
            if p.size and (float(p.min()) < 0.0 or float(p.max()) > 1.0):
                raise MetricError(f"{name} needs probabilities in [0, 1]; scores lie outside")
            if name == "brier":
                d = p.astype(np.float64) - self.y
                return np.asarray(d * d)
            eps = np.finfo(p.dtype).eps
            q = np.clip(p, eps, 1 - eps).astype(np.float64)
            return np.asarray(-np.where(self.y, np.log(q), np.log1p(-q)))
        rows = np.arange(self.y.size)
        if name == "brier":
            onehot = np.zeros_like(p)
            onehot[rows, self.y] = 1.0
            return np.asarray(np.sum((p - onehot) ** 2, axis=1))
        eps = np.finfo(p.dtype).eps
        q = np.clip(p, eps, 1 - eps)
        q = q / q.sum(axis=1, keepdims=True)
        return np.asarray(-np.log(q[rows, self.y]))

    def _curve(self, key: str, positive: NDArray[np.bool_], score: NDArray[Any]) -> _Curve:
        if key not in self._cache:
            self._cache[key] = _Curve(positive, score)
        curve: _Curve = self._cache[key]
        return curve

    def _ranking(self, name: str, w: F64, averaging: str) -> F64:
        p = self._need_scores(name)
        if self.task == "binary":
            curve = self._curve("curve", np.asarray(self.y, dtype=bool), p)
            return curve.roc_auc(w) if name == "roc_auc" else curve.average_precision(w)
        if name != "roc_auc":
            raise MetricError(f"{name} has no multiclass definition here")
        k = p.shape[1]
        if averaging == "micro":
            onehot = np.zeros(p.shape, dtype=bool)
            onehot[np.arange(self.y.size), self.y] = True
            curve = self._curve("curve:micro", onehot.ravel(), p.ravel())
            return curve.roc_auc(np.repeat(w, k, axis=1))
        values = np.stack(
            [self._curve(f"curve:{c}", self.y == c, p[:, c]).roc_auc(w) for c in range(k)], axis=1
        )
        if averaging == "weighted":
            support = w @ np.eye(k)[self.y]
            return np.asarray(np.sum(values * support, axis=1) / np.sum(support, axis=1))
        return np.asarray(values.mean(axis=1))

    def _r2(self, w: F64) -> F64:
        assert self.labels is not None
        centred = self.y - self.y.mean()
        err = self.y - self.labels
        ss_res = w @ (err * err)
        mean = (w @ centred) / w.shape[1]
        ss_tot = np.sum(w * (centred[None, :] - mean[:, None]) ** 2, axis=1)
        return np.where(ss_tot != 0, 1.0 - _div(ss_res, ss_tot), np.where(ss_res == 0, 1.0, 0.0))

    # ------------------------------------------------------------ public
    def metrics(
        self, names: frozenset[str], w: F64, *, averaging: str = "macro", beta: float = 1.0
    ) -> dict[str, F64]:
        """Each named metric on every row of ``w`` (shape ``(c, n)``), as ``(c,)`` arrays.

        Raises
        ------
        MetricError
            A metric that is undefined for these predictions (no scores, scores
            outside [0, 1], a cost that was not measured, zero targets for mape).
        """
        counted = {n for n in names if n in COST_METRICS or metric_info(n).kind in _CELL_KINDS}
        out = cell_metrics(
            frozenset(counted),
            self._cells(w) if counted - COST_METRICS else np.zeros((w.shape[0], 0, 0)),
            task=self.task,
            averaging=averaging,
            beta=beta,
            costs=self.costs,
        )
        for name in sorted(set(names) - counted):
            if name in ("roc_auc", "average_precision"):
                out[name] = self._ranking(name, w, averaging)
            elif name == "r2":
                out[name] = self._r2(w)
            else:
                mean = self._mean(name, w)
                out[name] = np.sqrt(mean) if name == "rmse" else mean
        return out


_CELL_KINDS = ("confusion", "count")


def cell_metrics(
    names: frozenset[str],
    cm: F64,
    *,
    task: str,
    averaging: str = "macro",
    beta: float = 1.0,
    costs: Mapping[str, float] | None = None,
) -> dict[str, F64]:
    """Confusion, count and cost metrics of a stack of confusion matrices ``(c, k, k)``.

    Truth on rows; binary matrices are ``[[tn, fp], [fn, tp]]``.  Cost metrics are
    the measured constants (a clear :class:`MetricError` when one is missing).
    """
    out: dict[str, F64] = {}
    size = cm.shape[0]
    for name in sorted(names):
        if name in COST_METRICS:
            zero = np.zeros(size)
            out[name] = count_function(name, costs=costs)(zero, zero, zero, zero)
        elif task == "multiclass":
            out[name] = multiclass_value(name, cm, averaging, beta=beta)
        elif task == "binary":
            fn = count_function(name, beta=beta, costs=costs)
            out[name] = fn(cm[:, 1, 1], cm[:, 0, 1], cm[:, 0, 0], cm[:, 1, 0])
        else:
            raise MetricError(f"{name} is not defined for a {task} task")
    return out
