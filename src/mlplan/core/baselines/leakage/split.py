"""Split guards: training rows later than test rows, groups on both sides of the split.

Both matter only when the column carries the label: a model that sees the future
gains nothing when the target shows no trend in time, and a group seen in
training helps nothing when its rows share the label no more than chance. So
each guard scores its column against the label on the training rows
(:func:`~mlplan.core.baselines.leakage.scores.column_score`) and lets that
decide the severity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlplan.core.baselines.leakage.chance import materiality
from mlplan.core.baselines.leakage.columns import training_sample
from mlplan.core.baselines.leakage.scores import ColumnScore, as_number, column_score
from mlplan.core.data.dataset import Dataset
from mlplan.records.ladder import LeakageWarning, Severity

__all__ = ["LATE_SHARE", "group_overlap", "time_order"]

#: Training rows later than the first test row, as a share, above which the overlap is large.
LATE_SHARE = 0.01


def _label_information(
    dataset: Dataset, values: pd.Series, train_pos: np.ndarray, *, binned: bool = True
) -> ColumnScore | None:
    pos = training_sample(dataset, train_pos)
    if pos is None:
        return None
    return column_score(as_number(values.iloc[pos]), dataset.y[pos], dataset.task, binned=binned)


def time_order(
    dataset: Dataset, column: str, train_pos: np.ndarray, test_pos: np.ndarray
) -> list[LeakageWarning]:
    """Training rows later than the first test row, when the plan names a time column.

    ``critical`` when at least :data:`LATE_SHARE` of the training rows are later
    and the target trends in time beyond chance, ``warning`` with fewer late rows,
    ``info`` when time carries no label information beyond chance.
    """
    if column not in dataset.frame.columns:
        return []
    values = dataset.frame[column]
    if not pd.api.types.is_numeric_dtype(values):
        values = pd.to_datetime(values, errors="coerce", format="mixed")
    train, test = values.iloc[train_pos], values.iloc[test_pos]
    if train.empty or test.empty:
        return []
    first_test = test.min()
    late = int((train > first_test).sum())
    if late == 0:
        return []
    trend = _label_information(dataset, values, train_pos)
    severity: Severity
    if trend is None or trend.beyond_chance:
        severity = "critical" if late / len(train) >= LATE_SHARE else "warning"
        why = "the model sees the future" + (
            f", and the target trends in time ({trend.describe(dataset.task)} from {column} alone)"
            if trend is not None
            else ""
        )
    else:
        severity = "info"
        why = (
            f"the model sees the future, but the target shows no trend in time beyond chance "
            f"({trend.describe(dataset.task)} from {column} alone), so little is gained by it"
        )
    return [
        LeakageWarning(
            code="time_order",
            column=column,
            evidence=(
                f"{late} of {len(train)} training rows ({late / len(train):.1%}) are later than "
                f"the first test row ({first_test}); the latest training row is {train.max()}: "
                + why
            ),
            severity=severity,
        )
    ]


def group_overlap(
    dataset: Dataset, column: str, train_pos: np.ndarray, test_pos: np.ndarray
) -> list[LeakageWarning]:
    """Groups found on both sides, when the plan names a group column.

    When the group carries the label beyond chance, severity follows the test rows
    in shared groups against the test score's sampling error
    (:func:`~mlplan.core.baselines.leakage.chance.materiality`); otherwise it is a note.
    """
    if column not in dataset.frame.columns:
        return []
    groups = dataset.frame[column].astype(str)
    train, test = set(groups.iloc[train_pos]), groups.iloc[test_pos]
    shared = sorted(set(test) & train)
    if not shared:
        return []
    rows = int(test.isin(shared).sum())
    codes = pd.Series(pd.factorize(groups)[0].astype(float), index=groups.index)
    label = _label_information(dataset, codes, train_pos, binned=False)
    head = (
        f"{len(shared)} groups (e.g. {', '.join(map(repr, shared[:3]))}) are on both sides; "
        f"{rows} of {len(test)} test rows belong to a group seen in training"
    )
    severity: Severity
    if label is None or label.beyond_chance:
        severity = "critical" if label is None else materiality(rows, len(test))
        why = (
            f", and the group carries the label ({label.describe(dataset.task)} from {column} "
            "alone): the model can recognise the group instead of learning the task"
            if label is not None
            else ""
        )
    else:
        severity = "info"
        why = (
            f", but the group carries no label information beyond chance "
            f"({label.describe(dataset.task)} from {column} alone): the overlap gains the "
            "model little; re-split by group to be sure"
        )
    return [
        LeakageWarning(code="group_overlap", column=column, evidence=head + why, severity=severity)
    ]
