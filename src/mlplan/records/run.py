"""The RunResult record: everything one run measured, as stored and reported."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mlplan.records.advice import Advice
from mlplan.records.display import HtmlDisplay
from mlplan.records.evaluation import Evaluation, best_evaluation
from mlplan.records.forecast import Forecast
from mlplan.records.ladder import LeakageWarning

__all__ = ["RunResult"]


@dataclass(frozen=True, kw_only=True)
class RunResult(HtmlDisplay):
    """Everything one run measured, as stored and reported."""

    run_id: int
    project: str
    stage: str
    task: str
    task_reason: str
    #: The class the binary metrics count as positive (None for other tasks).
    positive: str | None
    metric: str
    higher_is_better: bool
    data_fingerprint: str
    n_rows: int
    n_rows_total: int
    n_train: int
    n_test: int
    split_strategy: str
    test_fingerprint: str
    columns: dict[str, str]
    evaluations: tuple[Evaluation, ...]
    requirement: dict[str, float]
    started_at: str
    finished_at: str
    git_sha: str | None
    plan_hash: str
    plan: str = "mlplan.yaml"
    notes: tuple[str, ...] = field(default=())
    outputs: dict[str, str] = field(default_factory=dict)
    warnings: tuple[LeakageWarning, ...] = field(default=())
    advice: Advice | None = None
    forecast: Forecast | None = None

    @property
    def best(self) -> Evaluation | None:
        """The trained rung or external model with the best value of the plan's metric.

        Declared rungs (requirement, published, human) are reference points, not
        candidates, so they are never "best"; a model that misses a constraint on
        the test rows beyond noise is best only when every model does
        (:func:`~mlplan.records.evaluation.best_evaluation`).
        """
        measured = (e for e in self.evaluations if e.source != "declared")
        return best_evaluation(measured, self.higher_is_better)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``results.json`` holds)."""
        best = self.best
        return {
            "run_id": self.run_id,
            "project": self.project,
            "plan": self.plan,
            "stage": self.stage,
            "task": self.task,
            "task_reason": self.task_reason,
            "positive": self.positive,
            "metric": {"name": self.metric, "higher_is_better": self.higher_is_better},
            "data": {
                "fingerprint": self.data_fingerprint,
                "n_rows": self.n_rows,
                "n_rows_total": self.n_rows_total,
                "columns": self.columns,
            },
            "split": {
                "strategy": self.split_strategy,
                "n_train": self.n_train,
                "n_test": self.n_test,
                "test_fingerprint": self.test_fingerprint,
            },
            "requirement": self.requirement,
            "evaluations": [e.to_dict() for e in self.evaluations],
            "best": best.name if best else None,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "git_sha": self.git_sha,
            "plan_hash": self.plan_hash,
            "notes": list(self.notes),
            "warnings": [asdict(w) for w in self.warnings],
            "advice": self.advice.to_dict() if self.advice else None,
            "forecast": self.forecast.to_dict() if self.forecast else None,
        }
