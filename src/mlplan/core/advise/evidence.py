"""The evidence advice rules judge: one run's numbers, assembled from records in memory.

:func:`assemble_evidence` takes a run's evaluations and test predictions (just
measured, or read back from the store by the application layer) and computes what
the rules need beyond them: the paired differences of every candidate model with
every baseline rung, the weak slices of the best candidate, and the declared rungs
(requirement, human, published) of the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from mlplan.core.advise.paired import paired_difference, ranking_differences
from mlplan.core.advise.slices import weak_slices
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.split import Split
from mlplan.core.metrics import MetricPolicy, higher_is_better
from mlplan.errors import MetricError
from mlplan.records.evaluation import Evaluation
from mlplan.records.evidence import DeclaredRung, Evidence, LeakageNote, PairedDifference, Slice
from mlplan.schema.plan import Plan, Stage

__all__ = [
    "assemble_evidence",
    "evaluation_from_record",
    "leakage_notes",
    "metric_direction",
    "stored_leakage",
]

_DECLARED_KEYS = {
    "name",
    "source",
    "same_data",
    "same_split",
    "note",
    "cost_per_example",
    "n_examples",
}


def metric_direction(name: str, default: bool = True) -> bool:
    """Whether larger values of metric ``name`` are better (``default`` if unknown)."""
    try:
        return higher_is_better(name)
    except MetricError:
        return default


def assemble_evidence(
    *,
    plan: Plan,
    dataset: Dataset,
    split: Split,
    policy: MetricPolicy,
    run_id: int | None,
    stage: Stage,
    evaluations: Sequence[Evaluation],
    predictions: Mapping[str, Mapping[str, np.ndarray]],
    leakage: Any = None,
    forecast: dict[str, Any] | None = None,
) -> Evidence:
    """Gather what the advice rules judge about one run, from records in memory.

    Parameters
    ----------
    plan, dataset, split, policy
        The plan, its data, the frozen split and the metric policy.
    run_id, stage
        The run judged (None before it is stored) and the stage it ran at.
    evaluations
        Every evaluation of the run.
    predictions
        Each evaluated model's test predictions: ``{"pred": ..., "score": ...}``.
    leakage
        The ladder's leakage warnings (records or their dicts).
    forecast
        The stored payload of the plan's latest forecast of this metric, if any.
    """
    _, test_pos = split.positions(dataset)
    y_test = dataset.y[test_pos]
    scripted_names = {s.name for s in plan.baselines.scripted}
    scripted = tuple(
        e.name for e in evaluations if e.name in scripted_names or e.name.startswith("scripted:")
    )
    base = Evidence(
        project=plan.project.name,
        run_id=run_id,
        stage=stage,
        task=dataset.task,
        metric=policy.name,
        optimise=policy.optimise,
        higher_is_better=policy.higher_is_better,
        confidence=plan.metric.confidence,
        constraints=tuple(f"{c.name} {c.op} {c.bound:g}" for c in policy.constraints),
        evaluations=tuple(evaluations),
        scripted=scripted,
        requirement=dict(plan.baselines.requirement),
        human=tuple(_declared(h, "human") for h in plan.baselines.human),
        published=tuple(_declared(p, "published") for p in plan.baselines.published),
        leakage=leakage_notes(leakage),
        n_test=len(y_test),
        class_shares=_shares(dataset, y_test),
        forecast=forecast,
    )
    comparisons, ranking = _comparisons(base, policy, y_test, predictions, plan.metric.resamples)
    frame = dataset.frame.iloc[test_pos]
    slices, slice_model, slice_baseline, note = _slices(
        base, dataset, policy, frame, y_test, predictions
    )
    return replace(
        base,
        comparisons=comparisons,
        ranking=ranking,
        slices=slices,
        slice_model=slice_model,
        slice_baseline=slice_baseline,
        slice_note=note,
    )


def evaluation_from_record(record: dict[str, Any], metric: str) -> Evaluation:
    """An Evaluation from its stored record (fields added later get their defaults)."""
    known = {k: v for k, v in record.items() if k in Evaluation.__dataclass_fields__}
    known.setdefault("metric", metric)
    known.setdefault("value", None)
    for key in ("metrics", "costs"):
        known[key] = known.get(key) or {}
    return Evaluation(**known)


def _declared(entry: Any, kind: str) -> DeclaredRung:
    extra = {**(entry.model_extra or {})}
    metrics = {
        k: float(v)
        for k, v in extra.items()
        if k not in _DECLARED_KEYS and isinstance(v, int | float) and not isinstance(v, bool)
    }
    return DeclaredRung(
        name=entry.name,
        kind=kind,
        metrics=metrics,
        source=getattr(entry, "source", None),
        same_data=getattr(entry, "same_data", None),
        same_split=getattr(entry, "same_split", None),
    )


def leakage_notes(items: Any) -> tuple[LeakageNote, ...]:
    """Leakage warnings as notes: from the ladder's ``LeakageWarning`` records or their dicts."""
    notes = []
    for item in items or ():
        if isinstance(item, str):
            notes.append(LeakageNote(message=item))
            continue
        data = (
            item
            if isinstance(item, dict)
            else {
                k: getattr(item, k)
                for k in ("code", "column", "evidence", "severity", "message")
                if hasattr(item, k)
            }
        )
        where = f" [{data['column']}]" if data.get("column") else ""
        message = data.get("message") or (
            f"{data.get('code', 'leakage')}{where}: {data.get('evidence', '')}".strip()
        )
        notes.append(
            LeakageNote(
                message=str(message),
                column=data.get("column"),
                severity=str(data.get("severity") or "warning"),
                details={k: v for k, v in data.items() if k not in ("message", "column")},
            )
        )
    return tuple(notes)


