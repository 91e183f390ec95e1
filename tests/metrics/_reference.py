"""Reference selections from scikit-learn that the metric engine must reproduce bit for bit."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.metrics import precision_recall_curve


def sklearn_path(y, s, bound):
    """Reference: max recall s.t. precision >= bound, ties to the highest threshold.

    The highest threshold reaching the best recall has the fewest false positives,
    so the highest precision: the point no other tied point dominates (ADR 0002).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, t = precision_recall_curve(y, s)
    p, r = p[:-1], r[:-1]
    ok = p >= bound
    if not ok.any():
        return None
    best = r[ok].max()
    i = int(np.flatnonzero(ok & (r == best))[-1])  # thresholds ascend
    return t[i], r[i], p[i]
