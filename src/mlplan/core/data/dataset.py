"""The Dataset record: the plan's table, typed, with its target encoded and its ids fixed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mlplan.core.data.columns import ColumnKind, ColumnProfile, profile_columns
from mlplan.core.data.fingerprint import fingerprint_frame
from mlplan.errors import DataError, PlanError, closest
from mlplan.schema.plan import DataSection, Task

__all__ = ["Dataset", "build_dataset", "infer_task", "normalise_ids", "positive_class"]

_POSITIVE_WORDS = ("1", "true", "yes", "y", "positive", "pos")
_MAX_CLASSES = 50


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """A typed, fingerprinted table ready for splitting.

    Attributes
    ----------
    frame : DataFrame
        Feature columns only (ids, target and dropped columns removed), indexed by id.
    y : ndarray
        The target: 0/1 for binary, class codes 0..K-1 for multi-class, floats for regression.
    ids : Index
        Row ids as strings, unique, aligned with ``frame`` and ``y``.
    task : {"binary", "multiclass", "regression"}
    classes : tuple
        Original class labels in code order (binary: ``(negative, positive)``).
    columns : tuple of ColumnProfile
        The kind of every feature column.
    fingerprint : str
        Hash of content and schema of the table as loaded (before sampling).
    task_reason : str
        Why the task was inferred (or "declared in the plan").
    """

    frame: pd.DataFrame
    y: np.ndarray
    ids: pd.Index
    task: Task
    classes: tuple[object, ...]
    columns: tuple[ColumnProfile, ...]
    fingerprint: str
    n_rows_total: int
    target: str
    task_reason: str
    notes: tuple[str, ...] = field(default=())

    @property
    def features(self) -> list[str]:
        """Names of the columns models use."""
        return [c.name for c in self.columns if c.is_feature]

    def kinds(self) -> dict[str, ColumnKind]:
        """Column name → kind."""
        return {c.name: c.kind for c in self.columns}


def build_dataset(raw: pd.DataFrame, section: DataSection) -> Dataset:
    """Build a :class:`Dataset` from an in-memory table and the plan's data section."""
    where = "data.target"
    if section.target not in raw.columns:
        hint = closest(section.target, map(str, raw.columns))
        raise DataError(f"{where}: column '{section.target}' not found in the data{hint}")
    for name in [section.id, section.split.group, section.split.time, *section.drop]:
        if name is not None and name not in raw.columns:
            hint = closest(name, map(str, raw.columns))
            raise DataError(f"data: column '{name}' named in the plan is not in the data{hint}")
    fingerprint = fingerprint_frame(raw)
    n_total = len(raw)
    notes: list[str] = []
    labelled = raw[raw[section.target].notna()]
    if len(labelled) < n_total:
        notes.append(f"{n_total - len(labelled)} rows without a target were left out")
    if section.sample is not None and section.sample < len(labelled):
        labelled = labelled.sample(n=section.sample, random_state=section.split.seed)
        labelled = labelled.sort_index()
        notes.append(f"sampled {section.sample} of {n_total} rows (seed {section.split.seed})")
    if labelled.empty:
        raise DataError(f"{where}: column '{section.target}' has no values")

    ids = _ids(labelled, section.id)
    task, reason = (
        (section.task, "declared in the plan")
        if section.task
        else infer_task(labelled[section.target])
    )
    y, classes = _encode_target(labelled[section.target], task, section.positive)
    excluded = {section.target, section.id, *section.drop} - {None}
    features = labelled.drop(columns=[c for c in labelled.columns if c in excluded])
    features.index = ids
    profiles = profile_columns(features)
    return Dataset(
        frame=features,
        y=y,
        ids=ids,
        task=task,
        classes=classes,
        columns=profiles,
        fingerprint=fingerprint,
        n_rows_total=n_total,
        target=section.target,
        task_reason=reason,
        notes=tuple(notes),
    )


