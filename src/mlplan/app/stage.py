"""``mlplan stage`` and ``mlplan advise --accept``: lifecycle moves and decisions, stored."""

from __future__ import annotations

from typing import Any

from mlplan.app.context import Context, PlanRef
from mlplan.app.evidence import stored_evidence
from mlplan.core.advise.engine import judge
from mlplan.core.lifecycle import accept_finding, plan_move
from mlplan.records.advice import Advice
from mlplan.records.lifecycle import StageMove

__all__ = ["accept", "stage"]


def stage(to: str, plan: PlanRef = None, *, why: str) -> StageMove:
    """Move the project to lifecycle stage ``to`` and record why.

    Parameters
    ----------
    to : {"planning", "data", "training", "deployment"}
    plan : str or Path, optional
        The plan file or its folder (default ``./mlplan.yaml``).
    why : str
        The reason, kept in the history.

    Examples
    --------
    >>> stage("data", "examples/flights", why="labels too noisy")   # doctest: +SKIP
    StageMove(from_stage='training', to_stage='data', why='labels too noisy', decision=None)
    """
    with Context(plan) as ctx:
        move = plan_move(ctx.stage, to, why=why)
        ctx.commit(lambda tx: tx.add_event("stage", move.payload()))
        return move


def accept(
    code: str, plan: PlanRef = None, *, advice: Advice | None = None
) -> tuple[dict[str, Any], StageMove | None]:
    """Accept the open finding ``code``: record the decision and its stage move.

    Parameters
    ----------
    code : str
        A rule code that fired in the advice (``ADV003``).
    plan : str or Path, optional
    advice : Advice, optional
        The advice to accept from (judged for the latest run when None).

    Returns
    -------
    (dict, StageMove or None)
        The decision payload, and the stage move (None when the finding keeps
        the project at its stage).
    """
    with Context(plan) as ctx:
        if advice is None:
            advice = judge(stored_evidence(ctx), mute=ctx.plan.advice.mute)
        decision, move = accept_finding(advice, code, ctx.stage)

        def write(tx: Any) -> None:
            tx.add_event("decision", decision)
            if move is not None:
                tx.add_event("stage", move.payload())

        ctx.commit(write)
        return decision, move
