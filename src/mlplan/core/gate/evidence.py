"""What one paired comparison can tell: a p-value per null value, resolution, rows needed.

Every number here is read from the comparison's own interval machinery, so the
p-value tests the same statistic, in the same direction, as the interval beside it:

* **bootstrap** (joint cells or rows): the percentile interval is
  ``Q(alpha/2), Q(1 - alpha/2)`` of the resampled differences with NumPy's linear
  quantile ``Q``.  :func:`p_value` inverts that very function: the one-sided
  p-values are the quantile levels at which ``Q`` reaches the null value, so
  ``lo > null`` exactly when the lower one is below ``alpha/2`` (and
  ``hi < null`` for the upper one);
* **DeLong**: the interval is ``d +/- z * se`` and the p-value is the normal one
  with the same ``se``.

The two-sided p-value is twice the smaller one-sided value, so ``p < 1 -
confidence`` exactly when the interval excludes the null value.

The power statement treats the paired difference's standard error as scaling with
``1 / sqrt(n)``: ``se = (hi - lo) / (2 z)`` is read from the interval, the
*resolution* is its half-width ``z * se``, and an equally good candidate shows
non-inferiority at margin ``m`` with power ``P`` once ``(z + z_P) * se_n <= m``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr, ndtri

from mlplan.records.paired import PairedResult

__all__ = ["decidable_margin", "p_value", "resolution", "rows_needed", "standard_error"]


def _z(confidence: float) -> float:
    return float(ndtri(0.5 + confidence / 2.0))


def _share_below(sorted_draws: np.ndarray, null: float) -> float:
    """``sup {q : Q(q) <= null}`` for NumPy's linear quantile ``Q`` of the draws (0 if none)."""
    d, b = sorted_draws, sorted_draws.size
    if b == 1:
        return 1.0 if d[0] <= null else 0.0
    k = int(np.searchsorted(d, null, side="right")) - 1
    if k < 0:
        return 0.0
    if k >= b - 1:
        return 1.0
    return (k + (null - d[k]) / (d[k + 1] - d[k])) / (b - 1)


def _share_above(sorted_draws: np.ndarray, null: float) -> float:
    """``1 - inf {q : Q(q) >= null}`` (0 if no draw reaches ``null``)."""
    d, b = sorted_draws, sorted_draws.size
    if b == 1:
        return 1.0 if d[0] >= null else 0.0
    j = int(np.searchsorted(d, null, side="left"))
    if j >= b:
        return 0.0
    if j == 0:
        return 1.0
    return 1.0 - (j - 1 + (null - d[j - 1]) / (d[j] - d[j - 1])) / (b - 1)


def p_value(c: PairedResult, null: float, confidence: float) -> float | None:
    """Two-sided p-value of "the oriented difference equals ``null``".

    Parameters
    ----------
    c : PairedResult
        The comparison (bootstrap draws or a DeLong interval).
    null : float
        The value tested: ``-margin`` for non-inferiority, 0 against a baseline.
    confidence : float
        The interval's confidence (DeLong's standard error is read from it).

    Returns
    -------
    float or None
        None when the comparison has neither draws nor an interval.
    """
    if c.draws is not None and np.size(c.draws):
        d = np.sort(np.asarray(c.draws, dtype=np.float64))
        below, above = _share_below(d, null), _share_above(d, null)
        return float(min(1.0, 2.0 * min(below, above)))
    se = standard_error(c, confidence)
    if se is None:
        return None
    if se == 0.0:
        return 1.0 if c.difference == null else 0.0
    return float(min(1.0, 2.0 * ndtr(-abs(c.difference - null) / se)))


def standard_error(c: PairedResult, confidence: float) -> float | None:
    """The paired difference's standard error as the interval states it: ``(hi - lo) / 2z``."""
    if c.lo is None or c.hi is None or not (math.isfinite(c.lo) and math.isfinite(c.hi)):
        return None
    return max(0.0, (c.hi - c.lo) / (2.0 * _z(confidence)))


def resolution(c: PairedResult) -> float | None:
    """Half-width of the paired interval: smaller differences are within noise."""
    if c.lo is None or c.hi is None:
        return None
    return max(0.0, (c.hi - c.lo) / 2.0)


def decidable_margin(c: PairedResult, confidence: float, power: float) -> float | None:
    """The smallest margin an equally good candidate clears on these rows with ``power``."""
    se = standard_error(c, confidence)
    if se is None:
        return None
    return (_z(confidence) + float(ndtri(power))) * se


def rows_needed(c: PairedResult, margin: float, confidence: float, power: float) -> int | None:
    """Test rows with which an equally good candidate shows non-inferiority at ``margin``.

    ``n * ((z + z_power) * se / margin)^2`` from the observed standard error; 0
    when the two models never differ, None when ``margin`` is 0 (only a better
    candidate can clear it) or the interval is unknown.
    """
    se = standard_error(c, confidence)
    if se is None:
        return None
    if se == 0.0:
        return 0
    if margin <= 0.0:
        return None
    k = (_z(confidence) + float(ndtri(power))) * se / margin
    return math.ceil(c.n * k * k)
