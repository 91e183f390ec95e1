"""``mlplan export --mlflow URI``: a stored run, its models and reports, logged to MLflow.

The plan becomes the parent run's parameters (flattened, ``metric.optimise``);
every evaluated model becomes a nested run with the plan's metric (``metric``,
``metric_lo``, ``metric_hi``), its cross-validation summary, the standard
metrics and costs, and the threshold with its source. Tags carry the stage,
the data and test fingerprints and the advice codes; ``report.html``,
``report.md``, ``results.json`` and the charts of the plan's output folder are
the parent's artifacts. Exporting the same run again updates those runs.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mlplan.app.context import Context, PlanRef
from mlplan.errors import PlanError
from mlplan.io.mlflow_export import ExportedRun, MlflowRun, export_runs, open_tracking

__all__ = ["ExportResult", "export_mlflow"]

_REPORTS = ("report.html", "report.md", "results.json")
_CHARTS = ("*.png", "*.svg")


@dataclass(frozen=True)
class ExportResult:
    """What was exported where."""

    uri: str
    experiment: str
    run: int
    mlflow: ExportedRun
    artifacts: tuple[str, ...]


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict) and value:
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if value is None or value == {} or value == []:
        return {}
    text = json.dumps(value, default=str) if isinstance(value, list | dict) else str(value)
    return {prefix: text[:6000]}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _model_run(key: str, record: dict[str, Any]) -> MlflowRun:
    metrics: dict[str, float] = {}
    for name in ("value", "lo", "hi"):
        if (v := _number(record.get(name))) is not None:
            metrics["metric" if name == "value" else f"metric_{name}"] = v
    for name in ("cv_mean", "cv_lo", "cv_hi", "cv_train_mean", "threshold"):
        if (v := _number(record.get(name))) is not None:
            metrics[name] = v
    for group in ("metrics", "costs"):
        for name, value in (record.get(group) or {}).items():
            if (v := _number(value)) is not None:
                metrics[name] = v
    source = (
        "chosen on the test rows by the plan's constraints"
        if record.get("threshold") is not None
        else "none: labels, or the default 0.5 of scores"
    )
    return MlflowRun(
        key=f"{key}/{record['name']}",
        name=str(record["name"]),
        params={"source": str(record.get("source")), "threshold_source": source},
        metrics=metrics,
        tags={
            "mlplan.model": str(record["name"]),
            "mlplan.source": str(record.get("source")),
            "mlplan.reachable": str(bool(record.get("reachable", True))).lower(),
            "mlplan.note": str(record.get("note") or "")[:5000],
        },
    )


def export_mlflow(
    uri: str, plan: PlanRef = None, *, run_id: int | None = None, experiment: str | None = None
) -> ExportResult:
    """Log a stored run (default: the latest) to the MLflow tracking store at ``uri``.

    Raises
    ------
    PlanError
        No such run, or no run stored yet.
    ServiceError
        MLflow is missing, or the tracking store cannot be opened or written.
    """
    with Context(plan) as ctx:
        store = ctx.store
        row = store.run(run_id) if run_id is not None else store.latest_run()
        if row is None:
            what = f"run #{run_id} is not in the store" if run_id is not None else "no run yet"
            raise PlanError(f"export: {what}; 'mlplan history' lists the runs")
        evaluations = store.evaluations(row.id)
        advice = [
            e["payload"] for e in store.events("advice") if e["payload"].get("run_id") == row.id
        ]
        codes = sorted(
            {
                str(f["code"])
                for a in advice
                for f in a.get("findings", [])
                if f.get("code") and f.get("outcome") in ("issue", "tip")
            }
        )
        output = ctx.output
        plan_params = _flatten(ctx.plan.model_dump(mode="json", exclude_none=True))
        key = f"{ctx.key}#{row.id}@{row.data_fingerprint}"
    artifacts = [output / name for name in _REPORTS if (output / name).is_file()]
    artifacts += sorted(p for pattern in _CHARTS for p in output.glob(pattern))
    summary = row.summary
    parent = MlflowRun(
        key=key,
        name=f"{row.project} run #{row.id}",
        params=plan_params,
        metrics={
            k: v
            for k, v in {
                "best_value": _number(summary.get("best_value")),
                "n_train": _number(summary.get("n_train")),
                "n_test": _number(summary.get("n_test")),
            }.items()
            if v is not None
        },
        tags={
            "mlplan.run": str(row.id),
            "mlplan.stage": row.stage,
            "mlplan.metric": str(summary.get("metric")),
            "mlplan.best": str(summary.get("best")),
            "mlplan.data_fingerprint": row.data_fingerprint,
            "mlplan.test_fingerprint": row.test_fingerprint,
            "mlplan.plan_hash": row.plan_hash,
            "mlplan.git_sha": row.git_sha or "",
            "mlplan.advice": ",".join(codes),
        },
        artifacts=artifacts,
    )
    children = [_model_run(key, record) for record in evaluations]
    name = experiment or row.project
    at_ms = int(datetime.fromisoformat(row.finished_at).timestamp() * 1000)
    with open_tracking(uri) as client:
        exported = export_runs(client, uri, name, parent, children, at_ms)
    return ExportResult(uri, name, row.id, exported, tuple(str(p) for p in artifacts))
