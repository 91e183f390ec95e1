"""Lifecycle records: stage moves and the project timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from mlplan.schema.plan import Stage

__all__ = ["STAGES", "HistoryEntry", "StageMove", "Status"]

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


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """One line of the project's timeline: a run or a lifecycle event."""

    at: str
    kind: str
    summary: str
    details: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Status:
    """Where the project stands: stage, data, and the latest results."""

    project: str
    plan: str
    stage: str
    plan_path: str
    store_path: str
    n_runs: int
    data_fingerprint: str | None
    last_run: dict[str, Any] | None
    evaluations: list[dict[str, Any]]
    advice: dict[str, Any] | None = None
