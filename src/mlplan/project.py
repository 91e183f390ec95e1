"""A project: its plan, its store, its frozen split and its lifecycle stage."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlplan.data.dataset import Dataset, load_dataset
from mlplan.data.split import Split, make_split
from mlplan.plan.load import PlanFile, load_plan
from mlplan.plan.schema import Stage
from mlplan.store import RunRow, Store, store_path

__all__ = ["HistoryEntry", "Project", "git_sha"]


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """One line of the project's timeline: a run or a lifecycle event."""

    at: str
    kind: str
    summary: str
    details: dict[str, Any]


class Project:
    """The plan file, its store, and what they say about the project.

    Parameters
    ----------
    plan : str or Path, optional
        The plan file or its folder; defaults to ``./mlplan.yaml``.

    Examples
    --------
    >>> project = Project("examples/flights")        # doctest: +SKIP
    >>> project.stage, len(project.history())        # doctest: +SKIP
    ('training', 3)
    """

    def __init__(self, plan: str | Path | PlanFile | None = None) -> None:
        self.plan_file = plan if isinstance(plan, PlanFile) else load_plan(plan)
        self.store = Store(store_path(self.plan_file.root))

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        """The project's name from the plan."""
        return self.plan_file.plan.project.name

    @property
    def stage(self) -> Stage:
        """The current lifecycle stage: the last recorded move, else the plan's."""
        moves = self.store.events("stage")
        if moves:
            return moves[-1]["payload"]["to"]
        return self.plan_file.plan.project.stage

    def load_dataset(self) -> Dataset:
        """Load and type the plan's data."""
        return load_dataset(self.plan_file)

    def frozen_split(self, dataset: Dataset) -> tuple[Split, str]:
        """The test split every run and every external model shares.

        The stored split is reused while the plan's split settings are unchanged
        and all its rows are still in the data; otherwise a new split is drawn and
        frozen. Returns the split and a note saying which happened.
        """
        section = self.plan_file.plan.data.split
        stored = self.store.latest_split()
        if stored is not None:
            candidate = Split(
                train_ids=tuple(stored["train_ids"]),
                test_ids=tuple(stored["test_ids"]),
                strategy=stored["strategy"],
                config=stored["config"],
                test_fingerprint=stored["test_fingerprint"],
                note=stored["note"],
            )
            same_rows = len(candidate.train_ids) + len(candidate.test_ids) == len(dataset.ids)
            if stored["config"] == section.model_dump() and same_rows and candidate.covers(dataset):
                return candidate, f"reused the frozen split of {stored['created_at']}"
        split = make_split(dataset, section)
        with self.store.transaction() as tx:
            tx.add_split(
                data_fingerprint=dataset.fingerprint,
                strategy=split.strategy,
                config=split.config,
                test_fingerprint=split.test_fingerprint,
                train_ids=split.train_ids,
                test_ids=split.test_ids,
                note=split.note,
            )
        changed = " (the previous split no longer matched the plan or data)" if stored else ""
        return split, f"froze a new {split.strategy} split{changed}"

    def runs(self) -> list[RunRow]:
        """Every stored run, oldest first."""
        return self.store.runs()

    def history(self) -> list[HistoryEntry]:
        """Runs and lifecycle events in time order."""
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
            for run in self.store.runs()
        ]
        for event in self.store.events():
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

    def loop_backs(self) -> dict[str, int]:
        """How often the project moved back to each lifecycle stage."""
        from mlplan.lifecycle import loop_backs

        return loop_backs(event["payload"] for event in self.store.events("stage"))


def git_sha(folder: Path) -> str | None:
    """The commit checked out in ``folder``'s git repository, or None outside one."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
