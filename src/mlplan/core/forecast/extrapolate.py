"""Learning-curve extrapolation with empirically calibrated intervals.

Design (see :func:`extrapolate`):

1. Orient the metric so that higher is better and aggregate repeats per size;
   estimate single-run noise from the repeats (or second differences).
2. Fit the pow3 family ``a - b (n/n_last)^-c`` by profiling the exponent over
   a fixed grid (constrained linear least squares per exponent: ``b >= 0``,
   ``a <=`` the metric's upper bound) and averaging over exponents with
   weights ``likelihood x log-normal prior``.  No non-linear optimiser, so no
   blow-ups; exponent uncertainty is propagated.
3. Point forecast = anchor + ``shrink`` x posterior-mean gain, where the
   anchor blends the last observed mean with the fitted value there.  The
   shrinkage toward "last value carried forward" was calibrated on measured
   learning curves (``benchmarks/bench_forecast.py``).
4. Interval half-widths grow with the forecast gain, the spread of the gain
   across exponents, the noise level and the horizon in doublings; the
   multipliers were fitted to minimise the interval score on measured curves
   (checked leave-one-dataset-out), then clipped to ``bounds``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import norm

from mlplan.core.forecast.families import (
    ExponentPosterior,
    FloatArray,
    ObservedCurve,
    aggregate,
    fit_exponent_posterior,
)

__all__ = ["Calibration", "Ceiling", "Extrapolation", "SizeEstimate", "extrapolate"]

#: Relative sizes (``n / n_last``) scanned when inverting the curve.
_SEARCH_MAX_RATIO = 2.0**24


@dataclass(frozen=True)
class Calibration:
    """Constants of the forecaster, fitted on measured learning curves.

    Attributes
    ----------
    anchor_weight : float
        Weight of the last observed mean in the anchor (the rest goes to the
        fitted value at the last size).
    shrink : float
        Multiplier of the fitted gain beyond the last size (0 = last value).
    prior_center, prior_sd : float
        Log-normal prior on the pow3 exponent.
    kappa_gain, kappa_spread, kappa_noise : float
        Interval scale terms: forecast gain, its spread across exponents and
        single-run noise times horizon (in doublings).
    z_lo, z_hi : float
        Lower/upper multipliers of the scale for the 80 % interval.
    """

    anchor_weight: float = 1.0
    shrink: float = 0.8
    prior_center: float = 0.1
    prior_sd: float = 0.5
    kappa_gain: float = 0.7442
    kappa_spread: float = 1.018
    kappa_noise: float = 5.594e-05
    z_lo: float = 0.6405
    z_hi: float = 1.095


#: Fitted by ``python benchmarks/bench_forecast.py --from-cache --calibrate`` on
#: 25 measured curves (9 datasets); the same script's leave-one-dataset-out
#: check re-fits them without each dataset to verify they transfer.
DEFAULT_CALIBRATION = Calibration()
_REFERENCE_LEVEL = 0.8


@dataclass(frozen=True)
class Ceiling:
    """Estimated asymptote of the learning curve (in the metric's units)."""

    mean: float
    lo: float
    hi: float


@dataclass(frozen=True)
class SizeEstimate:
    """Number of training examples needed to reach a target score.

    Attributes
    ----------
    n : float
        Point estimate (``inf`` when the target is not expected to be reached).
    lo, hi : float
        Interval for ``n`` (``hi`` may be ``inf``).
    reachable : bool
        Whether the point forecast reaches the target.
    reason : str
        Human-readable explanation.
    """

    n: float
    lo: float
    hi: float
    reachable: bool
    reason: str


@dataclass(frozen=True)
class _Forecaster:
    """Fitted state: evaluates mean and interval at any size."""

    curve: ObservedCurve
    posterior: ExponentPosterior
    anchor: float
    anchor_se: float
    noise_sd: float
    calibration: Calibration
    z_scale: float
    lower: float
    upper: float

    def features(self, sizes: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Gain mean, gain spread and horizon (doublings, >= 0) at ``sizes``."""
        u = np.asarray(sizes, dtype=float) / self.curve.last_size
        gain, spread = self.posterior.gain_moments(u)
        return gain, spread, np.abs(np.log2(u))

    def predict(self, sizes: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Oriented mean, lower and upper bound at ``sizes``, clipped to bounds."""
        cal = self.calibration
        gain, spread, horizon = self.features(sizes)
        mean = self.anchor + cal.shrink * gain
        scale = np.sqrt(
            self.anchor_se**2
            + (cal.kappa_gain * gain) ** 2
            + (cal.kappa_spread * spread) ** 2
            + (cal.kappa_noise * self.noise_sd * horizon) ** 2
        )
        lo = mean - self.z_scale * cal.z_lo * scale
        hi = mean + self.z_scale * cal.z_hi * scale
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
        Estimated asymptote with interval.
    level : float
        Nominal coverage of ``lo``/``hi``.
    higher_is_better : bool
        Orientation of the metric.
    """

    query_sizes: FloatArray
    mean: FloatArray
    lo: FloatArray
    hi: FloatArray
    family: str
    ceiling: Ceiling
    level: float
    higher_is_better: bool
    _forecaster: _Forecaster = field(repr=False, compare=False)

    def predict(self, sizes: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Mean, lower and upper bound at arbitrary ``sizes`` (metric units)."""
        n = _as_positive_sizes(sizes, "sizes")
        mean, lo, hi = self._forecaster.predict(n)
        return self._to_metric(mean, lo, hi)

    def size_for(self, target: float) -> SizeEstimate:
        """Training-set size needed to reach ``target``.

        Parameters
        ----------
        target : float
            Target score in the metric's units (for lower-is-better metrics,
            reaching means getting at or below it).

        Returns
        -------
        SizeEstimate
            ``n`` from the point forecast, ``lo`` from the optimistic and
            ``hi`` from the pessimistic interval bound.  When an observed size
            already meets the target, ``n = lo = hi`` is the smallest such
            size.  ``reachable`` is False (``n = inf``) when the forecast never
            reaches the target.
        """
        if not math.isfinite(target):
            raise ValueError(f"target must be finite; got {target!r}")
        goal = target if self.higher_is_better else -target
        fc = self._forecaster
        met = fc.curve.sizes[fc.curve.means >= goal]
        if met.size:
            n0 = float(met[0])
            return SizeEstimate(n0, n0, n0, True, f"already met at observed size {n0:g}")
        grid = fc.curve.last_size * np.geomspace(1.0, _SEARCH_MAX_RATIO, 2000)
        mean, lo, hi = fc.predict(grid)
        n_mean, n_opt, n_pess = (_first_reaching(grid, c, goal) for c in (mean, hi, lo))
        if math.isfinite(n_mean):
            return SizeEstimate(n_mean, n_opt, n_pess, True, "reached by the forecast mean")
        shown = self.ceiling.mean
        if math.isfinite(n_opt):
            reason = (
                f"fitted ceiling {shown:.4g} does not reach target {target:.4g}; "
                f"only the optimistic interval bound reaches it (at n~{n_opt:.3g})"
            )
        else:
            reason = (
                f"target {target:.4g} is beyond the fitted ceiling {shown:.4g} "
                f"and its upper interval bound"
            )
        return SizeEstimate(math.inf, n_opt, math.inf, False, reason)

    def _to_metric(
        self, mean: FloatArray, lo: FloatArray, hi: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        if self.higher_is_better:
            return mean, lo, hi
        return -mean, -hi, -lo


def _first_reaching(grid: FloatArray, values: FloatArray, goal: float) -> float:
    hits = np.nonzero(values >= goal)[0]
    return float(grid[hits[0]]) if hits.size else math.inf


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
    return _Forecaster(
        curve,
        posterior,
        anchor,
        anchor_se,
        math.sqrt(noise_var),
        calibration,
        z_scale,
        lower,
        upper,
    )


def _ceiling(fc: _Forecaster) -> Ceiling:
    """Asymptote: anchor + shrunk asymptotic gain, interval from gain terms."""
    cal = fc.calibration
    gain, spread = fc.posterior.asymptotic_gain()
    mean = fc.anchor + cal.shrink * gain
    scale = math.sqrt(
        fc.anchor_se**2 + (cal.kappa_gain * gain) ** 2 + (cal.kappa_spread * spread) ** 2
    )
    lo = max(mean - fc.z_scale * cal.z_lo * scale, fc.lower)
    hi = min(mean + fc.z_scale * cal.z_hi * scale, fc.upper)
    mean = min(max(mean, fc.lower), fc.upper)
    return Ceiling(mean, min(lo, mean), max(hi, mean))


def extrapolate(
    sizes: ArrayLike,
    scores: ArrayLike,
    query_sizes: ArrayLike,
    *,
    level: float = 0.8,
    higher_is_better: bool = True,
    bounds: tuple[float, float] | None = (0.0, 1.0),
    seed: int = 0,
    calibration: Calibration = DEFAULT_CALIBRATION,
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
    seed : int, default 0
        Accepted for API stability; the method is deterministic.
    calibration : Calibration, optional
        Forecaster constants; the default was fitted on measured curves.

    Returns
    -------
    Extrapolation
        Forecast with intervals, asymptote and :meth:`Extrapolation.size_for`.

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
    lower, upper = _oriented_bounds(bounds, higher_is_better)
    oriented = s if higher_is_better else -s
    fc = fit_forecaster(n, oriented, lower, upper, calibration, level)
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
        _forecaster=fc,
    )
