"""Cost versus accuracy: an explicit model in which cost grows faster than the target.

The model
---------
Learning curves are close to power laws: the error ``e = 1 - accuracy`` of a model
trained on ``n`` examples falls like ``e ∝ n ** (-1 / exponent)``. Inverting it,
the examples needed to move from a reference point (``baseline`` accuracy reached
with ``examples`` labelled examples) to a ``target`` are::

    factor(target) = ((1 - baseline) / (1 - target)) ** exponent      (>= 1)
    examples_needed = examples * factor
    money = examples_needed * cost_per_example

``factor`` is the relative cost of the accuracy requirement. It is super-linear:
halving the remaining error multiplies the data by ``2 ** exponent``, and it
grows without bound as the target approaches 1.

Defaults, and why
-----------------
``exponent = 2``
    The classical statistical rate (error shrinking like ``1 / sqrt(n)``).
    It is the *optimistic* end: Hestness et al. (2017, "Deep learning scaling is
    predictable, empirically") measured generalisation-error exponents of
    0.07–0.35 for translation, speech and images, i.e. ``exponent`` from about 3
    to 14. Raise it for perception problems; keep 2 for tabular problems with a
    clear signal.
``max_factor = 1000``
    The factor that scores 1 on the accuracy driver (three orders of magnitude
    more data than the reference). A factor of 1 scores 5; scores in between
    follow ``log10(factor)``.
``max_data_ratio = 100``
    For a linked project: needing 100 times the labelled data it already holds
    scores 1 on the data driver; having enough scores 5.

When a linked mlplan project has a data-size forecast (an event of kind
``forecast``), the forecast's examples replace ``examples_needed`` and the
one-pager marks them as measured.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DEFAULT_EXPONENT",
    "DEFAULT_MAX_DATA_RATIO",
    "DEFAULT_MAX_FACTOR",
    "cost_factor",
    "data_score",
    "examples_needed",
    "factor_score",
]

DEFAULT_EXPONENT = 2.0
DEFAULT_MAX_FACTOR = 1000.0
DEFAULT_MAX_DATA_RATIO = 100.0

Array = NDArray[np.float64]


def cost_factor(
    target: ArrayLike, baseline: ArrayLike, exponent: float = DEFAULT_EXPONENT
) -> Array:
    """Relative data (and labelling) cost of reaching ``target`` from ``baseline``.

    Parameters
    ----------
    target, baseline : float or array
        Accuracies in [0, 1) of a higher-is-better metric.
    exponent : float, default 2
        How steeply cost grows (see the module docstring).

    Returns
    -------
    ndarray
        ``max(1, ((1 - baseline) / (1 - target)) ** exponent)``: a target already
        reached costs nothing extra.

    Examples
    --------
    >>> float(cost_factor(0.9, 0.8))      # halve the error: 2 ** 2
    4.0
    >>> float(cost_factor(0.7, 0.8))      # already there
    1.0
    """
    t = np.minimum(np.asarray(target, dtype=float), 1.0 - 1e-9)
    b = np.minimum(np.asarray(baseline, dtype=float), 1.0 - 1e-9)
    factor = ((1.0 - b) / (1.0 - t)) ** float(exponent)
    return np.asarray(np.maximum(factor, 1.0), dtype=float)


def examples_needed(
    target: ArrayLike,
    baseline: ArrayLike,
    examples: ArrayLike,
    exponent: float = DEFAULT_EXPONENT,
) -> Array:
    """Labelled examples needed for ``target``, given ``examples`` reach ``baseline``.

    Examples
    --------
    >>> float(examples_needed(0.9, 0.8, 1000))
    4000.0
    """
    return np.asarray(examples, dtype=float) * cost_factor(target, baseline, exponent)


def factor_score(factor: ArrayLike, max_factor: float = DEFAULT_MAX_FACTOR) -> Array:
    """Accuracy-driver score: 5 at factor 1, 1 at ``max_factor``, linear in ``log10``.

    Examples
    --------
    >>> float(factor_score(10.0))        # one order of magnitude of three
    3.666666666666667
    """
    f = np.maximum(np.asarray(factor, dtype=float), 1.0)
    share = np.clip(np.log10(f) / np.log10(max_factor), 0.0, 1.0)
    return np.asarray(5.0 - 4.0 * share, dtype=float)


def data_score(
    needed: ArrayLike, available: ArrayLike, max_ratio: float = DEFAULT_MAX_DATA_RATIO
) -> Array:
    """Measured data-driver score: 5 when ``available >= needed``, 1 at ``max_ratio`` short.

    Examples
    --------
    >>> float(data_score(10_000, 1_000))  # ten times short, of a hundred
    3.0
    """
    ratio = np.asarray(needed, dtype=float) / np.maximum(np.asarray(available, dtype=float), 1.0)
    share = np.clip(np.log10(np.maximum(ratio, 1.0)) / np.log10(max_ratio), 0.0, 1.0)
    return np.asarray(5.0 - 4.0 * share, dtype=float)
