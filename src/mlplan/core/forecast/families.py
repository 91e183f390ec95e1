"""Curve family and fitting helpers for :mod:`mlplan.core.forecast.extrapolate`.

The single family used is the three-parameter power law ("pow3")

.. math:: y(n) = a - b \\, (n / n_\\text{last})^{-c}, \\qquad b \\ge 0,\\; a \\le U,

where ``y`` is the score oriented so that higher is better and ``U`` the upper
bound of the metric.  For a fixed exponent ``c`` the model is linear in
``(a, b)``, so instead of a fragile three-parameter non-linear fit we *profile*
the exponent over a fixed grid, solve a constrained weighted least-squares
problem at each grid value, and average over the grid with weights
proportional to ``likelihood x prior``.  This never fails to converge, cannot
blow up, and propagates the (usually large) uncertainty of the exponent into
the forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EXPONENT_GRID",
    "ExponentPosterior",
    "FloatArray",
    "ObservedCurve",
    "aggregate",
    "fit_exponent_posterior",
]

FloatArray = NDArray[np.float64]

#: Exponent grid (power law in the *gap* to the asymptote).  Small exponents
#: approximate log-linear growth, large ones fast saturation.
EXPONENT_GRID: FloatArray = np.geomspace(0.03, 2.0, 56)


@dataclass(frozen=True)
class ObservedCurve:
    """Learning-curve observations aggregated per distinct size.

    Attributes
    ----------
    sizes : ndarray
        Distinct training-set sizes, ascending.
    means : ndarray
        Mean oriented score (higher is better) at each size.
    counts : ndarray
        Number of runs at each size.
    variances : ndarray
        Estimated single-run noise variance at each size (smoothed).
    """

    sizes: FloatArray
    means: FloatArray
    counts: FloatArray
    variances: FloatArray

    @property
    def last_size(self) -> float:
        """Largest observed size."""
        return float(self.sizes[-1])

    @property
    def last_mean(self) -> float:
        """Mean score at the largest observed size."""
        return float(self.means[-1])


@dataclass(frozen=True)
class ExponentPosterior:
    """Profile fits of pow3 over :data:`EXPONENT_GRID` and their weights.

    ``a`` and ``b`` are per-exponent coefficients of ``a - b * u**-c`` with
    ``u = n / n_last``; ``weights`` sum to one.
    """

    exponents: FloatArray
    a: FloatArray
    b: FloatArray
    weights: FloatArray

    def level_at_last(self) -> float:
        """Posterior-mean fitted value at the last observed size (``u = 1``)."""
        return float(np.sum(self.weights * (self.a - self.b)))

    def gains(self, u: FloatArray) -> FloatArray:
        """Per-exponent gain relative to the last size, shape ``(len(u), n_grid)``."""
        u = np.asarray(u, dtype=float)[:, None]
        return self.b[None, :] * (1.0 - u ** (-self.exponents[None, :]))

    def gain_moments(self, u: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Posterior mean and standard deviation of the gain at relative sizes ``u``."""
        g = self.gains(u)
        mean = g @ self.weights
        var = ((g - mean[:, None]) ** 2) @ self.weights
        return mean, np.sqrt(np.maximum(var, 0.0))

    def asymptotic_gain(self) -> tuple[float, float]:
        """Posterior mean and standard deviation of ``b`` (gain as ``n -> inf``)."""
        mean = float(np.sum(self.weights * self.b))
        sd = float(np.sqrt(np.sum(self.weights * (self.b - mean) ** 2)))
        return mean, sd


def aggregate(sizes: FloatArray, scores: FloatArray, noise_floor: float) -> ObservedCurve:
    """Aggregate raw ``(size, score)`` pairs into an :class:`ObservedCurve`.

    Single-run noise is estimated from repeats: per-size sample variances are
    smoothed by a log-log linear fit in size (noise shrinks with data), so that
    sizes without repeats still get a sensible value.  Without any repeats the
    variance is left at ``noise_floor**2`` and later re-estimated from the fit
    residuals.
    """
    uniq, inverse = np.unique(sizes, return_inverse=True)
    counts = np.bincount(inverse).astype(float)
    means = np.bincount(inverse, weights=scores) / counts
    sq = np.bincount(inverse, weights=(scores - means[inverse]) ** 2)
    repeated = counts >= 2
    variances = np.full(len(uniq), max(noise_floor**2, _difference_variance(means)))
    if repeated.any():
        sample_var = np.maximum(sq[repeated] / (counts[repeated] - 1), noise_floor**2)
        variances = _smooth_variances(uniq, repeated, sample_var, counts, noise_floor)
    return ObservedCurve(uniq.astype(float), means, counts, variances)


