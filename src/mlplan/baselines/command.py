"""``mlplan baseline``: the ladder on its own, every rung on one axis (nothing is stored)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mlplan.baselines.ladder import LadderResult, RungLike
from mlplan.baselines.scripted import RuleLike
from mlplan.plan.load import PlanFile

__all__ = ["BaselineReport", "baseline"]


@dataclass(frozen=True, kw_only=True)
class BaselineReport:
    """Declared, scripted and trained rungs evaluated on the frozen test rows.

    Attributes
    ----------
    metric : str
    higher_is_better : bool
    evaluations : tuple of Evaluation
        Declared rungs first, then scripted, then trained.
    ladder : LadderResult
        Fold scores, costs, skipped rungs, budget decisions, leakage warnings.
    """

    metric: str
    higher_is_better: bool
    evaluations: tuple[Any, ...]
    ladder: LadderResult

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "metric": {"name": self.metric, "higher_is_better": self.higher_is_better},
            "evaluations": [e.to_dict() for e in self.evaluations],
            "skipped": [asdict(s) for s in self.ladder.skipped],
            "budget": [asdict(d) for d in self.ladder.budget],
            "warnings": [asdict(w) for w in self.ladder.warnings],
            "notes": list(self.ladder.notes),
            "elapsed_seconds": self.ladder.elapsed_seconds,
        }


def baseline(
    plan: str | Path | PlanFile | None = None,
    *,
    rungs: Sequence[RungLike] | None = None,
    scripted: Sequence[RuleLike] | None = None,
    budget: str | float | None = None,
    n_jobs: int = 2,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> BaselineReport:
    """Run the plan's baseline ladder on the frozen split and evaluate every rung.

    Parameters
    ----------
    plan : str or Path, optional
        The plan file or its folder (default: ``./mlplan.yaml``).
    rungs : sequence, optional
        Rung names and/or :class:`~mlplan.baselines.CustomRung` (default: the
        plan's ``baselines.ladder``).
    scripted : sequence, optional
        Extra rules, ``(name, "expression")`` or ``(name, callable)``, added to the
        plan's ``baselines.scripted``.
    budget : str or float, optional
        Time budget (``"10m"``); default: the plan's ``baselines.budget``.
    n_jobs : int, default 2
    on_progress : callable, optional

    Returns
    -------
    BaselineReport
    """
    from mlplan.metrics import policy_from_section
    from mlplan.project import Project
    from mlplan.run import measure_ladder

    with Project(plan) as project:
        dataset = project.load_dataset()
        policy = policy_from_section(project.plan_file.plan.metric, dataset.task)
        split, _ = project.frozen_split(dataset)
        ladder, evaluations, _ = measure_ladder(
            project.plan_file,
            dataset,
            split,
            policy,
            rungs=rungs,
            scripted=scripted or (),
            n_jobs=n_jobs,
            budget=budget,
            on_progress=on_progress,
        )
    return BaselineReport(
        metric=policy.name,
        higher_is_better=policy.higher_is_better,
        evaluations=tuple(evaluations),
        ladder=ladder,
    )
