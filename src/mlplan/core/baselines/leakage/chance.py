"""Label agreement between test rows and the training rows they resemble, against chance.

A test row that has an identical feature row in the training part (or shares a
group with training rows) is evidence of leakage only when it also shares their
label far more often than rows like it would by chance. :func:`agreement`
measures both sides on the same rows:

* the *observed* agreement: for each matched test row, the share of the training
  rows it resembles that have its label (regression: a near-identical target,
  within :data:`NEAR_TARGET` of the target's interquartile range);
* the *expected* agreement, what such rows share without any copying: for a
  test row whose identical feature row occurs two or more times in training,
  the agreement of the pairs of those *training* rows (rows with the same
  features share labels as often as the features predict them), shrunk
  towards the table's chance agreement by :data:`PRIOR_PAIRS` pseudo-pairs;
  for a test row matched to one training row (or a group), the chance of its
  own label -- its class's share of the training rows, or the share of
  training targets within the tolerance of its target.

Each part is tested one-sided (see :func:`agreement`), the p-values combined by
Bonferroni and compared with :data:`ALARM_P`, and the excess turned into an
estimate of the rows that look copied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from mlplan.records.ladder import Severity

__all__ = [
    "ALARM_P",
    "NEAR_TARGET",
    "PRIOR_PAIRS",
    "Agreement",
    "Component",
    "agreement",
    "materiality",
    "sampling_error",
]

#: Regression targets closer than this share of the interquartile range are "near-identical".
NEAR_TARGET = 1e-3
#: Pseudo-pairs at the chance agreement added to each group's own pairs.
PRIOR_PAIRS = 1.0
#: One-sided p-value below which an excess of agreement is evidence, not noise.
ALARM_P = 1e-3
#: Rows sampled to measure the chance agreement of a regression target.
_CHANCE_SAMPLE = 20_000


@dataclass(frozen=True, slots=True)
class Component:
    """One test of the excess agreement: rows, observed and expected agreements, p-value."""

    rows: int
    observed: float
    expected: float
    p_value: float

    @property
    def excess_rows(self) -> float:
        """Rows that look copied: ``q * rows`` with ``q`` solving
        ``observed = q * rows + (1 - q) * expected``."""
        room = self.rows - self.expected
        if room <= 0 or self.observed <= self.expected:
            return 0.0
        return self.rows * min(1.0, (self.observed - self.expected) / room)


@dataclass(frozen=True, slots=True)
class Agreement:
    """Observed and expected label agreement of matched test rows.

    Attributes
    ----------
    matched : int
        Test rows that resemble at least one training row.
    components : tuple of Component
        The separate tests (see :func:`agreement`); their p-values are combined
        by Bonferroni.
    chance : float
        Agreement of two random training rows of the table.
    tolerance : float or None
        Regression: the largest target difference counted as "near-identical".
    """

    matched: int
    components: tuple[Component, ...]
    chance: float
    tolerance: float | None = None

    @property
    def share(self) -> float:
        """Share of the matched rows that agree with the training rows they resemble."""
        return sum(c.observed for c in self.components) / self.matched if self.matched else 0.0

    @property
    def expected_share(self) -> float:
        """The share expected without copying."""
        return sum(c.expected for c in self.components) / self.matched if self.matched else 0.0

    @property
    def p_value(self) -> float:
        """Bonferroni-combined one-sided p-value of the excess."""
        if not self.components:
            return 1.0
        return min(1.0, len(self.components) * min(c.p_value for c in self.components))

    @property
    def significant(self) -> bool:
        """The excess is beyond chance at :data:`ALARM_P`."""
        return self.p_value < ALARM_P

    @property
    def excess_rows(self) -> float:
        """Matched rows that look copied, summed over the components."""
        return sum(c.excess_rows for c in self.components)

    def describe(self) -> str:
        """``"share its label 93% of the time, against 89% expected ... p = 0.2"``."""
        near = f" (a target within ±{self.tolerance:.3g})" if self.tolerance is not None else ""
        return (
            f"share its label{near} {self.share:.0%} of the time, against "
            f"{self.expected_share:.0%} expected without copying (chance for two random rows "
            f"of this table {self.chance:.0%}; p = {self.p_value:.2g})"
        )


def sampling_error(n_test: int) -> float:
    """Widest 95 % half-width of a proportion measured on ``n_test`` rows (at p = 0.5)."""
    return 1.96 * math.sqrt(0.25 / max(n_test, 1))


def materiality(rows: float, n_test: int) -> Severity:
    """How much ``rows`` leaked test rows matter for a score measured on ``n_test`` rows.

    ``critical`` when they could move a proportion on the test rows by its whole
    95 % sampling error (:func:`sampling_error`), ``warning`` by half of it,
    ``info`` below.
    """
    share = rows / max(n_test, 1)
    half = sampling_error(n_test)
    if share >= half:
        return "critical"
    if share >= half / 2:
        return "warning"
    return "info"


def agreement(
    y: np.ndarray,
    *,
    regression: bool,
    train_codes: np.ndarray,
    test_codes: np.ndarray,
    train_pos: np.ndarray,
    test_pos: np.ndarray,
    conditional: bool,
) -> Agreement:
    """Label agreement of the test rows with the training rows of their group.

    Matched test rows are tested in separate components, combined by Bonferroni:

    * rows whose group has two or more training rows (``conditional=True``): the
      observed share against the pair agreement inside the group (normal
      approximation of the sum, Bernoulli variance bound);
    * rows matched to a single training row, or every matched row when
      ``conditional=False``: agreement with the chance of *their own* label --
      per class an exact binomial tail against the class's share of the training
      rows (agreeing on a rare label is strong evidence, on a common one weak);
      regression a Poisson tail against each target's share of training targets
      within the tolerance.

    Parameters
    ----------
    y
        Encoded targets of the whole dataset.
    regression
        Compare targets within a tolerance instead of by equality.
    train_codes, test_codes
        Group code of each training row (``0..G-1``) and of each test row (``-1``
        when no training row is in its group), aligned with ``train_pos`` and
        ``test_pos``.
    train_pos, test_pos
        Row positions of the two parts.
    conditional
        Expect the agreement of training pairs within the same group (identical
        feature rows) rather than the chance of each label (groups).
    """
    y_train = y[train_pos]
    matched = test_codes >= 0
    rows = test_codes[matched]
    y_test = y[test_pos][matched]
    n_groups = int(train_codes.max()) + 1 if len(train_codes) else 0
    if regression:
        tolerance: float | None = _tolerance(y_train)
        assert tolerance is not None
        counter = _NearCounter(train_codes, y_train.astype(float), tolerance)
        everyone = _NearCounter(np.zeros(len(y_train), np.int64), y_train.astype(float), tolerance)
        chance = _chance_near(y_train.astype(float), tolerance)
        sizes = np.bincount(train_codes, minlength=n_groups).astype(float)
        observed = counter.count(rows, y_test.astype(float)) / sizes[rows]
        own = everyone.count(np.zeros(len(rows), np.int64), y_test.astype(float)) / len(y_train)
        pairs_agree = counter.pairs(n_groups)
    else:
        tolerance = None
        codes = y_train.astype(np.int64)
        k = int(max(codes.max(initial=0), y_test.max(initial=0))) + 1
        shares = np.bincount(codes, minlength=k) / max(len(codes), 1)
        chance = float(np.sum(shares**2))
        table = np.bincount(train_codes * k + codes, minlength=n_groups * k).reshape(n_groups, k)
        sizes = table.sum(axis=1).astype(float)
        observed = table[rows, y_test.astype(np.int64)] / sizes[rows]
        own = shares[y_test.astype(np.int64)]
        pairs_agree = (table * (table - 1) / 2).sum(axis=1)
    pooled = sizes[rows] >= 2 if conditional else np.zeros(len(rows), dtype=bool)
    components = []
    if pooled.any():
        pairs = sizes * (sizes - 1) / 2
        expected = ((pairs_agree + PRIOR_PAIRS * chance) / (pairs + PRIOR_PAIRS))[rows[pooled]]
        components.append(_normal(observed[pooled], expected))
    single = ~pooled
    if single.any():
        if regression:
            components.append(_poisson(observed[single], np.maximum(own[single], 1e-12)))
        else:
            for label in np.unique(y_test[single]):
                these = single & (y_test == label)
                components.append(_binomial(observed[these], float(own[these][0])))
    return Agreement(
        matched=int(matched.sum()),
        components=tuple(components),
        chance=chance,
        tolerance=tolerance,
    )


def _normal(observed: np.ndarray, expected: np.ndarray) -> Component:
    variance = float(np.sum(expected * (1 - expected)))
    excess = float(observed.sum() - expected.sum())
    if variance <= 0:
        p = 0.0 if excess > 1e-9 else 1.0
    else:
        p = float(stats.norm.sf(excess / math.sqrt(variance)))
    return Component(len(observed), float(observed.sum()), float(expected.sum()), p)


def _binomial(observed: np.ndarray, share: float) -> Component:
    hits = round(float(observed.sum()))
    p = float(stats.binom.sf(hits - 1, len(observed), share)) if hits else 1.0
    return Component(len(observed), float(observed.sum()), share * len(observed), p)


def _poisson(observed: np.ndarray, own: np.ndarray) -> Component:
    """Poisson tail: conservative for a sum of Bernoulli trials with these chances."""
    hits = round(float(observed.sum()))
    rate = float(own.sum())
    p = float(stats.poisson.sf(hits - 1, rate)) if hits else 1.0
    return Component(len(observed), float(observed.sum()), rate, p)


def _tolerance(y: np.ndarray) -> float:
    """Largest difference of two "near-identical" regression targets."""
    values = y[np.isfinite(y)].astype(float)
    if len(values) == 0:
        return 0.0
    q1, q3 = np.quantile(values, [0.25, 0.75])
    spread = float(q3 - q1) or float(values.std()) or 1.0
    return NEAR_TARGET * spread


def _chance_near(y: np.ndarray, tolerance: float) -> float:
    """Share of pairs of distinct training rows whose targets are within ``tolerance``."""
    values = np.sort(y[np.isfinite(y)])
    if len(values) > _CHANCE_SAMPLE:
        values = np.sort(np.random.default_rng(0).choice(values, _CHANCE_SAMPLE, replace=False))
    n = len(values)
    if n < 2:
        return 0.0
    within = np.searchsorted(values, values + tolerance, side="right") - np.searchsorted(
        values, values - tolerance, side="left"
    )
    return float((within - 1).sum() / (n * (n - 1)))


class _NearCounter:
    """Counts training rows of a group whose target is within a tolerance of a value.

    Rows are sorted by one key, ``group * width + (target - lowest)``, with
    ``width`` larger than the target range plus the tolerance, so each query is
    two binary searches.
    """

    def __init__(self, codes: np.ndarray, y: np.ndarray, tolerance: float) -> None:
        finite = np.isfinite(y)
        self.codes, self.y = codes[finite], y[finite]
        self.tolerance = tolerance
        self.low = float(self.y.min()) if len(self.y) else 0.0
        self.width = (float(self.y.max()) - self.low if len(self.y) else 0.0) + 4 * tolerance + 1
        self.keys = np.sort(self._key(self.codes, self.y))

    def _key(self, codes: np.ndarray, y: np.ndarray) -> np.ndarray:
        return codes.astype(float) * self.width + (y - self.low)

    def count(self, codes: np.ndarray, y: np.ndarray) -> np.ndarray:
        key = self._key(codes, np.where(np.isfinite(y), y, np.inf))
        hi = np.searchsorted(self.keys, key + self.tolerance, side="right")
        lo = np.searchsorted(self.keys, key - self.tolerance, side="left")
        return (hi - lo).astype(float)

    def pairs(self, n_groups: int) -> np.ndarray:
        """Pairs of training rows within the tolerance, per group."""
        within = self.count(self.codes, self.y) - 1  # each row finds itself
        return np.bincount(self.codes, weights=within, minlength=n_groups) / 2
