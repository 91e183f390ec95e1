"""The lifecycle rules: which stage moves are allowed, what accepting advice decides.

A stage move is an event of kind ``"stage"`` with payload ``{"from", "to",
"why", "summary"}``; the project's stage is the ``to`` of the last one.
Accepting advice records an event of kind ``"decision"`` and, when the advice
proposes another stage, the stage move in the same transaction. A move to an
earlier stage is a *loop back* (overfitting → data, wrong metric → planning).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mlplan.errors import PlanError, closest
from mlplan.records.advice import Advice
from mlplan.records.lifecycle import STAGES, StageMove
from mlplan.schema.plan import Stage

__all__ = ["accept_finding", "check_stage", "loop_backs", "plan_move"]


def check_stage(name: str) -> Stage:
    """Validate a stage name; unknown names raise :class:`PlanError`."""
    if name not in STAGES:
        raise PlanError(
            f"stage: '{name}' is not a lifecycle stage{closest(name, STAGES)}; "
            f"allowed: {', '.join(STAGES)}"
        )
    return name


def plan_move(current: Stage, to: str, *, why: str) -> StageMove:
    """The move from ``current`` to stage ``to``, checked (a known stage, a reason, a change)."""
    target = check_stage(to)
    if not why.strip():
        raise PlanError("stage: --why must say why the project moves (one sentence)")
    if current == target:
        raise PlanError(f"stage: the project is already at stage '{target}'; nothing recorded")
    return StageMove(from_stage=current, to_stage=target, why=why.strip())


def accept_finding(
    advice: Advice, code: str, current: Stage
) -> tuple[dict[str, Any], StageMove | None]:
    """The decision of accepting the open finding ``code``, and the stage move it implies.

    Raises
    ------
    PlanError
        When ``code`` is not a rule of the advice or its finding is not open.
    """
    finding = advice.finding(code)
    open_codes = ", ".join(f.code for f in advice.open) or "none"
    if finding is None:
        raise PlanError(f"advise --accept: unknown rule code '{code}'; open advice: {open_codes}")
    if finding.outcome not in ("issue", "tip"):
        raise PlanError(
            f"advise --accept: {finding.code} is {finding.outcome.replace('_', ' ')} for run "
            f"#{advice.run_id}, nothing to accept; open advice: {open_codes}"
        )
    move = None
    if finding.stage is not None and finding.stage != current:
        move = StageMove(
            from_stage=current,
            to_stage=finding.stage,
            why=f"accepted {finding.code} {finding.title} (run #{advice.run_id})",
            decision=finding.code,
        )
    decision = {
        "code": finding.code,
        "title": finding.title,
        "run_id": advice.run_id,
        "from": current,
        "to": finding.stage or current,
        "why": f"{finding.code} {finding.title}",
        "evidence": finding.message,
        "summary": f"accepted {finding.code} ({finding.title})"
        + (f": {current} → {move.to_stage}" if move else ""),
    }
    return decision, move


def loop_backs(moves: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How often the project looped back to each stage, from stage-event payloads."""
    counts: dict[str, int] = dict.fromkeys(STAGES, 0)
    for payload in moves:
        src, dst = payload.get("from"), payload.get("to")
        if src in STAGES and dst in STAGES and STAGES.index(dst) < STAGES.index(src):
            counts[dst] += 1
    return counts
