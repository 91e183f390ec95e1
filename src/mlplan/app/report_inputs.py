"""What a run's report needs besides the run: diagnostics, forecast, gate verdicts, reference kinds.

Used by ``mlplan run`` (from the arrays it just measured) and ``mlplan report``
(from the store). Diagnostics need the test labels: a stored run gets them from
the plan's data only while the data and the test set are the ones it was
measured on (same fingerprints); otherwise the report says why they are missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from mlplan.app.context import Context
from mlplan.core.metrics.diagnostics import ModelPredictions, diagnose_run
from mlplan.records.diagnostics import RunDiagnostics
from mlplan.records.evaluation import Evaluation
from mlplan.records.forecast import Forecast, LearningCurve, RungForecast, TargetNeed
from mlplan.schema.plan import Plan

__all__ = [
    "forecast_before",
    "forecast_from_dict",
    "gates_between",
    "reference_kinds",
    "run_diagnostics",
    "run_marks",
    "stored_diagnostics",
]


def reference_kinds(plan: Plan) -> dict[str, str]:
    """Declared and scripted names → ``published``, ``human`` or ``scripted``."""
    kinds = {p.name: "published" for p in plan.baselines.published}
    kinds.update({h.name: "human" for h in plan.baselines.human})
    kinds.update({s.name: "scripted" for s in plan.baselines.scripted})
    return kinds


def run_diagnostics(
    ctx: Context,
    y: np.ndarray,
    evaluations: Sequence[Evaluation],
    arrays: Mapping[str, Mapping[str, Any]],
) -> RunDiagnostics:
    """Diagnostics of every evaluated model with predictions, on the test labels ``y``."""
    dataset = ctx.dataset
    models = [
        ModelPredictions(
            name=e.name,
            source=e.source,
            pred=arrays[e.name].get("pred"),
            score=arrays[e.name].get("score"),
            threshold=e.threshold,
        )
        for e in evaluations
        if e.source != "declared"
        and e.name in arrays
        and len(arrays[e.name].get("pred", ())) == len(y)
    ]
    return diagnose_run(
        y,
        models,
        task=dataset.task,
        labels=dataset.classes,
        positive=str(dataset.classes[1]) if dataset.task == "binary" else None,
        constraints=ctx.policy.constraints,
    )


def stored_diagnostics(
    ctx: Context, run_id: int, data_fingerprint: str, test_fingerprint: str,
    evaluations: Sequence[Evaluation],
) -> tuple[RunDiagnostics | None, str]:  # fmt: skip
    """Diagnostics of a stored run, or None and why (the labels it was scored on are gone)."""
    dataset = ctx.dataset
    if dataset.fingerprint != data_fingerprint:
        return None, (
            f"curves, confusion and calibration are left out: the data changed since run "
            f"#{run_id} (fingerprint {data_fingerprint} then, {dataset.fingerprint} now)"
        )
    split = ctx.split
    if split.test_fingerprint != test_fingerprint:
        return None, (
            f"curves, confusion and calibration are left out: the test set changed since run "
            f"#{run_id} ({test_fingerprint} then, {split.test_fingerprint} now)"
        )
    _, test_pos = split.positions(dataset)
    arrays = {e.name: ctx.store.predictions(run_id, e.name) for e in evaluations}
    return run_diagnostics(ctx, dataset.y[test_pos], evaluations, arrays), ""


def run_marks(events: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """Run id → the id of its advice event, written in the run's own transaction.

    Event ids order the runs among the other events exactly (timestamps have
    seconds only).
    """
    return {
        int(e["payload"]["run_id"]): int(e["id"])
        for e in events
        if e["kind"] == "advice" and e["payload"].get("run_id") is not None
    }


def gates_between(
    events: Sequence[Mapping[str, Any]], start: int, end: int | None
) -> tuple[dict[str, Any], ...]:
    """Gate verdicts among events ``start < id < end`` (end None: until now), oldest first."""
    return tuple(
        {**e["payload"], "at": e["at"]}
        for e in events
        if e["kind"] == "gate" and e["id"] > start and (end is None or e["id"] < end)
    )


def forecast_before(
    events: Sequence[Mapping[str, Any]], metric: str, end: int | None
) -> Forecast | None:
    """The newest forecast of ``metric`` among events with ``id < end`` (None: the newest)."""
    for event in reversed(events):
        payload = event["payload"]
        if event["kind"] != "forecast" or payload.get("metric") != metric:
            continue
        if end is not None and event["id"] >= end:
            continue
        stored = payload.get("forecast")
        return forecast_from_dict(stored) if stored else None
    return None


def _known(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``cls`` that ``data`` holds (fields added later keep their defaults)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _number(value: Any, missing: float) -> float:
    return missing if value is None else float(value)


def _floats(values: Sequence[Any] | None) -> tuple[float, ...]:
    return tuple(_number(v, math.nan) for v in values or ())


def forecast_from_dict(data: Mapping[str, Any]) -> Forecast:
    """A :class:`Forecast` from its JSON form (sizes stored as None were infinite)."""
    rungs = []
    for rung in data.get("rungs", []):
        curve = rung["curve"]
        needs = tuple(
            TargetNeed(
                **{
                    **_known(TargetNeed, need),
                    "n": _number(need.get("n"), math.inf),
                    "lo": _number(need.get("lo"), math.inf),
                    "hi": _number(need.get("hi"), math.inf),
                }
            )
            for need in rung.get("needs", [])
        )
        rungs.append(
            RungForecast(
                **{
                    **_known(RungForecast, rung),
                    "curve": LearningCurve(
                        **{
                            **_known(LearningCurve, curve),
                            "sizes": tuple(int(s) for s in curve["sizes"]),
                            "scores": _floats(curve["scores"]),
                            "fit_seconds": _floats(curve.get("fit_seconds")),
                        }
                    ),
                    "query_sizes": _floats(rung.get("query_sizes")),
                    "mean": _floats(rung.get("mean")),
                    "lo": _floats(rung.get("lo")),
                    "hi": _floats(rung.get("hi")),
                    "ceiling": _number(rung.get("ceiling"), math.nan),
                    "ceiling_lo": _number(rung.get("ceiling_lo"), math.nan),
                    "ceiling_hi": _number(rung.get("ceiling_hi"), math.nan),
                    "needs": needs,
                }
            )
        )
    known = _known(Forecast, data)
    for key in ("rules_of_thumb", "notes"):
        if key in known:
            known[key] = tuple(known[key])
    return Forecast(**{**known, "rungs": tuple(rungs)})
