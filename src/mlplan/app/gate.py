"""``mlplan gate``: gather the contenders, run the rules, record the verdict in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlplan.app.context import Context
from mlplan.app.measure import entry_columns, threshold_on_validation
from mlplan.app.outofcore import gate_partitioned
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.fingerprint import fingerprint_values
from mlplan.core.gate.engine import evaluate_gate
from mlplan.errors import DataError, PlanError
from mlplan.io.data.partitioned import is_partitioned
from mlplan.io.data.predictions import align_predictions, read_predictions
from mlplan.io.plan.load import PlanFile
from mlplan.io.store import Store
from mlplan.io.store.champions import (
    NEW_TEST_SET,
    accepted_test_fingerprint,
    latest_champion,
    predictions_fingerprint,
    promote,
    who,
)
from mlplan.io.store.sqlite import Tx
from mlplan.records.gate import Contender, GateResult, TestSetCheck, ThresholdSource
from mlplan.schema.plan import Plan

__all__ = ["PredictionsInput", "gate"]

#: A predictions file, or an in-memory table with the same columns.
PredictionsInput = str | Path | pd.DataFrame


def _read(
    source: PredictionsInput, dataset: Dataset, test_ids: tuple[str, ...], id_name: str | None
) -> tuple[np.ndarray, np.ndarray | None]:
    if isinstance(source, pd.DataFrame):
        return align_predictions(source, dataset, test_ids, source="candidate", id_name=id_name)
    return read_predictions(source, dataset, test_ids, id_name=id_name)


def _name(source: PredictionsInput, name: str | None, default: str) -> str:
    if name:
        return name
    return Path(source).stem if not isinstance(source, pd.DataFrame) else default


def gate(
    candidate: PredictionsInput,
    plan: str | Path | PlanFile | None = None,
    *,
    champion: PredictionsInput | None = None,
    name: str | None = None,
    threshold: float | None = None,
    validation: str | Path | None = None,
    costs: Mapping[str, float] | None = None,
    accept: bool = False,
    accept_new_test_set: bool = False,
    reason: str | None = None,
    record: bool = True,
) -> GateResult:
    """Judge a candidate's test predictions against the champion and the baselines.

    Parameters
    ----------
    candidate : str, Path or DataFrame
        The candidate's predictions (ids + scores or labels) on the frozen test rows.
    plan : str or Path, optional
        The plan file or its folder (default ``./mlplan.yaml``).
    champion : str, Path or DataFrame, optional
        Compare with these predictions instead of the stored champion.
    name : str, optional
        The candidate's name (default: the file stem).
    threshold : float, optional
        The candidate's operating threshold (binary scores).  Default: the
        ``threshold`` of the plan's ``models:`` entry of that name when there is
        one, else chosen on ``validation`` (or the entry's
        ``validation_predictions``), else chosen on the test rows and marked
        *optimistic*.
    validation : str or Path, optional
        The candidate's predictions on rows of the training part (ids + scores):
        its threshold is chosen there, never on the test rows.
    costs : mapping, optional
        The candidate's measured ``latency_ms``, ``model_mb``, ``fit_seconds``.
    accept : bool, default False
        Promote the candidate to champion when the gate passes.
    accept_new_test_set : bool, default False
        Accept a changed test set (the decision is stored).
    reason : str, optional
        Why the candidate is promoted or the test set accepted (stored).
    record : bool, default True
        Store a ``gate`` event with the verdict.

    Returns
    -------
    GateResult
        ``outcome`` is pass, regression, inconclusive or fail; ``exit_code`` is 1 for a
        regression or failed check, and for an inconclusive gate unless the plan says
        ``gate.on_inconclusive: pass``.  ``--accept`` promotes only when it is 0.

    Raises
    ------
    PlanError, DataError, MetricError
        Bad input: the plan, the predictions files (a champion file scored on another
        test set), a threshold outside [0, 1], unknown metrics (exit code 2).
    """
    with Context(plan) as ctx:
        if not isinstance(candidate, pd.DataFrame) and is_partitioned(candidate):
            options = {"accept": accept, "champion": champion, "costs": costs}
            result = gate_partitioned(candidate, ctx, name=name, options=options)
            if record:
                ctx.commit(lambda tx: tx.add_event("gate", {**_summary(result), "accepted": False}))
            return result
        section, dataset, split = ctx.plan, ctx.dataset, ctx.split
        _, test_pos = split.positions(dataset)
        y = dataset.y[test_pos]
        current = fingerprint_values(split.test_ids, y)
        id_name = section.data.id
        pred, score = _read(candidate, dataset, split.test_ids, id_name)
        cand_name = _name(candidate, name, "candidate")
        thr, thr_source = _threshold(threshold, section, cand_name, dataset.task, score)
        if thr is None:
            thr, thr_source = _validation_threshold(ctx, validation, cand_name)
        cand = Contender(
            name=cand_name,
            pred=pred,
            score=score,
            threshold=thr,
            threshold_source=thr_source,
            costs=dict(costs or {}),
        )
        store = ctx.store
        reference, ref_source = accepted_test_fingerprint(store)
        check = TestSetCheck(
            current=current,
            reference=reference,
            accepted=accept_new_test_set,
            reference_source=ref_source,
        )
        champ, champ_note = _champion(
            store, champion, dataset, split.test_ids, id_name, current, accept_new_test_set
        )
        baselines, base_note = _baselines(store, split.test_fingerprint)
        floors = section.gate.floors
        result = evaluate_gate(
            y,
            cand,
            policy=ctx.policy,
            section=section.gate,
            champion=champ,
            champion_note=champ_note,
            baselines=baselines,
            must_beat=section.gate.must_beat,
            floors=section.baselines.requirement if floors is None else floors,
            test_set=check,
            n_classes=len(dataset.classes),
            baseline_note=base_note,
        )
        if not record and not accept and not accept_new_test_set:
            return result
        notes = list(result.notes)
        new_test_set = accept_new_test_set and reference is not None and reference != current
        promoted = accept and result.passed
        if new_test_set:
            notes.append(f"new test set {current} accepted and stored")
        if promoted:
            notes.append(f"{cand.name} is the new champion")
            if result.outcome == "inconclusive":
                notes.append("promoted although inconclusive: gate.on_inconclusive is pass")
        elif accept:
            notes.append(f"{cand.name} was not promoted: the gate's outcome is {result.outcome}")
        source = str(candidate) if not isinstance(candidate, pd.DataFrame) else "<DataFrame>"

        def write(tx: Tx) -> None:
            if new_test_set:
                tx.add_event(
                    "decision",
                    {
                        "summary": f"accepted a new test set ({reference} -> {current})",
                        "decision": NEW_TEST_SET,
                        "test_fingerprint": current,
                        "previous": reference,
                        "who": who(),
                        "why": reason or "",
                        "n_test": int(y.size),
                    },
                )
            if promoted:
                promote(
                    tx,
                    name=cand.name,
                    source=source,
                    pred=pred,
                    score=score,
                    threshold=result.threshold,
                    test_fingerprint=current,
                    reason=reason,
                    gate_summary=_summary(result),
                )
            if record:
                tx.add_event(
                    "gate",
                    {
                        **_summary(result),
                        "accepted": promoted,
                        "who": who(),
                        "predictions_fingerprint": predictions_fingerprint(pred, score),
                        "rules": [rule.to_dict() for rule in result.rules],  # for the report
                    },
                )

        ctx.commit(write, what="the gate's verdict")
        return replace(result, notes=tuple(notes), accepted=promoted)


def _summary(result: GateResult) -> dict[str, Any]:
    against = f" vs {result.champion}" if result.champion else ""
    return {
        "summary": f"gate {result.outcome}: {result.candidate}{against}",
        "candidate": result.candidate,
        "champion": result.champion,
        "outcome": result.outcome,
        "passed": result.passed,
        "metric": result.metric,
        "threshold": result.threshold,
        "threshold_source": result.threshold_source,
        "test_fingerprint": result.test_fingerprint,
        "failed": [r.id for r in result.failed],
    }


def _threshold(
    given: float | None, plan: Plan, name: str, task: str, score: np.ndarray | None
) -> tuple[float | None, ThresholdSource | None]:
    """The candidate's declared threshold: ``--threshold``, else its ``models:`` entry's."""
    source = "--threshold"
    if given is None:
        entry = next((m for m in plan.models if m.name == name), None)
        given = getattr(entry, "threshold", None)
        source = f"models: {name} threshold"
    if given is None:
        return None, None
    if task != "binary" or score is None:
        raise PlanError(f"{source}: a threshold applies to binary scores only")
    if not 0.0 <= float(given) <= 1.0:
        raise PlanError(f"{source}: the threshold must lie in [0, 1]; got {given!r}")
    return float(given), "declared"


def _validation_threshold(
    ctx: Context, validation: str | Path | None, name: str
) -> tuple[float | None, ThresholdSource | None]:
    """The threshold chosen on the candidate's validation predictions, when it has any."""
    entry = next((m for m in ctx.plan.models if m.name == name), None)
    columns: dict[str, Any] = {"id_name": ctx.plan.data.id}
    if validation is None and entry is not None and entry.validation_predictions is not None:
        validation = ctx.plan_file.resolve(entry.validation_predictions)
        columns = entry_columns(entry, ctx.plan.data.id)
    if validation is None:
        return None, None
    threshold, source, _ = threshold_on_validation(ctx, validation, columns)
    return (threshold, source) if threshold is not None else (None, None)