def infer_task(target: pd.Series) -> tuple[Task, str]:
    """Infer binary, multi-class or regression from a target column, with the reason.

    Examples
    --------
    >>> infer_task(pd.Series([0, 1, 1, 0]))
    ('binary', '2 distinct values')
    """
    values = target.dropna()
    n_unique = int(values.nunique())
    if n_unique == 2:
        return "binary", "2 distinct values"
    if pd.api.types.is_float_dtype(values) and not _integral(values):
        return "regression", "non-integer numbers"
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if numeric and n_unique > min(_MAX_CLASSES, max(3, len(values) // 20)):
        return "regression", f"{n_unique} distinct numbers"
    if n_unique > _MAX_CLASSES:
        raise DataError(
            f"data.target: {n_unique} distinct non-numeric values is too many classes "
            f"(at most {_MAX_CLASSES}); set data.task if this is intended"
        )
    return "multiclass", f"{n_unique} distinct values"


def normalise_ids(values: pd.Series | pd.Index) -> pd.Index:
    """Ids as strings, with integral floats written as integers (``3.0`` → ``"3"``).

    Only floats that are exact integers (below 2**53) are rewritten; larger ones, and
    infinities, stay as floats.
    """
    series = pd.Series(values)
    exact = pd.api.types.is_float_dtype(series) and _integral(series.dropna())
    if exact and bool((series.dropna().abs() < 2**53).all()):
        series = series.astype("Int64")
    return pd.Index(series.astype(str), name="id")


def _ids(frame: pd.DataFrame, id_column: str | None) -> pd.Index:
    if id_column is None:
        return pd.Index(frame.index.astype(str), name="id")
    column = frame[id_column]
    if column.isna().any():
        raise DataError(f"data.id: column '{id_column}' has {int(column.isna().sum())} missing ids")
    ids = normalise_ids(column)
    if ids.has_duplicates:
        dup = ids[ids.duplicated()][0]
        raise DataError(f"data.id: column '{id_column}' has duplicate ids, e.g. '{dup}'")
    return ids


def _integral(values: pd.Series) -> bool:
    array = values.to_numpy(dtype=float, na_value=np.nan)
    array = array[~np.isnan(array)]
    # an infinity is not an integer (and np.mod of it warns)
    return bool(np.isfinite(array).all() and np.all(np.mod(array, 1) == 0))


def _encode_target(
    target: pd.Series, task: Task, positive: object
) -> tuple[np.ndarray, tuple[object, ...]]:
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(target):
            raise DataError(f"data.target: regression needs numbers; column has {target.dtype}")
        return target.to_numpy(dtype=float), ()
    labels = sorted(target.unique().tolist(), key=lambda v: (str(type(v)), v))
    if len(labels) < 2:
        raise DataError(
            f"data.target: column '{target.name}' has a single class ({labels[0]!r}); "
            "a classifier needs at least two"
        )
    if task == "binary":
        if len(labels) != 2:
            raise PlanError(f"data.task: binary needs 2 classes; the target has {len(labels)}")
        pos = _positive_label(target, labels, positive)
        neg = labels[1] if labels[0] == pos else labels[0]
        return (target == pos).to_numpy(dtype=np.int64), (neg, pos)
    codes = {label: i for i, label in enumerate(labels)}
    return target.map(codes).to_numpy(dtype=np.int64), tuple(labels)


def positive_class(target: pd.Series, positive: object = None) -> object:
    """The class of a binary target that its metrics count as positive.

    ``positive`` when given (it must be a class); else a label that reads as yes
    (1, true, yes, positive, ...); else the rarer class.
    """
    labels = sorted(target.dropna().unique().tolist(), key=lambda v: (str(type(v)), v))
    return _positive_label(target.dropna(), labels, positive)


def _positive_label(target: pd.Series, labels: list[object], positive: object) -> object:
    if positive is not None:
        matches = [label for label in labels if str(label) == str(positive)]
        if not matches:
            raise PlanError(
                f"data.positive: {positive!r} is not a class of the target; "
                f"classes: {', '.join(map(repr, labels))}"
            )
        return matches[0]
    for label in labels:
        if str(label).strip().lower() in _POSITIVE_WORDS:
            return label
    counts = target.value_counts()
    return counts.index[-1]
