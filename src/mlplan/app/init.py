"""``mlplan init``: write a commented plan file for a dataset."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mlplan.core.baselines.rungs import default_rungs
from mlplan.core.data.columns import ColumnKind, profile_columns
from mlplan.core.data.dataset import infer_task, positive_class
from mlplan.core.metrics import policy_from_section
from mlplan.errors import DataError, PlanError, closest
from mlplan.io.data.load import read_table
from mlplan.io.plan.load import PLAN_FILENAME, parse_plan
from mlplan.io.report.templating import template_environment
from mlplan.schema.plan import Archetype, Stage, Task

__all__ = ["DEFAULT_METRIC", "InitResult", "init"]

DEFAULT_METRIC: dict[Task, str] = {"binary": "f1", "multiclass": "accuracy", "regression": "mae"}


@dataclass(frozen=True, slots=True, kw_only=True)
class InitResult:
    """What ``init`` wrote and what it inferred."""

    path: Path
    task: Task
    task_reason: str
    metric: str
    id: str | None = None
    #: The class binary metrics count as positive (None for other tasks).
    positive: str | None = None


def init(
    *,
    data: str | Path,
    target: str,
    metric: str | None = None,
    subject_to: dict[str, str] | None = None,
    name: str | None = None,
    id: str | None = None,
    positive: str | None = None,
    archetype: Archetype = "software_2_0",
    stage: Stage = "planning",
    path: str | Path = PLAN_FILENAME,
    force: bool = False,
) -> InitResult:
    """Write a commented ``mlplan.yaml`` for ``data``, inferring the task from ``target``.

    Parameters
    ----------
    data : str or Path
        The labelled table (CSV or Parquet). Written into the plan relative to the
        plan's folder when possible.
    target : str
        The column to predict.
    metric : str, optional
        The metric to optimise; defaults to f1 (binary), accuracy (multi-class) or
        mae (regression).
    subject_to : dict, optional
        Constraints such as ``{"precision": ">= 0.9"}``.
    path : str or Path, default "mlplan.yaml"
        Where to write the plan; a folder (or any path not ending in ``.yaml``)
        gets ``mlplan.yaml`` inside it.
    force : bool, default False
        Overwrite an existing plan.

    Raises
    ------
    PlanError
        The plan exists (without ``force``) or the result does not validate.
    DataError
        The data cannot be read or has no such target column.
    """
    out = Path(path)
    if out.is_dir() or out.suffix.lower() not in (".yaml", ".yml"):
        out = out / PLAN_FILENAME  # a folder, existing or to be made
    if out.exists() and not force:
        raise PlanError(f"{out} already exists; pass --force to overwrite it")
    table = read_table(data)
    if target not in table.columns:
        hint = closest(target, map(str, table.columns))
        raise DataError(f"--target: column '{target}' not found in {data}{hint}")
    task, reason = infer_task(table[target])
    chosen = metric or DEFAULT_METRIC[task]
    if task == "binary":
        positive = str(positive_class(table[target], positive))
    features = table.drop(columns=[target])
    id = id or _unique_id_column(features)
    ladder = default_rungs({p.name: p.kind for p in profile_columns(features)})
    written = Path(os.path.relpath(Path(data).resolve(), out.parent.resolve()))
    env = template_environment()
    env.filters["q"] = lambda value: json.dumps(value, ensure_ascii=False)  # a YAML string
    text = env.get_template("mlplan.yaml.j2").render(
        name=name or Path(data).stem.replace("_", " ").capitalize(),
        archetype=archetype,
        stage=stage,
        data=written.as_posix(),
        target=target,
        task=task,
        task_reason=reason,
        id=id,
        positive=positive,
        metric=chosen,
        subject_to=subject_to or {},
        ladder=ladder,
    )
    plan = parse_plan(text, source=str(out))  # never write a plan that would not load
    policy_from_section(plan.metric, task)  # unknown metric names fail here
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return InitResult(
        path=out, task=task, task_reason=reason, metric=chosen, id=id, positive=positive
    )


def _unique_id_column(table: pd.DataFrame) -> str | None:
    """The one column typed as an id whose values are unique and present, if there is one."""
    ids = [
        p.name
        for p in profile_columns(table)
        if p.kind == ColumnKind.ID and table[p.name].notna().all() and table[p.name].is_unique
    ]
    return ids[0] if len(ids) == 1 else None
