"""How many training examples reach a target: the forecast inverted, up to a horizon.

"Met" means met now: only the forecast at today's size counts, never an earlier
noisy point of the curve. Sizes beyond :data:`~.calibration.HORIZON_CAP` times
today's are not forecast: such an answer is reported as not forecastable.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlplan.core.forecast.calibration import HORIZON_CAP
from mlplan.core.forecast.families import FloatArray

__all__ = ["SizeEstimate", "size_for"]

Predict = Callable[[FloatArray], tuple[FloatArray, FloatArray, FloatArray]]


@dataclass(frozen=True)
class SizeEstimate:
    """Number of training examples needed to reach a target score.

    Attributes
    ----------
    n : float
        Point estimate (``inf`` when the forecast does not reach the target
        within the horizon); ``today`` when it is met now.
    lo, hi : float
        80 % interval for ``n``; ``hi`` is ``inf`` when the pessimistic bound
        does not reach the target within the horizon.
    reachable : bool
        Whether the point forecast reaches the target within the horizon.
    reason : str
        Human-readable explanation, with the forecast at today's size.
    met_now : bool
        Whether the forecast at today's size already reaches the target.
    capped : bool
        Whether an end of the answer lies beyond the horizon (not forecastable).
    """

    n: float
    lo: float
    hi: float
    reachable: bool
    reason: str
    met_now: bool = False
    capped: bool = False


def _first(grid: FloatArray, values: FloatArray, goal: float) -> float:
    hits = np.nonzero(values >= goal)[0]
    return float(grid[hits[0]]) if hits.size else math.inf


def size_for(
    predict: Predict,
    goal: float,
    today: float,
    shown: Callable[[float], float],
    lean: float = 0.0,
) -> SizeEstimate:
    """Invert an oriented forecast ``predict`` for ``goal`` between today and the cap.

    Parameters
    ----------
    predict
        Oriented (higher is better) mean, lower and upper bound at sizes.
    goal
        Oriented target.
    today
        Today's training size.
    shown
        Maps an oriented value back to the metric's units (for messages).
    lean
        Share of the growth of the band's upper half beyond today's added to the
        mean when inverting for the point estimate ``n`` (0: where the mean
        reaches the goal). Targets above today's score are asked of curves that
        do rise; the calibrated lean makes ``n`` median-unbiased for the true
        size on held-out curves.
    """
    cap = HORIZON_CAP * today
    grid = today * np.geomspace(1.0, HORIZON_CAP, 600)
    mean, lo, hi = predict(grid)
    now = f"today's forecast {shown(mean[0]):.4g} (80% {_band(shown, lo[0], hi[0])})"
    beyond = f"beyond {HORIZON_CAP:g}x today's data ({cap:,.0f}): not forecastable"
    # the lean counts only the band's growth beyond today's (today's score is measured)
    central = mean + lean * np.maximum((hi - mean) - (hi[0] - mean[0]), 0.0)
    n_mean, n_opt, n_pess = (_first(grid, c, goal) for c in (central, hi, lo))
    target = shown(goal)
    if mean[0] >= goal:
        reason = f"met now: {now} reaches {target:.4g}"
        if n_pess > today:
            reason += (
                f"; its low end reaches it only at ~{n_pess:,.0f}"
                if math.isfinite(n_pess)
                else f"; its low end does not, {beyond}"
            )
        return SizeEstimate(today, today, n_pess, True, reason, True, math.isinf(n_pess))
    if math.isfinite(n_mean):
        reason = f"reached by the forecast mean ({now})"
        if math.isinf(n_pess):
            reason += f"; the interval's upper end is {beyond}"
        return SizeEstimate(n_mean, n_opt, n_pess, True, reason, False, math.isinf(n_pess))
    ceiling = f"{shown(mean[-1]):.4g} (80% {_band(shown, lo[-1], hi[-1])})"
    if math.isfinite(n_opt):
        reason = (
            f"the forecast at {HORIZON_CAP:g}x today's data, {ceiling}, does not reach "
            f"{target:.4g}; only the optimistic interval bound does (at ~{n_opt:,.0f}); "
            f"{beyond}"
        )
    else:
        reason = (
            f"target {target:.4g} is beyond the forecast ceiling {ceiling} at "
            f"{HORIZON_CAP:g}x today's data ({now})"
        )
    return SizeEstimate(math.inf, n_opt, math.inf, False, reason, False, True)


def _band(shown: Callable[[float], float], lo: float, hi: float) -> str:
    a, b = sorted((shown(lo), shown(hi)))
    return f"{a:.4g}–{b:.4g}"