def stored_leakage(summary: dict[str, Any]) -> tuple[LeakageNote, ...]:
    """Leakage warnings stored with a run's summary, when the ladder made any."""
    return leakage_notes(
        summary.get("warnings") or summary.get("leakage") or summary.get("leakage_warnings")
    )


def _shares(dataset: Dataset, y: np.ndarray) -> dict[str, float]:
    if dataset.task == "regression" or len(y) == 0:
        return {}
    counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=len(dataset.classes))
    return {str(c): float(n / len(y)) for c, n in zip(dataset.classes, counts, strict=False)}


def _comparisons(
    evidence: Evidence,
    policy: MetricPolicy,
    y: np.ndarray,
    predictions: Mapping[str, Mapping[str, np.ndarray]],
    n_resamples: int,
) -> tuple[tuple[PairedDifference, ...], tuple[PairedDifference, ...]]:
    """Paired differences on the plan's metric, and on the ranking metrics (binary scores)."""
    pairs: list[tuple[Evaluation, Evaluation]] = []
    for candidate in evidence.candidates:
        pairs += [(candidate, b) for b in evidence.baselines if b.name != candidate.name]
    for learned in evidence.ml:
        for name in evidence.scripted:
            scripted = evidence.evaluation(name)
            if scripted is not None and (learned, scripted) not in pairs:
                pairs.append((learned, scripted))
    out: list[PairedDifference] = []
    ranking: list[PairedDifference] = []
    resamples, confidence = max(n_resamples, 200), evidence.confidence
    for candidate, baseline in pairs:
        found = paired_difference(
            policy,
            y,
            candidate,
            predictions[candidate.name],
            baseline,
            predictions[baseline.name],
            n_resamples=resamples,
            confidence=confidence,
        )
        if found is not None:
            out.append(found)
            if found.worse:  # does the ranking differ too, or only the threshold?
                ranking += ranking_differences(
                    policy,
                    y,
                    candidate,
                    predictions[candidate.name],
                    baseline,
                    predictions[baseline.name],
                    n_resamples=resamples,
                    confidence=confidence,
                )
    return tuple(out), tuple(ranking)


def _slices(
    evidence: Evidence,
    dataset: Dataset,
    policy: MetricPolicy,
    frame: Any,
    y: np.ndarray,
    predictions: Mapping[str, Mapping[str, np.ndarray]],
) -> tuple[tuple[Slice, ...], str | None, str | None, str]:
    model = evidence.best(evidence.ml)
    if model is None:
        return (), None, None, ""
    others = [b for b in evidence.baselines if b.name != model.name and b.value is not None]
    baseline = evidence.best(others)

    def side(e: Evaluation) -> tuple[np.ndarray, np.ndarray | None, float | None]:
        p = predictions[e.name]
        threshold = e.threshold if e.threshold is not None else 0.5
        return p["pred"], p.get("score"), threshold

    slices, note = weak_slices(
        dataset,
        frame,
        y,
        policy=policy,
        model=side(model),
        baseline=side(baseline) if baseline is not None else None,
    )
    return slices, model.name, baseline.name if baseline is not None else None, note
