"""Learning-curve extrapolation with empirically calibrated intervals.

Design (see :func:`extrapolate`; ADR docs/design/0003-data-size-forecast.md):

1. Orient the metric so that higher is better and aggregate repeats per size;
   estimate single-run noise from the repeats (or second differences).
2. Fit the pow3 family ``a - b (n/n_last)^-c`` by profiling the exponent over
   a fixed grid (constrained linear least squares per exponent: ``b >= 0``,
   ``a <=`` the metric's upper bound) and averaging over exponents with
   weights ``likelihood x log-normal prior``.  No non-linear optimiser, so no
   blow-ups; exponent uncertainty is propagated.
3. Point forecast = anchor + ``shrink`` x posterior-mean gain, where the
   anchor blends the last observed mean with the fitted value there.  Given
   today's test score, a share of its gap to today's cross-validated forecast
   is carried forward: the forecast is then one of test scores.
4. Interval half-widths grow with the forecast gain, the spread of the gain
   across exponents, the noise level, the horizon in doublings and the
   test/CV gap; the multipliers and a per-horizon widening were fitted on
   hundreds of measured curves to cover 80 % at each horizon, checked
   leave-one-table-out (``benchmarks/bench_forecast.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import norm

from mlplan.core.forecast.calibration import (
    CV_CALIBRATION,
    DEFAULT_CALIBRATION,
    HORIZON_CAP,
    Calibration,
)
from mlplan.core.forecast.families import (
    ExponentPosterior,
    FloatArray,
    ObservedCurve,
    aggregate,
    fit_exponent_posterior,
)
from mlplan.core.forecast.reach import SizeEstimate, size_for

__all__ = ["Calibration", "Ceiling", "Extrapolation", "SizeEstimate", "extrapolate"]

_REFERENCE_LEVEL = 0.8


@dataclass(frozen=True)
class Ceiling:
    """The forecast at :data:`HORIZON_CAP` times today's size (in the metric's units).

    Beyond that size nothing is forecast, so this is the highest score the
    forecast can promise.
    """

    mean: float
    lo: float
    hi: float


@dataclass(frozen=True)
class _Forecaster:
    """Fitted state: evaluates mean and interval at any size (oriented units)."""

    curve: ObservedCurve
    posterior: ExponentPosterior
    anchor: float
    anchor_se: float
    noise_sd: float
    calibration: Calibration
    z_scale: float
    lower: float
    upper: float
    today: float
    gap: float = 0.0
    headroom: float = 0.0

    def features(self, sizes: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Gain mean, gain spread and horizon (doublings, >= 0) at ``sizes``."""
        u = np.asarray(sizes, dtype=float) / self.curve.last_size
        gain, spread = self.posterior.gain_moments(u)
        return gain, spread, np.abs(np.log2(u))

    def predict(self, sizes: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Oriented mean, lower and upper bound at ``sizes``, clipped to bounds."""
        cal = self.calibration
        gain, spread, horizon = self.features(sizes)
        beyond = np.log2(np.maximum(np.asarray(sizes, float) / self.today, 1.0))
        mean = (
            self.anchor
            + cal.shrink * gain
            + cal.test_weight * self.gap
            + cal.prior_gain * self.headroom * beyond
        )
        scale = np.sqrt(
            self.anchor_se**2
            + (cal.kappa_gain * gain) ** 2
            + (cal.kappa_spread * spread) ** 2
            + (cal.kappa_noise * self.noise_sd * horizon) ** 2
            + (cal.kappa_gap * self.gap) ** 2
        )
        widen = self.z_scale * cal.widening(
            np.log2(np.asarray(sizes, float) / self.curve.last_size)
        )
        lo = mean - widen * cal.z_lo * scale
        hi = mean + widen * cal.z_hi * scale
        return (
            np.clip(mean, self.lower, self.upper),
            np.clip(lo, self.lower, self.upper),
            np.clip(hi, self.lower, self.upper),
        )


@dataclass(frozen=True)
class Extrapolation:
    """Forecast of a learning curve at ``query_sizes``.

    Attributes
    ----------
    query_sizes : ndarray
        Sizes at which the curve was forecast.
    mean, lo, hi : ndarray
        Point forecast and central ``level`` interval, in the metric's units.
    family : str
        ``"pow3-ensemble"`` (exponent-averaged pow3 shrunk toward the last
        value) or ``"last_value"`` when the data show no improvement.
    ceiling : Ceiling
        The forecast at :data:`HORIZON_CAP` x ``today``.
    level : float
        Nominal coverage of ``lo``/``hi``.
    higher_is_better : bool
        Orientation of the metric.
    today : float
        Today's training size (the base of "met now" and of the horizon cap).
    anchored_on_test : bool
        Whether today's test score anchors the forecast (else it forecasts
        cross-validation scores).
    """

    query_sizes: FloatArray
    mean: FloatArray
    lo: FloatArray
    hi: FloatArray
    family: str
    ceiling: Ceiling
    level: float
    higher_is_better: bool
    today: float
    anchored_on_test: bool
    _forecaster: _Forecaster = field(repr=False, compare=False)

    def predict(self, sizes: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Mean, lower and upper bound at arbitrary ``sizes`` (metric units)."""
        n = _as_positive_sizes(sizes, "sizes")
        mean, lo, hi = self._forecaster.predict(n)
        return self._to_metric(mean, lo, hi)

    def size_for(self, target: float) -> SizeEstimate:
        """Training-set size needed to reach ``target`` (see :func:`~.reach.size_for`).

        A target counts as met only when the forecast at today's size reaches
        it; sizes beyond :data:`HORIZON_CAP` x today are not forecast.
        """
        if not math.isfinite(target):
            raise ValueError(f"target must be finite; got {target!r}")
        goal = target if self.higher_is_better else -target
        fc = self._forecaster
        return size_for(fc.predict, goal, self.today, self._shown, self.level)

    def _shown(self, oriented: float) -> float:
        return oriented if self.higher_is_better else -oriented

    def _to_metric(
        self, mean: FloatArray, lo: FloatArray, hi: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        if self.higher_is_better:
            return mean, lo, hi
        return -mean, -hi, -lo


def _as_positive_sizes(values: ArrayLike, name: str) -> FloatArray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be positive")
    return arr


def _validate(
    sizes: ArrayLike, scores: ArrayLike, level: float, bounds: tuple[float, float] | None
) -> tuple[FloatArray, FloatArray]:
    n = _as_positive_sizes(sizes, "sizes")
    s = np.atleast_1d(np.asarray(scores, dtype=float))
    if s.shape != n.shape:
        raise ValueError(f"sizes and scores must have the same length; got {n.size} and {s.size}")
    if np.isnan(s).any():
        raise ValueError(f"scores contains NaN at positions {np.nonzero(np.isnan(s))[0].tolist()}")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores contains infinite values")
    distinct = np.unique(n).size
    if distinct < 2:
        raise ValueError(f"extrapolate needs at least 2 distinct sizes; got {distinct}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1); got {level}")
    if bounds is not None and not bounds[0] < bounds[1]:
        raise ValueError(f"bounds must satisfy lower < upper; got {bounds}")
    return n, s


def _oriented_bounds(
    bounds: tuple[float, float] | None, higher_is_better: bool
) -> tuple[float, float]:
    lower, upper = (-math.inf, math.inf) if bounds is None else (float(bounds[0]), float(bounds[1]))
    return (lower, upper) if higher_is_better else (-upper, -lower)


def _noise_floor(scores: FloatArray, lower: float, upper: float) -> float:
    if math.isfinite(lower) and math.isfinite(upper):
        return 1e-4 * (upper - lower)
    return 1e-4 * max(1.0, float(np.max(np.abs(scores))))


def fit_forecaster(
    sizes: FloatArray,
    oriented_scores: FloatArray,
    lower: float,
    upper: float,
    calibration: Calibration,
    level: float,
    *,
    today: float | None = None,
    oriented_test: float | None = None,
) -> _Forecaster:
    """Build the fitted forecaster from validated, oriented inputs."""
    curve = aggregate(sizes, oriented_scores, _noise_floor(oriented_scores, lower, upper))
    posterior, inflation = fit_exponent_posterior(
        curve, upper, calibration.prior_center, calibration.prior_sd
    )
    noise_var = float(curve.variances[-1]) * inflation
    w = calibration.anchor_weight
    anchor = w * curve.last_mean + (1.0 - w) * posterior.level_at_last()
    anchor_se = math.sqrt(noise_var / curve.counts[-1])
    z_scale = float(norm.ppf(0.5 + level / 2) / norm.ppf(0.5 + _REFERENCE_LEVEL / 2))
    fc = _Forecaster(
        curve,
        posterior,
        anchor,
        anchor_se,
        math.sqrt(noise_var),
        calibration,
        z_scale,
        lower,
        upper,
        today=curve.last_size if today is None else float(today),
    )
    cv_today = float(fc.predict(np.array([fc.today]))[0][0])
    gap = 0.0 if oriented_test is None else float(oriented_test) - cv_today
    room = upper - (cv_today + calibration.test_weight * gap) if math.isfinite(upper) else 0.0
    return replace(fc, gap=gap, headroom=max(room, 0.0))


def _ceiling(fc: _Forecaster) -> Ceiling:
    """The forecast at the horizon cap."""
    mean, lo, hi = (float(v[0]) for v in fc.predict(np.array([HORIZON_CAP * fc.today])))
    return Ceiling(mean, lo, hi)


def extrapolate(
    sizes: ArrayLike,
    scores: ArrayLike,
    query_sizes: ArrayLike,
    *,
    level: float = 0.8,
    higher_is_better: bool = True,
    bounds: tuple[float, float] | None = (0.0, 1.0),
    today: float | None = None,
    test_score: float | None = None,
    seed: int = 0,
    calibration: Calibration | None = None,
) -> Extrapolation:
    """Extrapolate a learning curve to larger training-set sizes.

    Parameters
    ----------
    sizes : array_like
        Training-set sizes of the observations; repeats per size are allowed
        and used to estimate noise.  At least two distinct sizes are needed.
    scores : array_like
        Observed metric at ``sizes`` (no NaN).
    query_sizes : array_like
        Positive sizes at which to forecast.
    level : float, default 0.8
        Nominal central coverage of ``lo``/``hi``.  Calibrated at 0.8; other
        levels rescale the calibrated width by the normal quantile ratio.
    higher_is_better : bool, default True
        Set False for losses/errors; the sign is flipped internally.
    bounds : tuple of float or None, default (0.0, 1.0)
        Range of the metric; forecasts, intervals and the ceiling are clipped
        to it, and the upper (for losses: lower) bound caps the asymptote.
    today : float, optional
        Training rows the project has now (default: the largest observed
        size). "Met" means met at this size, and nothing beyond
        :data:`HORIZON_CAP` times it is forecast.
    test_score : float, optional
        Today's score on the test part (a model fitted on ``today`` rows):
        its gap to the cross-validated forecast at ``today`` carries into the
        forecast and its interval, which then forecast test scores. Without it
        the forecast is one of cross-validation scores.
    seed : int, default 0
        Accepted for API stability; the method is deterministic.
    calibration : Calibration, optional
        Forecaster constants; default: those fitted on measured curves, with
        (:data:`DEFAULT_CALIBRATION`) or without (:data:`CV_CALIBRATION`) a
        test score.

    Returns
    -------
    Extrapolation
        Forecast with intervals, ceiling and :meth:`Extrapolation.size_for`.

    Raises
    ------
    ValueError
        If fewer than two distinct sizes are given, scores contain NaN,
        lengths differ, sizes are not positive, or ``level`` is not in (0, 1).

    Examples
    --------
    >>> fc = extrapolate([100, 200, 400, 800], [0.70, 0.75, 0.78, 0.80], [1600, 3200])
    >>> bool(fc.mean[0] >= 0.80) and bool(fc.lo[0] <= fc.mean[0] <= fc.hi[0])
    True
    """
    del seed  # deterministic: profile likelihood over a fixed exponent grid
    n, s = _validate(sizes, scores, level, bounds)
    q = _as_positive_sizes(query_sizes, "query_sizes")
    if today is not None:
        _as_positive_sizes([today], "today")
    if test_score is not None and not math.isfinite(test_score):
        raise ValueError(f"test_score must be finite; got {test_score!r}")
    if calibration is None:
        calibration = CV_CALIBRATION if test_score is None else DEFAULT_CALIBRATION
    lower, upper = _oriented_bounds(bounds, higher_is_better)
    sign = 1.0 if higher_is_better else -1.0
    fc = fit_forecaster(
        n,
        sign * s,
        lower,
        upper,
        calibration,
        level,
        today=today,
        oriented_test=None if test_score is None else sign * test_score,
    )
    mean, lo, hi = fc.predict(q)
    family = "last_value" if not np.any(fc.posterior.b > 0) else "pow3-ensemble"
    ceiling = _ceiling(fc)
    if not higher_is_better:
        mean, lo, hi = -mean, -hi, -lo
        ceiling = Ceiling(-ceiling.mean, -ceiling.hi, -ceiling.lo)
    return Extrapolation(
        query_sizes=q,
        mean=mean,
        lo=lo,
        hi=hi,
        family=family,
        ceiling=ceiling,
        level=level,
        higher_is_better=higher_is_better,
        today=fc.today,
        anchored_on_test=test_score is not None,
        _forecaster=fc,
    )
