"""``mlplan report``: regenerate any stored run's report, and the index of every run.

Read only: the run, its evaluations, predictions and advice come back from the
store; the forecast and gate verdicts shown are those recorded while it was the
plan's latest run. The latest run's report is ``<output>/report.html``, an
earlier run's ``<output>/run-<N>/report.html``; the index page,
``<output>/index.html``, lists every run with its metric, interval, stage and
open advice, charts the metric over the runs and shows what changed between
two of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlplan.app.context import Context, PlanRef
from mlplan.app.report_inputs import (
    forecast_before,
    gates_between,
    reference_kinds,
    run_marks,
    stored_diagnostics,
)
from mlplan.core.advise.evidence import evaluation_from_record
from mlplan.core.history import changes
from mlplan.errors import PlanError
from mlplan.io.report.index import write_index
from mlplan.io.report.render import write_reports
from mlplan.io.store import RunRow
from mlplan.records.advice import Advice
from mlplan.records.evaluation import Evaluation
from mlplan.records.ladder import LeakageWarning
from mlplan.records.report import IndexPage, IndexRow, ReportFiles, ReportInputs
from mlplan.records.run import RunResult

__all__ = ["report", "report_folder"]


def report_folder(output: Path, run_id: int, latest: int) -> Path:
    """Where run ``run_id``'s report lives: the output folder for the latest run."""
    return output if run_id == latest else output / f"run-{run_id}"


def report(
    plan: PlanRef = None, *, run_id: int | None = None, against: int | None = None
) -> ReportFiles:
    """Write the report of a stored run (default: the latest) and the plan's index page.

    Parameters
    ----------
    plan : str or Path, optional
        The plan file or its folder (default ``./mlplan.yaml``).
    run_id : int, optional
        The run to report (default: the latest).
    against : int, optional
        The run "what changed" compares it with (default: the run before it).

    Returns
    -------
    ReportFiles
        The report's and the index's paths, and every file written.

    Raises
    ------
    PlanError
        The plan has no run yet, or no run of that number.
    """
    with Context(plan) as ctx:
        runs = ctx.store.runs()
        if not runs:
            raise PlanError(
                f"report: plan {ctx.key} has no run yet; 'mlplan run' measures the plan first"
            )
        by_id = {row.id: row for row in runs}
        chosen = runs[-1].id if run_id is None else run_id
        for wanted in (chosen, against):
            if wanted is not None and wanted not in by_id:
                known = ", ".join(map(str, by_id))
                raise PlanError(f"report: plan {ctx.key} has no run #{wanted}; its runs: {known}")
        events = ctx.store.events()
        output, latest = ctx.output, runs[-1].id
        result, inputs = _stored(ctx, by_id[chosen], _next(runs, chosen), events)
        page = _index(ctx, runs, events, chosen, against, output)
    folder = report_folder(output, chosen, latest)
    link = "index.html" if folder == output else "../index.html"
    written = write_reports(result, folder, inputs, index_link=link)
    written.update(write_index(page, output))
    return ReportFiles(
        run_id=chosen,
        report=str(written["html"]),
        index=str(written["index"]),
        outputs={k: str(v) for k, v in written.items()},
        notes=inputs.notes,
    )


def _next(runs: list[RunRow], run_id: int) -> RunRow | None:
    later = [row for row in runs if row.id > run_id]
    return later[0] if later else None


def _evaluations(ctx: Context, row: RunRow) -> list[Evaluation]:
    metric = str(row.summary.get("metric", ""))
    return [evaluation_from_record(r, metric) for r in ctx.store.evaluations(row.id)]


def _advice(events: list[dict[str, Any]], run_id: int) -> Advice | None:
    stored = [e for e in events if e["kind"] == "advice" and e["payload"].get("run_id") == run_id]
    return Advice.from_dict(stored[-1]["payload"]) if stored else None


