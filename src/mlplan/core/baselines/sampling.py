"""Which rows a fit sees: stratified samples for row caps, budgets and training scores."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split

from mlplan.core.baselines.resolve import ResolvedRung

__all__ = ["fold_rows", "sample_mask", "subsample"]


def subsample(pos: np.ndarray, cap: int, y: np.ndarray, task: str, seed: int) -> np.ndarray:
    """At most ``cap`` of the positions ``pos`` (stratified by class), sorted."""
    if len(pos) <= cap:
        return pos
    return np.sort(pos[sample_mask(len(pos), cap, y[pos], task, seed)])


def fold_rows(
    runnable: list[ResolvedRung],
    folds: list[tuple[np.ndarray, np.ndarray]],
    masks: dict[str, np.ndarray],
    cv_caps: dict[str, int],
    y_train: np.ndarray,
    task: str,
    seed: int,
) -> dict[tuple[str, int], np.ndarray]:
    """The fitting rows of every rung's cross-validation fits, after its row caps."""
    out = {}
    for rung in runnable:
        mask = masks.get(rung.name)
        for k, (fit_pos, _) in enumerate(folds):
            pos = fit_pos[mask[fit_pos]] if mask is not None else fit_pos
            cap = cv_caps.get(rung.name)
            if cap is not None:
                pos = subsample(pos, cap, y_train, task, seed + 1 + k)
            out[rung.name, k] = pos
    return out


def sample_mask(n: int, cap: int, y: np.ndarray, task: str, seed: int) -> np.ndarray:
    """A boolean mask keeping ``cap`` of ``n`` rows (stratified by class when possible)."""
    mask = np.zeros(n, dtype=bool)
    if cap >= n:
        mask[:] = True
        return mask
    stratify = y if task != "regression" and np.bincount(y).min() >= 2 else None
    try:
        keep, _ = train_test_split(
            np.arange(n), train_size=cap, random_state=seed, stratify=stratify
        )
    except ValueError:
        keep = np.random.default_rng(seed).choice(n, cap, replace=False)
    mask[keep] = True
    return mask
