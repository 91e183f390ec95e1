"""The forecaster's constants, fitted on measured learning curves.

``python benchmarks/bench_forecast.py --calibrate`` fits them on the curves cached
under ``benchmarks/curves/e2e`` (measured with mlplan's own
:func:`~mlplan.core.forecast.curves.learning_curves` on public tables, one fit per
size and fold, the truth trained at 2x-10x and scored on the test part) and checks
them leave-one-table-out; ADR docs/design/0003-data-size-forecast.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CV_CALIBRATION", "DEFAULT_CALIBRATION", "HORIZON_CAP", "Calibration"]

#: Sizes beyond this multiple of today's training rows are not forecast.
HORIZON_CAP = 100.0


@dataclass(frozen=True)
class Calibration:
    """Constants of the forecaster.

    Attributes
    ----------
    anchor_weight : float
        Weight of the last observed mean in the anchor (the rest goes to the
        fitted value at the last size).
    shrink : float
        Multiplier of the fitted gain beyond the last size (0 = last value).
    prior_center, prior_sd : float
        Log-normal prior on the pow3 exponent.
    prior_gain : float
        Gain per doubling beyond today that every curve is expected to make,
        as a share of today's headroom (the metric's bound minus today's
        forecast): what hundreds of measured curves gained beyond what their
        own noisy start showed.
    test_weight : float
        Share of the gap between today's test score and today's cross-validated
        forecast carried into the forecast (with a test score only).
    kappa_gain, kappa_spread, kappa_noise, kappa_gap : float
        Interval scale terms: forecast gain, its spread across exponents,
        single-run noise times horizon (in doublings), and the test/CV gap.
    z_lo, z_hi : float
        Lower/upper multipliers of the scale for the 80 % interval.
    widen_at, widen : tuple of float
        Piecewise-linear multiplier of the interval in ``log2(n / n_last)``
        (knots ``widen_at``, values ``widen``; constant outside), fitted so that
        each horizon covers 80 %.
    """

    anchor_weight: float = 1.0
    shrink: float = 0.8
    prior_center: float = 0.1
    prior_sd: float = 0.5
    prior_gain: float = 0.0
    test_weight: float = 0.0
    kappa_gain: float = 0.7442
    kappa_spread: float = 1.018
    kappa_noise: float = 5.594e-05
    kappa_gap: float = 0.0
    z_lo: float = 0.6405
    z_hi: float = 1.095
    widen_at: tuple[float, ...] = (0.0,)
    widen: tuple[float, ...] = (1.0,)

    def widening(self, log2_u: np.ndarray) -> np.ndarray:
        """The interval multiplier at ``log2(n / n_last)``."""
        return np.interp(log2_u, np.asarray(self.widen_at), np.asarray(self.widen))


#: With today's test score (forecasts of test scores).
DEFAULT_CALIBRATION = Calibration(
    anchor_weight=0.0,
    shrink=0.8,
    prior_center=0.35,
    prior_sd=0.5,
    prior_gain=0.0,
    test_weight=1,
    kappa_gain=1.38,
    kappa_spread=0.0,
    kappa_noise=0.1782,
    kappa_gap=1.223,
    z_lo=0.3446,
    z_hi=0.5675,
    widen_at=(1.321, 2.321, 3.321, 3.643),
    widen=(0.99, 1.01, 1.19, 1.2),
)

#: Without a test score: cross-validation only, intervals for test scores.
CV_CALIBRATION = Calibration(
    anchor_weight=0.0,
    shrink=0.65,
    prior_center=0.35,
    prior_sd=0.5,
    prior_gain=0.01,
    test_weight=0.0,
    kappa_gain=0.5188,
    kappa_spread=1.042,
    kappa_noise=0.03781,
    kappa_gap=0.0,
    z_lo=1.503,
    z_hi=1.429,
    widen_at=(1.321, 2.321, 3.321, 3.643),
    widen=(1.53, 1.59, 1.59, 1.59),
)
