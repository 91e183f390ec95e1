"""The resamples one opponent's comparisons share, and both models' values on them.

Per opponent, :class:`PairDraws` counts the joint cells ``(truth, label of a,
label of b)`` once and draws them from a multinomial once, for every confusion
metric (:func:`by_counts`); the row-route metrics share one stream of row-weight
resamples, drawn in chunks of at most
:data:`~mlplan.core.metrics.weighted.ROW_CHUNK_CELLS` weights
(:func:`by_rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics.bootstrap import Method, count_jackknife, multinomial_replicates
from mlplan.core.metrics.paired_inputs import MetricSpec, Side
from mlplan.core.metrics.significance import mcnemar_counts
from mlplan.core.metrics.weighted import ROW_CHUNK_CELLS, cell_metrics, resample_weights
from mlplan.errors import MetricError

__all__ = ["PairDraws", "by_counts", "by_rows"]

F64 = NDArray[np.float64]


@dataclass
class PairDraws:
    """What one opponent's comparisons share: joint cells and their draws, row resamples."""

    y: NDArray[Any]
    k: int
    a: Side
    b: Side
    n_resamples: int
    seed: int
    row_specs: Sequence[MetricSpec] = ()
    cells: NDArray[np.int64] | None = None
    draws: NDArray[np.int64] | None = None
    rows: dict[int, tuple[F64, F64] | MetricError] | None = None

    def joint(self) -> tuple[NDArray[np.int64], NDArray[np.int64] | None]:
        """The joint cell counts (``k**3`` of them) and their multinomial draws, once."""
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

    def replicates(self, spec: MetricSpec) -> tuple[F64, F64]:
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

    def _stream(self, specs: Sequence[MetricSpec]) -> dict[int, tuple[F64, F64] | MetricError]:
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


def _row_values(spec: MetricSpec, pair: PairDraws, w: F64) -> tuple[F64, F64]:
    """Both models' values of ``spec`` under row weights ``w`` (shape ``(c, n)``)."""
    out = []
    for side in (pair.a, pair.b):
        env = side.rows.metrics(spec.names, w, averaging=spec.averaging, beta=spec.beta)
        out.append(np.asarray(spec.combine(env), dtype=np.float64))
    return out[0], out[1]


def _marginals(d: NDArray[np.integer], k: int) -> tuple[F64, F64]:
    x = np.asarray(d, dtype=np.float64).reshape(-1, k, k, k)  # truth, a, b
    return x.sum(axis=3), x.sum(axis=2)


def by_counts(
    spec: MetricSpec, pair: PairDraws, method: Method
) -> tuple[float, float, F64 | None, F64 | None, float, Any]:
    """A confusion-route metric on the joint cells.

    Returns both values, both models' replicates (None without resamples),
    McNemar's exact p-value and the jackknife of the difference (BCa only).
    """
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


def by_rows(spec: MetricSpec, pair: PairDraws) -> tuple[float, float, F64 | None, F64 | None]:
    """A row-route metric: both values on all rows, and both models' row-resample replicates."""
    va, vb = _row_values(spec, pair, np.ones((1, pair.y.size)))
    ra = rb = None
    if pair.n_resamples > 0:
        ra, rb = pair.replicates(spec)
    return float(va[0]), float(vb[0]), ra, rb
