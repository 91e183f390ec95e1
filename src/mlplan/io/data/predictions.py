"""Reading a model's predictions file and aligning it with the frozen test rows."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mlplan.core.data.dataset import Dataset, normalise_ids
from mlplan.errors import DataError, closest
from mlplan.io.data.load import read_table
from mlplan.records.evaluation import ScoreKind

__all__ = ["align_predictions", "read_predictions", "read_validation_predictions"]

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
    score_kind: ScoreKind = "probability",
) -> tuple[np.ndarray, np.ndarray | None]:
    """Read a predictions file and return ``(pred, score)`` aligned with ``test_ids``.

    The file holds an id column and either scores or labels. Binary: one score
    column (probability of the positive class, in [0, 1], unless ``score_kind``
    is ``"margin"``) or a label column. Multi-class: a column per class (named by
    the class) or a label column. Regression: a prediction column.

    Raises
    ------
    DataError
        Missing columns, test ids absent from the file, duplicate ids, ids that
        are not rows of the data, NaN or infinite scores, binary probability
        scores outside [0, 1], labels outside the classes.
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
        score_kind=score_kind,
    )


def read_validation_predictions(
    path: str | Path,
    dataset: Dataset,
    test_ids: Sequence[str],
    *,
    id_column: str | None = None,
    score_column: str | None = None,
    label_column: str | None = None,
    id_name: str | None = None,
    score_kind: ScoreKind = "probability",
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Read a model's predictions on rows of the training part, to choose its threshold on.

    Any number of training rows will do; a single test row is refused, since
    choosing a threshold on test rows would leak them into the value reported.

    Returns
    -------
    y, pred, score : ndarray
        The rows' true 0/1 target (in mlplan's encoding), the predicted labels and
        the scores (None for labels), in file order.

    Raises
    ------
    DataError
        As :func:`read_predictions`, and for ids that are test rows.
    """
    frame = read_table(path, what="validation predictions file")
    source = str(path)
    ids = _ids(frame, dataset, source, id_column, id_name)
    leaked = ids.intersection(pd.Index(test_ids))
    if len(leaked):
        raise DataError(
            f"{source}: {len(leaked)} of {len(ids)} ids are test rows, e.g. '{leaked[0]}': "
            "validation predictions must come from the training part (choosing a threshold "
            "on test rows would leak them)"
        )
    rows = frame.reset_index(drop=True)
    y = dataset.y[dataset.ids.get_indexer(ids)]
    pred, score = _columns(rows, dataset, source, score_column, label_column, score_kind, "row")
    return y, pred, score


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
    score_kind: ScoreKind = "probability",
) -> tuple[np.ndarray, np.ndarray | None]:
    """Align an in-memory predictions table with ``test_ids`` (see :func:`read_predictions`)."""
    ids = _ids(frame, dataset, source, id_column, id_name)
    wanted_ids = pd.Index(test_ids)
    missing = wanted_ids.difference(ids)
    if len(missing):
        raise DataError(
            f"{source}: {len(missing)} of {len(wanted_ids)} test ids are missing, "
            f"e.g. '{missing[0]}'; export them with 'mlplan split --export DIR'"
        )
    rows = frame.iloc[ids.get_indexer(wanted_ids)].reset_index(drop=True)
    return _columns(rows, dataset, source, score_column, label_column, score_kind, "test row")


def _ids(
    frame: pd.DataFrame,
    dataset: Dataset,
    source: str,
    id_column: str | None,
    id_name: str | None,
) -> pd.Index:
    """The file's ids, checked to be unique rows of the data."""
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
    return ids


def _columns(
    rows: pd.DataFrame,
    dataset: Dataset,
    source: str,
    score_column: str | None,
    label_column: str | None,
    score_kind: ScoreKind,
    row_name: str,
) -> tuple[np.ndarray, np.ndarray | None]:
    """``(pred, score)`` of aligned rows, in mlplan's encoding, validated."""
    if dataset.task == "regression":
        column = label_column or _pick(rows, [*_LABEL_NAMES, *_SCORE_NAMES])
        return _finite(rows, column, source, "prediction", row_name), None
    if dataset.task == "binary":
        column = score_column or _pick(rows, _SCORE_NAMES)
        if column is not None:
            score = _finite(rows, column, source, "score", row_name)
            if score_kind == "margin":
                return (score >= 0.0).astype(np.int64), score
            _check_probabilities(score, column, source, dataset, row_name)
            return (score >= 0.5).astype(np.int64), score
        return _labels(rows, label_column, dataset, source), None
    class_columns = [str(c) for c in dataset.classes]
    if all(c in rows.columns.astype(str) for c in class_columns):
        renamed = rows.rename(columns=str)
        proba = np.column_stack(
            [_finite(renamed, c, source, "probability", row_name) for c in class_columns]
        )
        sums = proba.sum(axis=1)
        if not np.allclose(sums, 1.0, atol=1e-3):
            bad = int(np.argmax(np.abs(sums - 1.0)))
            raise DataError(
                f"{source}: class probabilities must sum to 1; {row_name} {bad} sums to "
                f"{sums[bad]:.4f}"
            )
        return proba.argmax(axis=1), proba
    return _labels(rows, label_column, dataset, source), None


def _check_probabilities(
    score: np.ndarray, column: str, source: str, dataset: Dataset, row_name: str
) -> None:
    """Binary scores must be probabilities of the positive class: refuse others in one line."""
    outside = (score < 0.0) | (score > 1.0)
    if not outside.any():
        return
    i = int(np.argmax(outside))
    raise DataError(
        f"{source}: column '{column}' must hold probabilities of the positive class "
        f"{dataset.classes[1]!r} in [0, 1]; {int(outside.sum())} scores are outside "
        f"(range {score.min():g} to {score.max():g}; {row_name} {i} is {score[i]:g}): "
        "rescale them, or add score: margin to the model entry if they are not probabilities"
    )


def _pick(frame: pd.DataFrame, names: Sequence[str]) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def _finite(
    frame: pd.DataFrame, column: str | None, source: str, what: str, row_name: str = "test row"
) -> np.ndarray:
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
            f"(first at {row_name} {int(np.argmax(bad))})"
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
