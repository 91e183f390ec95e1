"""Paired differences between two models on the frozen test rows, as advice needs them.

The plan's policy is compared on the same rows with
:func:`mlplan.core.metrics.paired_table`, each model at its stored operating
threshold: confusion metrics (and averages, weighted means, F-beta and formulas
of them) by multinomial draws of the joint cells, ROC AUC by DeLong's test,
threshold-free and regression metrics by a paired row bootstrap.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mlplan.core.metrics import MetricPolicy, paired_table
from mlplan.core.metrics.definitions import THRESHOLD_FREE
from mlplan.errors import MetricError
from mlplan.records.evaluation import Evaluation
from mlplan.records.evidence import PairedDifference
from mlplan.records.paired import PairedModel

__all__ = ["RANKING_METRICS", "PairedDifference", "paired_difference", "ranking_differences"]

#: Threshold-free metrics that say whether two models rank the rows alike.
RANKING_METRICS = ("roc_auc", "average_precision")

_METHODS = {
    "mcnemar": "paired bootstrap of the joint cells",
    "delong": "DeLong",
    "bootstrap": "paired row bootstrap",
}


def paired_difference(
    policy: MetricPolicy,
    y_test: np.ndarray,
    candidate: Evaluation,
    candidate_preds: Mapping[str, np.ndarray],
    baseline: Evaluation,
    baseline_preds: Mapping[str, np.ndarray],
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> PairedDifference | None:
    """The paired difference of two evaluated models, or None if it has no value.

    Parameters
    ----------
    policy
        The plan's metric policy.
    y_test
        Test labels (or values) in the order of the stored predictions.
    candidate, baseline
        The two evaluations (their operating thresholds and costs are reused).
    candidate_preds, baseline_preds
        Stored test predictions: ``{"pred": ..., "score": ...}``.
    n_resamples, confidence, seed
        Bootstrap settings.
    """
    if candidate.value is None or baseline.value is None:
        return None
    try:
        (found,) = paired_table(
            y_test,
            _model(policy, candidate, candidate_preds),
            [_model(policy, baseline, baseline_preds)],
            metrics=[policy],
            task=policy.task,  # type: ignore[arg-type]
            n_resamples=n_resamples,
            confidence=confidence,
            seed=seed,
        )
    except MetricError:
        return None  # e.g. one class only in y_test for roc_auc
    difference, lo, hi = found.unoriented()
    how = _METHODS[found.test]
    if policy.kind == "constrained":
        how += " at each model's operating threshold"
    single = policy.kind in ("single", "constrained") and policy.optimise is not None
    return PairedDifference(
        candidate=candidate.name,
        baseline=baseline.name,
        metric=policy.optimise if single and policy.optimise else policy.name,
        value_candidate=found.value_b,
        value_baseline=found.value_a,
        difference=difference,
        lo=lo,
        hi=hi,
        higher_is_better=found.higher_is_better,
        method=how,
        p_value=found.p_value,
    )


def ranking_differences(
    policy: MetricPolicy,
    y_test: np.ndarray,
    candidate: Evaluation,
    candidate_preds: Mapping[str, np.ndarray],
    baseline: Evaluation,
    baseline_preds: Mapping[str, np.ndarray],
    *,
    n_resamples: int = 200,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[PairedDifference, ...]:
    """Paired ROC AUC and average precision differences of two binary scorers.

    Empty unless the task is binary, the plan's metric needs a threshold and both
    models have one score per row: then these say whether a gap in the plan's
    metric comes from the ranking or from the threshold.
    """
    scores = candidate_preds.get("score"), baseline_preds.get("score")
    if (
        policy.task != "binary"
        or not (policy.names - THRESHOLD_FREE)
        or any(s is None or np.ndim(s) != 1 for s in scores)
    ):
        return ()
    try:
        found = paired_table(
            y_test,
            PairedModel(name=candidate.name, score=scores[0]),
            [PairedModel(name=baseline.name, score=scores[1])],
            metrics=list(RANKING_METRICS),
            task="binary",
            n_resamples=n_resamples,
            confidence=confidence,
            seed=seed,
        )
    except MetricError:
        return ()
    out = []
    for metric, result in zip(RANKING_METRICS, found, strict=True):
        difference, lo, hi = result.unoriented()
        out.append(
            PairedDifference(
                candidate=candidate.name,
                baseline=baseline.name,
                metric=metric,
                value_candidate=result.value_b,
                value_baseline=result.value_a,
                difference=difference,
                lo=lo,
                hi=hi,
                higher_is_better=True,
                method=_METHODS[result.test],
                p_value=result.p_value,
            )
        )
    return tuple(out)


def _model(
    policy: MetricPolicy, evaluation: Evaluation, preds: Mapping[str, np.ndarray]
) -> PairedModel:
    """One model as the paired table sees it: labels at its threshold, scores when read."""
    score = preds.get("score")
    if policy.task == "binary" and score is not None and score.ndim == 1:
        threshold = evaluation.threshold if evaluation.threshold is not None else 0.5
        return PairedModel(
            name=evaluation.name, score=score, threshold=threshold, costs=evaluation.costs
        )
    reads_scores = policy.task == "multiclass" and bool(policy.names & THRESHOLD_FREE)
    return PairedModel(
        name=evaluation.name,
        pred=preds["pred"],
        score=score if reads_scores else None,
        costs=evaluation.costs,
    )
