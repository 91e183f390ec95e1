"""The Evaluation record: one model scored on the frozen test rows with the plan's metric.

Where a binary model's operating threshold comes from is decided here, in this
order (the first that applies):

1. a threshold chosen elsewhere and passed in: ``declared`` (the plan's model
   entry), ``cv`` (a ladder rung's out-of-fold predictions) or ``validation`` (a
   model's validation predictions);
2. the plan's fixed ``metric.threshold``: ``declared``;
3. a policy that tunes with no honest rows to tune on (constrained, F-beta,
   ``threshold: tuned``): chosen on the test rows, ``test (optimistic)``, with a
   warning in every output;
4. otherwise ``default 0.5`` (``default 0 (margin)`` for margins).

The value is then computed on the test rows at that fixed threshold, with every
constraint checked there (a violated constraint is a warning, not a missing value).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from mlplan._text import join_notes
from mlplan.core.data.dataset import Dataset
from mlplan.core.metrics import MetricPolicy, standard_metrics
from mlplan.core.metrics._validate import as_binary_labels, as_scores
from mlplan.core.metrics.significance import delong_interval
from mlplan.errors import MetricError
from mlplan.records.evaluation import (
    OPTIMISTIC,
    Evaluation,
    ScoreKind,
    Source,
    ThresholdSource,
)
from mlplan.records.ladder import RungResult
from mlplan.records.predictions import Predictions

__all__ = [
    "OPTIMISTIC_WARNING",
    "Evaluation",
    "evaluate_predictions",
    "evaluate_rung",
    "inverted_warning",
]

#: The warning every output carries for a threshold chosen on the test rows.
OPTIMISTIC_WARNING = (
    "optimistic (threshold chosen on the test rows): give the model's threshold "
    "(threshold:) or its validation predictions (validation_predictions:) for an honest value"
)


def evaluate_predictions(
    name: str,
    source: Source,
    dataset: Dataset,
    y_test: np.ndarray,
    predictions: Predictions,
    policy: MetricPolicy,
    *,
    costs: dict[str, float] | None = None,
    n_resamples: int | None = None,
    confidence: float | None = None,
    seed: int = 0,
    threshold: float | None = None,
    threshold_source: ThresholdSource | None = None,
    score_kind: ScoreKind = "probability",
    unreachable: str | None = None,
) -> Evaluation:
    """Score test predictions with the plan's policy at a fixed (or, marked, tuned) threshold.

    Parameters
    ----------
    name, source
        Who is evaluated.
    dataset, y_test, predictions, policy
        The data, the test truth, the model's test predictions and the plan's metric.
    costs, n_resamples, confidence, seed
        Passed to :meth:`MetricPolicy.evaluate`.
    threshold, threshold_source
        An operating threshold chosen elsewhere and where it came from.
    score_kind
        ``margin`` for binary scores that are not probabilities.
    unreachable
        Set when the threshold was to be chosen elsewhere and no threshold met the
        constraints there: the note saying so (the value is then None).
    """
    binary_scores = dataset.task == "binary" and predictions.score is not None
    margin = binary_scores and score_kind == "margin"
    tuned_here = policy.tunes_on_test and threshold is None and unreachable is None
    if binary_scores and policy.threshold_dependent:
        if unreachable is not None:
            pass  # chosen elsewhere, where nothing met the constraints: keep its source
        elif threshold is None and policy.fixed_threshold is not None:
            threshold, threshold_source = policy.fixed_threshold, "declared"
        elif threshold is None and tuned_here:
            threshold_source = OPTIMISTIC
        elif threshold is None:
            threshold_source = "default 0 (margin)" if margin else "default 0.5"
    elif dataset.task == "binary" and predictions.score is None:
        threshold_source = "labels" if policy.threshold_dependent else None
    else:
        threshold_source = None
    metrics = dict(
        standard_metrics(
            dataset.task,
            y_test,
            y_pred=predictions.pred,
            y_score=None if margin else predictions.score,
        )
    )
    warnings = []
    if binary_scores:
        warnings += inverted_warning(y_test, predictions.score, confidence or policy.confidence)
    if unreachable is not None:
        return Evaluation(
            name=name,
            source=source,
            metric=policy.name,
            value=None,
            threshold_source=threshold_source,
            reachable=False,
            score_kind=score_kind if binary_scores else None,
            metrics=metrics,
            costs=dict(costs or {}),
            warnings=tuple(warnings),
            note=unreachable,
        )
    result = policy.evaluate(
        y_test,
        y_pred=predictions.pred,
        y_score=predictions.score,
        costs=costs,
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
        threshold=threshold,
        margin=margin,
    )
    metrics.update(result.metrics)
    if result.tuned and result.reachable:
        warnings.insert(0, OPTIMISTIC_WARNING)
    warnings += [
        f"constraint not met on the test rows: {c}" for c in result.constraints if not c.holds
    ]
    note = result.note
    if margin:
        note = join_notes(note, "scores are margins (score: margin): log loss and Brier skipped")
    return Evaluation(
        name=name,
        source=source,
        metric=policy.name,
        value=result.value,
        lo=result.lo,
        hi=result.hi,
        threshold=result.threshold,
        threshold_source=threshold_source,
        interval=result.interval,
        reachable=result.reachable,
        constraints=result.constraints,
        score_kind=score_kind if binary_scores else None,
        metrics=metrics,
        costs=dict(costs or {}),
        warnings=tuple(warnings),
        note=note,
    )


def inverted_warning(y: Any, score: Any, confidence: float = 0.95) -> list[str]:
    """A warning when binary scores rank the classes the wrong way round.

    Fires when ROC AUC is below 0.5 with its whole DeLong interval below 0.5: the
    scores are probably those of the other class, or the positive class is not
    the one the model was trained for.
    """
    try:
        yy, ss = as_binary_labels(y), as_scores(score)
        auc, lo, hi = delong_interval(yy, ss.astype(np.float64), confidence)
    except MetricError:
        return []  # one class only: no ranking to judge
    if hi >= 0.5:
        return []
    return [
        f"scores look inverted: ROC AUC {auc:.3f} [{lo:.3f}, {hi:.3f}] is below 0.5; are they "
        "the score of the other class, or is data.positive not the class the model scores?"
    ]


def evaluate_rung(
    rung: RungResult,
    dataset: Dataset,
    y_test: np.ndarray,
    policy: MetricPolicy,
    **options: Any,
) -> Evaluation:
    """Score a ladder rung on the test rows at its cross-validated threshold, with its CV summary."""
    unreachable = None
    if not rung.threshold_reachable:
        unreachable = f"{rung.threshold_note} (on the out-of-fold predictions of the training part)"
    evaluation = evaluate_predictions(
        rung.name,
        "rung",
        dataset,
        y_test,
        rung.test,
        policy,
        costs=rung.costs,
        threshold=rung.threshold,
        threshold_source=rung.threshold_source,
        unreachable=unreachable,
        **options,
    )
    # A t-interval over a few folds can leave the metric's range (recall below 0).
    low, high = policy.value_range
    lo, hi = (min(max(v, low), high) for v in rung.cv_interval)
    return Evaluation(
        **{
            **asdict(evaluation),
            "constraints": evaluation.constraints,
            "cv_mean": rung.cv_mean,
            "cv_lo": lo,
            "cv_hi": hi,
            "cv_train_mean": rung.cv_train_mean,
            "note": "; ".join(n for n in (evaluation.note, *rung.notes) if n),
        }
    )
