"""Reading a model's predictions file and aligning it with the frozen test rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mlplan.core.data.dataset import Dataset, normalise_ids
from mlplan.errors import DataError, closest
from mlplan.io.data.load import read_table

__all__ = ["align_predictions", "read_predictions"]

_ID_NAMES = ("id", "row_id")
_SCORE_NAMES = ("score", "proba", "probability", "y_score")
_LABEL_NAMES = ("label", "prediction", "pred", "y_pred")


def read_predictions(
    path: str | Path,
    dataset: Dataset,
    test_ids: Sequence[str],
    *,
    id_column: str | None = None,
    score_column: str | None = None,
    label_column: str | None = None,
    id_name: str | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Read a predictions file and return ``(pred, score)`` aligned with ``test_ids``.

    The file holds an id column and either scores or labels. Binary: one score
    column (probability of the positive class) or a label column. Multi-class: a
    column per class (named by the class) or a label column. Regression: a
    prediction column.

    Raises
    ------
    DataError
        Missing columns, test ids absent from the file, duplicate ids, ids that
        are not rows of the data, NaN or infinite scores, labels outside the
        classes.
    """
    frame = read_table(path, what="predictions file")
    return align_predictions(
        frame,
        dataset,
        test_ids,
        source=str(path),
        id_column=id_column,
        score_column=score_column,
        label_column=label_column,
        id_name=id_name,
    )


def align_predictions(
    frame: pd.DataFrame,
    dataset: Dataset,
    test_ids: Sequence[str],
    *,
    source: str = "predictions",
    id_column: str | None = None,
    score_column: str | None = None,
    label_column: str | None = None,
    id_name: str | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Align an in-memory predictions table with ``test_ids`` (see :func:`read_predictions`)."""
    id_col = id_column or _pick(frame, [*([id_name] if id_name else []), *_ID_NAMES])
    if id_col is None or id_col not in frame.columns:
        wanted = id_column or " or ".join(repr(n) for n in [id_name, *_ID_NAMES] if n)
        raise DataError(f"{source}: no id column {wanted}; columns: {', '.join(frame.columns)}")
    ids = normalise_ids(frame[id_col])
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique()
        raise DataError(f"{source}: {len(dup)} duplicate ids, e.g. '{dup[0]}'")
    unknown = ids.difference(dataset.ids)
    if len(unknown):
        raise DataError(
            f"{source}: {len(unknown)} ids are not rows of the data, e.g. '{unknown[0]}'"
        )
    wanted_ids = pd.Index(test_ids)
    missing = wanted_ids.difference(ids)
    if len(missing):
        raise DataError(
            f"{source}: {len(missing)} of {len(wanted_ids)} test ids are missing, "
            f"e.g. '{missing[0]}'; export them with 'mlplan split --export DIR'"
        )
    rows = frame.iloc[ids.get_indexer(wanted_ids)].reset_index(drop=True)
    if dataset.task == "regression":
        column = label_column or _pick(rows, [*_LABEL_NAMES, *_SCORE_NAMES])
        return _finite(rows, column, source, "prediction"), None
    if dataset.task == "binary":
        column = score_column or _pick(rows, _SCORE_NAMES)
        if column is not None:
            score = _finite(rows, column, source, "score")
            return (score >= 0.5).astype(np.int64), score
        return _labels(rows, label_column, dataset, source), None
    class_columns = [str(c) for c in dataset.classes]
    if all(c in rows.columns.astype(str) for c in class_columns):
        renamed = rows.rename(columns=str)
        proba = np.column_stack([_finite(renamed, c, source, "probability") for c in class_columns])
        sums = proba.sum(axis=1)
        if not np.allclose(sums, 1.0, atol=1e-3):
            bad = int(np.argmax(np.abs(sums - 1.0)))
            raise DataError(
                f"{source}: class probabilities must sum to 1; row {bad} sums to {sums[bad]:.4f}"
            )
        return proba.argmax(axis=1), proba
    return _labels(rows, label_column, dataset, source), None


def _pick(frame: pd.DataFrame, names: Sequence[str]) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def _finite(frame: pd.DataFrame, column: str | None, source: str, what: str) -> np.ndarray:
    if column is None or column not in frame.columns:
        hint = closest(column, map(str, frame.columns)) if column else ""
        columns = ", ".join(map(str, frame.columns))
        raise DataError(f"{source}: no {what} column {column!r}{hint}; columns: {columns}")
    try:
        values = frame[column].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{source}: column '{column}' must hold numbers ({exc})") from exc
    bad = ~np.isfinite(values)
    if bad.any():
        raise DataError(
            f"{source}: column '{column}' has {int(bad.sum())} NaN or infinite values "
            f"(first at test row {int(np.argmax(bad))})"
        )
    return values


def _labels(frame: pd.DataFrame, column: str | None, dataset: Dataset, source: str) -> np.ndarray:
    column = column or _pick(frame, _LABEL_NAMES)
    if column is None or column not in frame.columns:
        raise DataError(
            f"{source}: no score or label column; expected one of "
            f"{', '.join(_SCORE_NAMES + _LABEL_NAMES)}"
        )
    values = frame[column]
    if values.isna().any():
        raise DataError(
            f"{source}: column '{column}' has {int(values.isna().sum())} missing labels"
        )
    lookup = {str(label): code for code, label in enumerate(dataset.classes)}
    codes = pd.Series(normalise_ids(values), index=values.index).map(lookup)
    if codes.isna().any():
        bad = values[codes.isna()].iloc[0]
        allowed = ", ".join(repr(c) for c in dataset.classes)
        raise DataError(f"{source}: label {bad!r} in '{column}' is not a class; allowed: {allowed}")
    return codes.to_numpy(dtype=np.int64)