def _difference_variance(means: FloatArray) -> float:
    """Single-run noise variance from second differences of the means.

    Second differences cancel a locally linear trend; for i.i.d. noise their
    variance is ``6 sigma^2``.  Used only when there are no repeats.
    """
    if len(means) < 3:
        return 0.0
    return float(np.mean(np.diff(means, 2) ** 2) / 6.0)


def _smooth_variances(
    sizes: FloatArray,
    repeated: NDArray[np.bool_],
    sample_var: FloatArray,
    counts: FloatArray,
    noise_floor: float,
) -> FloatArray:
    """Fit ``log var = alpha + beta log n`` (``beta <= 0``) over repeated sizes."""
    log_n = np.log(sizes[repeated])
    log_v = np.log(sample_var)
    dof = counts[repeated] - 1
    if len(log_n) >= 3 and np.ptp(log_n) > 0:
        beta, alpha = np.polyfit(log_n, log_v, 1, w=np.sqrt(dof))
        beta = min(beta, 0.0)
        alpha = np.average(log_v - beta * log_n, weights=dof)
        # log of a chi-square sample variance is biased low; correct crudely.
        fitted = np.exp(alpha + beta * np.log(sizes) + 1.0 / np.mean(dof))
    else:
        fitted = np.full(len(sizes), np.average(sample_var, weights=dof))
    return np.maximum(fitted, noise_floor**2)


def _fit_fixed_exponent(
    z: FloatArray, y: FloatArray, w: FloatArray, upper: float
) -> tuple[float, float]:
    """Weighted least squares for ``y = a - b z`` with ``b >= 0`` and ``a <= upper``."""
    sw = w.sum()
    zbar = (w @ z) / sw
    ybar = (w @ y) / sw
    szz = w @ (z - zbar) ** 2
    b = -(w @ ((z - zbar) * (y - ybar))) / szz if szz > 0 else 0.0
    if b <= 0:
        return min(ybar, upper), 0.0
    a = ybar + b * zbar
    if a > upper:
        a = upper
        b = max((w @ (z * (upper - y))) / (w @ (z * z)), 0.0)
    return float(a), float(b)


def fit_exponent_posterior(
    curve: ObservedCurve,
    upper: float,
    prior_center: float,
    prior_sd: float,
) -> tuple[ExponentPosterior, float]:
    """Profile pow3 over the exponent grid and weight by tempered likelihood x prior.

    Parameters
    ----------
    curve : ObservedCurve
        Aggregated observations (oriented: higher is better).
    upper : float
        Upper bound for the asymptote ``a`` (``inf`` when unbounded).
    prior_center, prior_sd : float
        Log-normal prior on the exponent: ``log c ~ N(log prior_center, prior_sd)``.

    Returns
    -------
    posterior : ExponentPosterior
    noise_scale : float
        Multiplicative inflation of the per-size variances implied by the fit
        residuals (``>= 1``); used to temper the likelihood.
    """
    u = curve.sizes / curve.last_size
    w = curve.counts / curve.variances
    a = np.empty_like(EXPONENT_GRID)
    b = np.empty_like(EXPONENT_GRID)
    rss = np.empty_like(EXPONENT_GRID)
    for i, c in enumerate(EXPONENT_GRID):
        z = u ** (-c)
        a[i], b[i] = _fit_fixed_exponent(z, curve.means, w, upper)
        rss[i] = w @ (curve.means - a[i] + b[i] * z) ** 2
    dof = len(curve.sizes) - 3
    inflation = max(1.0, float(rss.min()) / dof) if dof > 0 else 1.0
    log_prior = -0.5 * ((np.log(EXPONENT_GRID) - np.log(prior_center)) / prior_sd) ** 2
    log_post = -0.5 * rss / inflation + log_prior
    weights = np.exp(log_post - log_post.max())
    weights /= weights.sum()
    return ExponentPosterior(EXPONENT_GRID, a, b, weights), inflation
