"""Functions of binary confusion counts used as objectives and constraints.

A :class:`CountFunction` maps arrays ``tp, fp, tn, fn`` (float64, any shape) to
values; metrics, formulas and constant cost metrics all become one, so the
operating-point search and the bootstraps treat them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.core.metrics.definitions import (
    BINARY_CONFUSION,
    COST_METRICS,
    COUNT_NAMES,
    MONOTONE_BINARY,
    confusion_value,
)
from mlplan.core.metrics.formula import Formula
from mlplan.errors import MetricError, closest

__all__ = ["CountFunction", "count_function", "formula_count_function"]

F64 = NDArray[np.float64]
#: Counts as passed around: int64 cumulative counts or float64 (resampled) counts.
Counts = NDArray[Any]
_CONF = frozenset(BINARY_CONFUSION) | {"fbeta"}


@dataclass(frozen=True)
class CountFunction:
    """A vectorised function of binary confusion counts.

    Attributes
    ----------
    label : str
        What it is, for messages (``"precision"``, ``"latency_ms"``, a formula).
    fn : callable
        ``fn(tp, fp, tn, fn) -> ndarray``.
    monotone : bool
        True if the value never decreases with tp and never increases with fp at
        fixed class totals (lets the bootstrap prune threshold searches).
    constant : bool
        True if the value does not depend on the counts (a cost metric).
    """

    label: str
    fn: Callable[[Counts, Counts, Counts, Counts], Counts]
    monotone: bool
    constant: bool = False

    def __call__(self, tp: Counts, fp: Counts, tn: Counts, fn: Counts) -> F64:
        return np.asarray(self.fn(tp, fp, tn, fn), dtype=np.float64)


def _cost(name: str, costs: Mapping[str, float] | None) -> float:
    if costs is None or name not in costs:
        given = ", ".join(sorted(costs)) if costs else "none"
        raise MetricError(
            f"costs: {name!r} is used by the metric policy but was not measured; "
            f"pass costs={{{name!r}: value}} (given: {given})"
        )
    return float(costs[name])


def count_function(
    name: str,
    *,
    beta: float = 1.0,
    costs: Mapping[str, float] | None = None,
    constants: Mapping[str, float] | None = None,
) -> CountFunction:
    """Build the :class:`CountFunction` of metric ``name``.

    ``constants`` supplies threshold-free values (e.g. ``roc_auc``) that do not
    change with the threshold.
    """
    if name in _CONF or name in COUNT_NAMES:
        return CountFunction(
            name,
            lambda tp, fp, tn, fn: confusion_value(name, tp, fp, tn, fn, beta=beta),
            monotone=name in MONOTONE_BINARY,
        )
    if name in COST_METRICS:
        value = _cost(name, costs)
        return CountFunction(name, lambda tp, fp, tn, fn: np.full(np.shape(tp), value), True, True)
    if constants is not None and name in constants:
        value = float(constants[name])
        return CountFunction(name, lambda tp, fp, tn, fn: np.full(np.shape(tp), value), True, True)
    allowed = sorted(_CONF | COUNT_NAMES | COST_METRICS)
    raise MetricError(
        f"metric: {name!r} is not a function of the confusion counts{closest(name, allowed)}; "
        f"allowed here: {', '.join(allowed)}"
    )


def formula_count_function(
    formula: Formula,
    *,
    beta: float = 1.0,
    costs: Mapping[str, float] | None = None,
    constants: Mapping[str, float] | None = None,
) -> CountFunction:
    """Build the :class:`CountFunction` of a parsed formula (maximised)."""
    parts = {
        name: count_function(name, beta=beta, costs=costs, constants=constants)
        for name in formula.names
    }

    def fn(tp: F64, fp: F64, tn: F64, fn_: F64) -> F64:
        env = {name: part(tp, fp, tn, fn_) for name, part in parts.items()}
        return formula.evaluate(env)

    return CountFunction(
        formula.text, fn, monotone=False, constant=all(p.constant for p in parts.values())
    )
