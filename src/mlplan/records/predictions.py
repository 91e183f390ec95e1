"""Predictions: what a model says about some rows, in mlplan's encoding."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Predictions"]


@dataclass(frozen=True, kw_only=True)
class Predictions:
    """What a model says about some rows.

    ``score`` is the positive-class score (binary), the class probabilities
    ``(n, K)`` (multi-class) or ``None`` (labels only, or regression); ``pred`` is
    the label codes (classification) or the predicted values (regression).
    """

    pred: np.ndarray
    score: np.ndarray | None = None
