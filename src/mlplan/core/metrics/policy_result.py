"""A policy's value on one set of predictions, and how its interval is assembled."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan._text import join_notes
from mlplan.core.metrics.bootstrap import Method, interval
from mlplan.records.evaluation import ConstraintCheck, IntervalKind

__all__ = ["PolicyResult", "finish_result"]

F64 = NDArray[np.float64]


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


def finish_result(
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
    """The reachable result of a value and its resampled replicates.

    The interval is BCa only when a jackknife ``jack`` is given (else percentile,
    noted when BCa was asked for); violated constraints and resamples without a
    feasible value are noted.
    """
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
