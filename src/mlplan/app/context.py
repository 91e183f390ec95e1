"""The one context every command opens: plan, store, data, policy and split, written once.

A command opens a :class:`Context`, reads what it needs (each piece loaded once,
on first use), computes, and records everything in **one** transaction at its end
with :meth:`Context.commit`. Reading never writes: a split drawn for the first
time is only queued, and stored with the command's own records (or by ``mlplan
split``). An error or an interrupt before the commit leaves the store exactly as
it was; one after it says what was stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mlplan.io.plan.load import PlanFile, load_plan
from mlplan.io.store import HOME_VARIABLE, Store, Tx, store_path
from mlplan.schema.plan import Plan, Stage

if TYPE_CHECKING:  # loaded on first use: status and history need none of them
    from mlplan.core.data.dataset import Dataset
    from mlplan.core.data.split import Split
    from mlplan.core.metrics.policy import MetricPolicy

__all__ = ["Context", "PlanRef", "forget_stored", "plan_key", "stored_so_far"]

PlanRef = str | Path | PlanFile | None
_T = TypeVar("_T")
#: What the commands of this process committed, in order ("run #3", "a stage move").
_STORED: list[str] = []


def stored_so_far() -> tuple[str, ...]:
    """What this process has committed to a store so far (for the interrupt message)."""
    return tuple(_STORED)


def forget_stored() -> None:
    """Start a new command: nothing stored yet."""
    _STORED.clear()


def plan_key(plan_file: PlanFile) -> str:
    """The key a plan's records carry in the store.

    The plan file's name when the store is the plan folder's own (so two plans in
    one folder keep apart, and the folder can move); its absolute path when
    ``MLPLAN_HOME`` puts the store elsewhere.
    """
    if os.environ.get(HOME_VARIABLE):
        return plan_file.path.resolve().as_posix()
    return plan_file.path.name


class Context:
    """A command's view of one plan: its file, its store, its data, policy and split.

    Parameters
    ----------
    plan : str, Path or PlanFile, optional
        The plan file or its folder; defaults to ``./mlplan.yaml``.

    Examples
    --------
    >>> with Context("examples/flights") as ctx:          # doctest: +SKIP
    ...     ctx.stage, len(ctx.store.runs())
    ('training', 3)
    """

    def __init__(self, plan: PlanRef = None) -> None:
        self.plan_file = plan if isinstance(plan, PlanFile) else load_plan(plan)
        self.key = plan_key(self.plan_file)
        self.store = Store(store_path(self.plan_file.root), plan=self.key)
        self._pending: list[Callable[[Tx], Any]] = []
        self._split_is_new = False
        self.committed = False

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.close()

    @property
    def plan(self) -> Plan:
        """The validated plan."""
        return self.plan_file.plan

    @property
    def output(self) -> Path:
        """The plan's report folder."""
        return self.plan_file.output

    @property
    def name(self) -> str:
        """The project's name from the plan."""
        return self.plan.project.name

    @property
    def stage(self) -> Stage:
        """The current lifecycle stage: the last recorded move, else the plan's."""
        moves = self.store.events("stage")
        if moves:
            return moves[-1]["payload"]["to"]
        return self.plan.project.stage

    @cached_property
    def dataset(self) -> Dataset:
        """The plan's data, loaded and typed (once per command)."""
        from mlplan.io.data.dataset import load_dataset

        return load_dataset(self.plan_file)

    @cached_property
    def policy(self) -> MetricPolicy:
        """The plan's metric policy for the data's task."""
        from mlplan.core.metrics.policy_spec import policy_from_section

        return policy_from_section(self.plan.metric, self.dataset.task)

    @cached_property
    def _frozen(self) -> tuple[Split, str]:
        from mlplan.core.data.split import Split, make_split

        section = self.plan.data.split
        dataset = self.dataset
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
        self._split_is_new = True
        self._pending.append(lambda tx: _add_split(tx, dataset, split))
        changed = " (the previous split no longer matched the plan or data)" if stored else ""
        return split, f"froze a new {split.strategy} split{changed}"

    @property
    def split(self) -> Split:
        """The test split every run and every external model shares.

        The stored split is reused while the plan's split settings are unchanged and
        all its rows are still in the data; otherwise a new one is drawn and queued
        to be stored with the command's records.
        """
        return self._frozen[0]

    @property
    def split_note(self) -> str:
        """Whether the split was reused or newly drawn."""
        return self._frozen[1]

    @property
    def new_split(self) -> bool:
        """True when the split is not stored yet (it will be at :meth:`commit`)."""
        return self._split_is_new and not self.committed

    def commit(self, write: Callable[[Tx], _T] | None = None, *, what: str = "") -> _T | None:
        """Write what the command records in one transaction: queued writes, then ``write``.

        ``what`` names it for an interrupt message (``"run #{result}"`` is formatted with
        what ``write`` returns). Returns what ``write`` returns (e.g. the new run's id).
        """
        result: _T | None = None
        with self.store.transaction() as tx:
            for pending in self._pending:
                pending(tx)
            if write is not None:
                result = write(tx)
        if self._split_is_new:
            _STORED.append(f"the new split of {self.key}")
        if what:
            _STORED.append(what.format(result=result))
        self._pending.clear()
        self.committed = True
        return result


def _add_split(tx: Tx, dataset: Dataset, split: Split) -> None:
    tx.add_split(
        data_fingerprint=dataset.fingerprint,
        strategy=split.strategy,
        config=split.config,
        test_fingerprint=split.test_fingerprint,
        train_ids=split.train_ids,
        test_ids=split.test_ids,
        note=split.note,
    )
