"""A rung's operating threshold, chosen where a deployment would: on out-of-fold predictions.

Every cross-validation fold predicts its validation rows with a model that never
saw them; together these out-of-fold scores cover the training part (all of it,
except the first block of a time split).  The rung's threshold is chosen on them
(:meth:`~mlplan.core.metrics.MetricPolicy.choose_threshold`, exact, with its tie
rule) and applied unchanged to the test rows, which are never used to choose it.

The fold scores stay honest as well: fold ``k`` is scored at the threshold chosen
on the out-of-fold scores of the *other* folds, so no fold's score uses a
threshold tuned on its own rows.  (In a time split the other folds include later
ones: a mild look-ahead inside cross-validation only; the test rows come after all.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from mlplan.core.baselines.jobs import FoldOutcome
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.core.metrics.standard import standard_metrics

__all__ = ["CvThreshold", "tune_on_folds"]


@dataclass(frozen=True)
class CvThreshold:
    """The threshold chosen on the out-of-fold predictions, and the folds scored with it.

    Attributes
    ----------
    threshold : float or None
        None when no threshold meets the constraints on the out-of-fold predictions.
    reachable : bool
    note : str
        Why it is unreachable, naming the best values reached.
    folds : tuple of FoldOutcome
        Each fold's train and validation scores and metrics at its own threshold.
    fold_thresholds : tuple of float or None
        The threshold each fold was scored at (chosen on the other folds).
    scores : ndarray
        The out-of-fold scores, one per training row (NaN where no fold validates).
    """

    threshold: float | None
    reachable: bool
    note: str
    folds: tuple[FoldOutcome, ...]
    fold_thresholds: tuple[float | None, ...]
    scores: np.ndarray


def tune_on_folds(
    policy: MetricPolicy,
    outcomes: Sequence[FoldOutcome],
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    y_train: np.ndarray,
    costs: Mapping[str, float] | None = None,
) -> CvThreshold:
    """Choose the rung's threshold on its out-of-fold scores and score every fold honestly.

    Parameters
    ----------
    policy
        The plan's (threshold-dependent, binary) policy.
    outcomes
        The folds' outcomes, holding their validation and fitting-sample predictions.
    folds
        ``(fit, validation)`` positions into the training part, as cross-validated.
    y_train
        The training part's 0/1 target.
    costs
        The rung's measured costs, for policies that read them.
    """
    scores = np.full(len(y_train), np.nan)
    fold_of = np.full(len(y_train), -1)
    for k, ((_, val_pos), outcome) in enumerate(zip(folds, outcomes, strict=True)):
        assert outcome.val_pred is not None and outcome.val_pred.score is not None
        scores[val_pos] = outcome.val_pred.score
        fold_of[val_pos] = k
    covered = fold_of >= 0
    y = y_train[covered]
    choice = policy.choose_threshold(y, scores[covered], costs=costs)
    rescored, thresholds = [], []
    for k, outcome in enumerate(outcomes):
        others = covered & (fold_of != k)
        if others.any() and not (fold_of[covered] == k).all():
            own = policy.choose_threshold(y_train[others], scores[others], costs=costs)
            t = own.threshold
        else:
            t = choice.threshold
        thresholds.append(t)
        rescored.append(_at_threshold(policy, outcome, y_train[folds[k][1]], t, costs))
    return CvThreshold(
        threshold=choice.threshold,
        reachable=choice.reachable,
        note=choice.note,
        folds=tuple(rescored),
        fold_thresholds=tuple(thresholds),
        scores=scores,
    )


def _at_threshold(
    policy: MetricPolicy,
    outcome: FoldOutcome,
    y_val: np.ndarray,
    threshold: float | None,
    costs: Mapping[str, float] | None,
) -> FoldOutcome:
    """The fold's train and validation values, and its metrics, at ``threshold``."""
    assert outcome.val_pred is not None and outcome.val_pred.score is not None
    val_score = outcome.val_pred.score
    if threshold is None:  # unreachable on the other folds: the fold's value is undefined
        metrics = standard_metrics("binary", y_val, y_score=val_score)
        return replace(outcome, train=np.nan, val=np.nan, metrics=metrics)
    values = []
    for y, pred in ((outcome.train_y, outcome.train_pred), (y_val, outcome.val_pred)):
        assert y is not None and pred is not None
        result = policy.evaluate(
            y, y_score=pred.score, threshold=threshold, costs=costs, n_resamples=0
        )
        values.append(np.nan if result.value is None else float(result.value))
    metrics = standard_metrics("binary", y_val, y_score=val_score, threshold=threshold)
    return replace(outcome, train=values[0], val=values[1], metrics=metrics)
