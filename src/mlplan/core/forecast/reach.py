"""How many training examples reach a target: the forecast inverted, up to a horizon.

"Met" means met now: only the forecast at today's size counts, never an earlier
noisy point of the curve. Sizes beyond :data:`~.calibration.HORIZON_CAP` times
today's are not forecast: such an answer is reported as not forecastable.

The forecast band is read as a distribution of curves: the curve at quantile
``u`` runs through the mean at ``u = 0.5`` and through the band's ends at its
nominal levels (a split normal at each size, one ``u`` for all sizes). A target
is reached within the horizon with the *chance* that the curve there lies above
it. The point answer is the median size among the curves that reach it after
today and within the horizon: how much data it takes when more data is what
it takes, with the chance saying how likely that is. ADR
docs/design/0003-data-size-forecast.md gives the measurements.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from mlplan.core.forecast.calibration import HORIZON_CAP
from mlplan.core.forecast.families import FloatArray

__all__ = ["SizeEstimate", "size_for"]

Predict = Callable[[FloatArray], tuple[FloatArray, FloatArray, FloatArray]]

#: Points of the size grid between today and the horizon (geometric).
_GRID_POINTS = 600
#: The highest band quantile a size is read from.
_TOP_QUANTILE = 0.999


@dataclass(frozen=True)
class SizeEstimate:
    """Number of training examples needed to reach a target score.

    Attributes
    ----------
    n : float
        Point estimate: the median size among the forecast curves that reach
        the target after today and within the horizon (``inf`` when not even
        the band's optimistic end reaches it); ``today`` when it is met now.
    lo, hi : float
        Interval for ``n`` at the forecast's level (80 % by default): where the
        band's optimistic and pessimistic ends reach the target; ``hi`` is
        ``inf`` when the pessimistic end does not reach it within the horizon.
    reachable : bool
        Whether ``n`` is finite (some likely curve reaches the target within
        the horizon).
    reason : str
        Human-readable explanation, with the forecast at today's size.
    met_now : bool
        Whether the forecast at today's size already reaches the target.
    capped : bool
        Whether an end of the answer lies beyond the horizon (not forecastable).
    chance : float
        Probability that the target is reached within the horizon, from the
        forecast band at the horizon.
    """

    n: float
    lo: float
    hi: float
    reachable: bool
    reason: str
    met_now: bool = False
    capped: bool = False
    chance: float = 1.0


def _first(grid: FloatArray, values: FloatArray, goal: float) -> float:
    hits = np.nonzero(values >= goal)[0]
    return float(grid[hits[0]]) if hits.size else math.inf


def _quantile_curve(
    mean: FloatArray, lo: FloatArray, hi: FloatArray, u: float, z_band: float
) -> FloatArray:
    """The forecast curve at quantile ``u`` of the band read as a split normal."""
    z = float(norm.ppf(u)) / z_band
    return mean + z * (hi - mean) if z >= 0 else mean + z * (mean - lo)


def _chance_above(goal: float, mean: float, lo: float, hi: float, z_band: float) -> float:
    """P(score >= goal) at one size, the band read as a split normal."""
    half = (hi - mean) if goal >= mean else (mean - lo)
    if half <= 0:
        return 1.0 if goal <= mean else 0.0
    return float(norm.sf((goal - mean) / half * z_band))


def size_for(
    predict: Predict,
    goal: float,
    today: float,
    shown: Callable[[float], float],
    level: float = 0.8,
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
    level
        Nominal coverage of the band returned by ``predict``.
    """
    cap = HORIZON_CAP * today
    grid = today * np.geomspace(1.0, HORIZON_CAP, _GRID_POINTS)
    mean, lo, hi = predict(grid)
    z_band = float(norm.ppf(0.5 + level / 2))
    chance = _chance_above(goal, float(mean[-1]), float(lo[-1]), float(hi[-1]), z_band)
    now = f"today's forecast {shown(mean[0]):.4g} ({level:.0%} {_band(shown, lo[0], hi[0])})"
    beyond = f"beyond {HORIZON_CAP:g}x today's data ({cap:,.0f}): not forecastable"
    n_opt, n_pess = _first(grid, hi, goal), _first(grid, lo, goal)
    target = shown(goal)
    if mean[0] >= goal:
        reason = f"met now: {now} reaches {target:.4g}"
        if n_pess > today:
            reason += (
                f"; its low end reaches it only at ~{n_pess:,.0f}"
                if math.isfinite(n_pess)
                else f"; its low end does not, {beyond}"
            )
        return SizeEstimate(today, today, n_pess, True, reason, True, math.isinf(n_pess), chance)
    if math.isfinite(n_opt):
        # the curves that reach it after today and by the cap lie between these quantiles
        already = _chance_above(goal, float(mean[0]), float(lo[0]), float(hi[0]), z_band)
        # (capped below 1: a band clipped at the metric's bound can leave both chances at 0)
        quantile = min(1.0 - (chance + already) / 2.0, _TOP_QUANTILE)
        median_curve = _quantile_curve(mean, lo, hi, quantile, z_band)
        crossing = _first(grid, median_curve, goal)
        n = n_opt if math.isinf(crossing) else max(crossing, n_opt)
        reason = (
            f"the median size among the forecasts that reach {target:.4g} after today and "
            f"within {HORIZON_CAP:g}x today's data; {chance:.0%} of them reach it by then ({now})"
        )
        if math.isinf(n_pess):
            reason += f"; the interval's upper end is {beyond}"
        return SizeEstimate(n, n_opt, n_pess, True, reason, False, math.isinf(n_pess), chance)
    ceiling = f"{shown(mean[-1]):.4g} ({level:.0%} {_band(shown, lo[-1], hi[-1])})"
    reason = (
        f"target {target:.4g} is beyond the forecast ceiling {ceiling} at "
        f"{HORIZON_CAP:g}x today's data, even at its optimistic end ({now})"
    )
    return SizeEstimate(math.inf, math.inf, math.inf, False, reason, False, True, chance)


def _band(shown: Callable[[float], float], lo: float, hi: float) -> str:
    a, b = sorted((shown(lo), shown(hi)))
    return f"{a:.4g}–{b:.4g}"