def _stored(
    ctx: Context, row: RunRow, following: RunRow | None, events: list[dict[str, Any]]
) -> tuple[RunResult, ReportInputs]:
    """The run as it was recorded, and what its report shows beside it."""
    summary = row.summary
    evaluations = _evaluations(ctx, row)
    dataset = ctx.dataset if ctx.dataset.fingerprint == row.data_fingerprint else None
    result = RunResult(
        run_id=row.id,
        project=row.project,
        plan=row.plan,
        stage=row.stage,
        task=str(summary.get("task")),
        task_reason=str(summary.get("task_reason") or (dataset.task_reason if dataset else "–")),
        positive=summary.get("positive"),
        metric=str(summary.get("metric")),
        higher_is_better=bool(summary.get("higher_is_better", True)),
        data_fingerprint=row.data_fingerprint,
        n_rows=int(summary.get("n_rows") or (len(dataset.ids) if dataset else 0)),
        n_rows_total=int(summary.get("n_rows_total") or (dataset.n_rows_total if dataset else 0)),
        n_train=int(summary.get("n_train") or 0),
        n_test=int(summary.get("n_test") or 0),
        split_strategy=str(summary.get("split_strategy") or _strategy(ctx, row)),
        test_fingerprint=row.test_fingerprint,
        columns=dict(
            summary.get("columns")
            or ({c.name: c.kind.value for c in dataset.columns} if dataset else {})
        ),
        evaluations=tuple(evaluations),
        requirement=dict(summary.get("requirement") or {}),
        started_at=row.started_at,
        finished_at=row.finished_at,
        git_sha=row.git_sha,
        plan_hash=row.plan_hash,
        notes=tuple(summary.get("notes") or ()),
        warnings=tuple(
            LeakageWarning(**{k: w.get(k) for k in ("code", "column", "evidence", "severity")})
            for w in summary.get("warnings") or ()
        ),
        advice=_advice(events, row.id),
    )
    marks = run_marks(events)
    start = marks.get(row.id, 0)
    end = marks.get(following.id) if following else None
    notes = []
    diagnostics = None
    if result.task != "regression":
        diagnostics, why = stored_diagnostics(
            ctx, row.id, row.data_fingerprint, row.test_fingerprint, evaluations
        )
        notes += [why] if why else []
    inputs = ReportInputs(
        diagnostics=diagnostics,
        forecast=forecast_before(events, result.metric, end),
        gates=gates_between(events, start, end),
        kinds=reference_kinds(ctx.plan),
        notes=(f"regenerated from the store by 'mlplan report --run {row.id}'", *notes),
    )
    return result, inputs


def _strategy(ctx: Context, row: RunRow) -> str:
    """The split's strategy, for runs stored before the summary held it."""
    split = ctx.split
    return split.strategy if split.test_fingerprint == row.test_fingerprint else "–"


def _index_row(
    ctx: Context,
    row: RunRow,
    following: RunRow | None,
    events: list[dict[str, Any]],
    link: str | None,
) -> IndexRow:
    summary = row.summary
    records = [e for e in ctx.store.evaluations(row.id) if e.get("source") != "declared"]
    best = next((e for e in records if e.get("name") == summary.get("best")), None)
    advice = _advice(events, row.id)
    open_codes = advice.muted(ctx.plan.advice.mute).open if advice else ()
    marks = run_marks(events)
    end = marks.get(following.id) if following else None
    gates = gates_between(events, marks.get(row.id, 0), end)
    return IndexRow(
        run_id=row.id,
        finished_at=row.finished_at,
        stage=row.stage,
        metric=str(summary.get("metric")),
        best=summary.get("best"),
        value=best.get("value") if best else None,
        lo=best.get("lo") if best else None,
        hi=best.get("hi") if best else None,
        requirement=dict(summary.get("requirement") or {}),
        plan_hash=row.plan_hash,
        data_fingerprint=row.data_fingerprint,
        test_fingerprint=row.test_fingerprint,
        git_sha=row.git_sha,
        n_train=summary.get("n_train"),
        n_test=summary.get("n_test"),
        models={
            str(e["name"]): {k: e.get(k) for k in ("value", "lo", "hi", "threshold")}
            for e in records
        },
        advice=tuple(f.code for f in open_codes),
        gates=tuple(str(g.get("summary") or g.get("outcome") or "") for g in gates),
        report=link,
    )


def _pair(ids: list[int], chosen: int, against: int | None) -> tuple[int, int] | None:
    """The two runs "what changed" compares, older first: ``chosen`` and ``against``, else
    the run before ``chosen`` (the one after it when it is the first)."""
    if against is None:
        earlier = [i for i in ids if i < chosen]
        later = [i for i in ids if i > chosen]
        against = earlier[-1] if earlier else (later[0] if later else None)
    if against is None or against == chosen:
        return None
    return (min(chosen, against), max(chosen, against))


def _index(
    ctx: Context,
    runs: list[RunRow],
    events: list[dict[str, Any]],
    chosen: int,
    against: int | None,
    output: Path,
) -> IndexPage:
    latest = runs[-1].id
    rows = []
    for row in runs:
        folder = report_folder(output, row.id, latest)
        written = row.id in (chosen, latest) or (folder / "report.html").exists()
        link = Path(folder.relative_to(output), "report.html").as_posix() if written else None
        rows.append(_index_row(ctx, row, _next(runs, row.id), events, link))
    by_id = {r.run_id: r for r in rows}
    pair = _pair(sorted(by_id), chosen, against)
    policy = ctx.policy
    requirement = next(
        (v for k, v in ctx.plan.baselines.requirement.items() if policy.name.startswith(k)), None
    )
    other = sorted({r.metric for r in rows} - {policy.name})
    return IndexPage(
        project=ctx.name,
        plan=ctx.key,
        metric=policy.name,
        higher_is_better=policy.higher_is_better,
        requirement=requirement,
        rows=tuple(rows),
        compared=pair,
        changes=changes(by_id[pair[0]], by_id[pair[1]]) if pair else (),
        notes=tuple(
            f"runs measured with another metric ({m}) are left out of the chart" for m in other
        ),
    )