def _champion(
    store: Store,
    explicit: PredictionsInput | None,
    dataset: Dataset,
    test_ids: tuple[str, ...],
    id_name: str | None,
    current: str,
    accepted: bool,
) -> tuple[Contender | None, str]:
    if explicit is not None:
        try:
            pred, score = _read(explicit, dataset, test_ids, id_name)
        except DataError as exc:
            raise DataError(f"--champion: not scored on this test set ({current}): {exc}") from exc
        return Contender(name=_name(explicit, None, "champion"), pred=pred, score=score), ""
    stored = latest_champion(store)
    if stored is None:
        return None, "no champion yet: promote one with 'mlplan gate --accept'"
    if stored.test_fingerprint != current or len(stored.pred) != len(test_ids):
        what = (
            "skipped after --accept-new-test-set"
            if accepted
            else "skipped until the new test set is accepted"
        )
        return None, (
            f"the champion {stored.name!r} was scored on another test set "
            f"({stored.test_fingerprint}): {what}; give --champion FILE to compare on this one"
        )
    return Contender(
        name=stored.name,
        pred=stored.pred,
        score=stored.score,
        threshold=stored.threshold,
        threshold_source="accepted" if stored.threshold is not None else None,
    ), ""


def _baselines(store: Store, split_fingerprint: str) -> tuple[list[Contender], str]:
    """The latest run's rungs with stored test predictions, or why there are none."""
    run = store.latest_run()
    if run is None:
        return [], "no run yet: 'mlplan run' stores the baselines' predictions"
    if run.test_fingerprint != split_fingerprint:
        return [], f"run #{run.id} scored the baselines on another test split; rerun 'mlplan run'"
    baselines = []
    for record in store.evaluations(run.id):
        if record.get("source") != "rung":
            continue
        arrays = store.predictions(run.id, record["name"])
        if "pred" not in arrays:
            continue
        threshold = record.get("threshold")
        baselines.append(
            Contender(
                name=record["name"],
                pred=arrays["pred"],
                score=arrays.get("score"),
                threshold=threshold,
                threshold_source=(record.get("threshold_source") or "cv")
                if threshold is not None
                else None,
                costs=dict(record.get("costs") or {}),
            )
        )
    return baselines, ""
