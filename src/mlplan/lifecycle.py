"""The lifecycle record: stage moves and decisions, stored as events.

A stage move is an event of kind ``"stage"`` with payload ``{"from", "to",
"why", "summary"}``; :attr:`mlplan.Project.stage` is the ``to`` of the last one.
Accepting advice records an event of kind ``"decision"`` and, when the advice
proposes another stage, the stage move in the same transaction. A move to an
earlier stage is a *loop back* (overfitting → data, wrong metric → planning).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from mlplan.errors import PlanError, closest
from mlplan.plan.load import PlanFile
from mlplan.plan.schema import Stage
from mlplan.project import Project

__all__ = ["STAGES", "StageMove", "accept", "loop_backs", "move_stage", "stage"]

#: The lifecycle stages in their forward order.
STAGES: tuple[Stage, ...] = get_args(Stage)


@dataclass(frozen=True, kw_only=True)
class StageMove:
    """One recorded move between lifecycle stages."""

    from_stage: Stage
    to_stage: Stage
    why: str
    decision: str | None = None

    @property
    def loop_back(self) -> bool:
        """True when the move goes to an earlier stage."""
        return STAGES.index(self.to_stage) < STAGES.index(self.from_stage)

    def summary(self) -> str:
        """``"stage training → data (loop back)"``."""
        back = " (loop back)" if self.loop_back else ""
        return f"stage {self.from_stage} → {self.to_stage}{back}"

    def payload(self) -> dict[str, Any]:
        """The stored event payload."""
        out: dict[str, Any] = {
            "from": self.from_stage,
            "to": self.to_stage,
            "why": self.why,
            "summary": self.summary(),
            "loop_back": self.loop_back,
        }
        if self.decision:
            out["decision"] = self.decision
        return out


def check_stage(name: str) -> Stage:
    """Validate a stage name; unknown names raise :class:`PlanError`."""
    if name not in STAGES:
        raise PlanError(
            f"stage: '{name}' is not a lifecycle stage{closest(name, STAGES)}; "
            f"allowed: {', '.join(STAGES)}"
        )
    return name


def move_stage(project: Project, to: str, *, why: str) -> StageMove:
    """Record a move of ``project`` to stage ``to``, with the reason."""
    target = check_stage(to)
    if not why.strip():
        raise PlanError("stage: --why must say why the project moves (one sentence)")
    current = project.stage
    if current == target:
        raise PlanError(f"stage: the project is already at stage '{target}'; nothing recorded")
    move = StageMove(from_stage=current, to_stage=target, why=why.strip())
    with project.store.transaction() as tx:
        tx.add_event("stage", move.payload())
    return move


def stage(to: str, plan: str | Path | PlanFile | None = None, *, why: str) -> StageMove:
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
    with Project(plan) as project:
        return move_stage(project, to, why=why)


def accept(
    code: str, plan: str | Path | PlanFile | None = None, *, advice: Any = None
) -> tuple[dict[str, Any], StageMove | None]:
    """Accept the open finding ``code``: record the decision and its stage move.

    Parameters
    ----------
    code : str
        A rule code that fired in the advice (``ADV003``).
    plan : str or Path, optional
    advice : Advice, optional
        The advice to accept from (computed for the latest run when None).

    Returns
    -------
    (dict, StageMove or None)
        The decision payload, and the stage move (None when the finding keeps
        the project at its stage).
    """
    from mlplan.advise import advise

    with Project(plan) as project:
        if advice is None:
            advice = advise(project.plan_file)
        finding = advice.finding(code)
        open_codes = ", ".join(f.code for f in advice.open) or "none"
        if finding is None:
            raise PlanError(
                f"advise --accept: unknown rule code '{code}'; open advice: {open_codes}"
            )
        if finding.outcome not in ("issue", "tip"):
            raise PlanError(
                f"advise --accept: {finding.code} is {finding.outcome.replace('_', ' ')} for run "
                f"#{advice.run_id}, nothing to accept; open advice: {open_codes}"
            )
        current = project.stage
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
        with project.store.transaction() as tx:
            tx.add_event("decision", decision)
            if move is not None:
                tx.add_event("stage", move.payload())
        return decision, move


def loop_backs(moves: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How often the project looped back to each stage, from stage-event payloads."""
    counts: dict[str, int] = dict.fromkeys(STAGES, 0)
    for payload in moves:
        src, dst = payload.get("from"), payload.get("to")
        if src in STAGES and dst in STAGES and STAGES.index(dst) < STAGES.index(src):
            counts[dst] += 1
    return counts
