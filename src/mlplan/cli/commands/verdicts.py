"""Verdicts: the ``gate`` on a candidate (and its champion), the rules' ``advise`` on a run.

Both can record a decision: ``gate --accept`` promotes the candidate, ``advise --accept``
a finding's stage move. The application layer is imported inside each command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlplan.cli.app import JsonOption, PlanOption, out, print_json
from mlplan.errors import PlanError

__all__ = ["advise", "gate"]


def gate(
    candidate: Annotated[
        Path,
        typer.Option("--candidate", help="Candidate's test predictions (ids + scores/labels)."),
    ],
    champion: Annotated[
        Path | None,
        typer.Option(help="Compare with these predictions \\[default: the champion in the store]."),
    ] = None,
    plan: PlanOption = None,
    name: Annotated[str | None, typer.Option(help="Candidate name \\[default: file stem].")] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Candidate's operating threshold \\[default: the plan's models: entry, "
            "else chosen on --validation, else on the test rows, marked optimistic]."
        ),
    ] = None,
    validation: Annotated[
        Path | None,
        typer.Option(
            help="Candidate's predictions on training-part rows: its threshold is chosen there."
        ),
    ] = None,
    cost: Annotated[
        list[str] | None,
        typer.Option("--cost", help="Candidate's measured cost, e.g. latency_ms=12 (repeatable)."),
    ] = None,
    accept: Annotated[
        bool, typer.Option("--accept", help="Promote the candidate to champion if it passes.")
    ] = False,
    accept_new_test_set: Annotated[
        bool, typer.Option("--accept-new-test-set", help="Accept a changed test set (stored).")
    ] = False,
    reason: Annotated[
        str | None, typer.Option(help="Why (stored with --accept / --accept-new-test-set).")
    ] = None,
    junit_xml: Annotated[
        Path | None, typer.Option("--junit-xml", help="Write JUnit XML, one test case per rule.")
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Write a Markdown pull-request comment.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """CI: exit 1 on a regression (or, by default, an inconclusive gate); 0 when it passes."""
    from mlplan.app.gate import gate as run_gate
    from mlplan.cli.gate import rich_report
    from mlplan.io.report.gate import to_junit_xml, to_markdown, write_text

    costs: dict[str, float] = {}
    for item in cost or []:
        key, sep, value = item.partition("=")
        try:
            costs[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not key.strip():
            raise PlanError(f"--cost: {item!r} is not like 'latency_ms=12'")
    result = run_gate(
        candidate,
        plan,
        champion=champion,
        name=name,
        threshold=threshold,
        validation=validation,
        costs=costs,
        accept=accept,
        accept_new_test_set=accept_new_test_set,
        reason=reason,
    )
    if junit_xml is not None:
        write_text(junit_xml, to_junit_xml(result))
    if markdown is not None:
        write_text(markdown, to_markdown(result))
    if as_json:
        print_json(result.to_dict())
    else:
        out.print(rich_report(result))
    if result.exit_code:
        raise typer.Exit(result.exit_code)


def advise(
    plan: PlanOption = None,
    as_json: JsonOption = False,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Also write the advice as Markdown here.")
    ] = None,
    accept_code: Annotated[
        str | None,
        typer.Option("--accept", help="Accept an open finding (ADV00x): record its stage move."),
    ] = None,
    run_id: Annotated[
        int | None, typer.Option("--run", help="Run to judge \\[default: latest].")
    ] = None,
) -> None:
    """What to do next, and which lifecycle stage to go back to (coded rules)."""
    from mlplan.app.advise import advise as judge_plan
    from mlplan.app.stage import accept
    from mlplan.cli.advice import advice_rich
    from mlplan.io.report.advice import advice_markdown

    advice = judge_plan(plan, run_id=run_id)
    if markdown is not None:
        markdown.write_text(advice_markdown(advice), encoding="utf-8")
    decision = move = None
    if accept_code is not None:
        decision, move = accept(accept_code, plan, advice=advice)
    if as_json:
        payload = advice.to_dict()
        if decision is not None:
            payload["accepted"] = {"decision": decision, "stage_move": move and move.payload()}
        print_json(payload)
        return
    out.print(advice_rich(advice))
    if markdown is not None:
        out.print(f"wrote {markdown}")
    if decision is not None:
        moved = f"; {move.summary()}" if move else "; the stage is unchanged"
        out.print(f"recorded: {decision['summary']}{moved}")
