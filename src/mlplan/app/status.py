"""``mlplan status`` and ``mlplan history``: what the store says about the plan (read only)."""

from __future__ import annotations

from typing import Any

from mlplan.app.context import Context, PlanRef
from mlplan.records.advice import Advice
from mlplan.records.lifecycle import HistoryEntry, Status

__all__ = ["history", "status"]


def status(plan: PlanRef = None) -> Status:
    """The project's name, stage, data fingerprint, latest results and open advice."""
    with Context(plan) as ctx:
        runs = ctx.store.runs()
        last = runs[-1] if runs else None
        return Status(
            project=ctx.name,
            plan=ctx.key,
            stage=ctx.stage,
            plan_path=str(ctx.plan_file.path),
            store_path=str(ctx.store.path),
            n_runs=len(runs),
            data_fingerprint=last.data_fingerprint if last else None,
            last_run=None
            if last is None
            else {
                "id": last.id,
                "finished_at": last.finished_at,
                "git_sha": last.git_sha,
                **last.summary,
            },
            evaluations=ctx.store.evaluations(last.id) if last else [],
            advice=_open_advice(ctx, last.id) if last else None,
        )


def _open_advice(ctx: Context, run_id: int) -> dict[str, Any] | None:
    """The advice stored for a run, muted as the plan says now, with the codes accepted since."""
    events = ctx.store.events()
    stored = next(
        (
            e
            for e in reversed(events)
            if e["kind"] == "advice" and e["payload"].get("run_id") == run_id
        ),
        None,
    )
    if stored is None:
        return None
    advice = Advice.from_dict(stored["payload"]).muted(ctx.plan.advice.mute)
    return {
        **advice.to_dict(),
        "accepted": [
            e["payload"].get("code")
            for e in events
            if e["kind"] == "decision" and e["id"] > stored["id"]
        ],
    }


def history(plan: PlanRef = None) -> list[HistoryEntry]:
    """Every run and lifecycle event of the plan, oldest first."""
    with Context(plan) as ctx:
        entries = [
            HistoryEntry(
                at=run.finished_at,
                kind="run",
                summary=f"run #{run.id} ({run.command}) at stage {run.stage}",
                details={
                    "run_id": run.id,
                    "plan_hash": run.plan_hash[:12],
                    "data_fingerprint": run.data_fingerprint,
                    "git_sha": run.git_sha,
                    "best": run.summary.get("best"),
                },
            )
            for run in ctx.store.runs()
        ]
        for event in ctx.store.events():
            if event["kind"] == "advice":
                continue  # the advice of each run: shown by status, not a history line
            payload = event["payload"]
            entries.append(
                HistoryEntry(
                    at=event["at"],
                    kind=event["kind"],
                    summary=str(payload.get("summary", event["kind"])),
                    details=payload,
                )
            )
    return sorted(entries, key=lambda e: e.at)
