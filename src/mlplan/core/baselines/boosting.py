"""Tree rungs: histogram gradient boosting with native categoricals, and extra trees."""

from __future__ import annotations

from collections.abc import Mapping

from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from mlplan.core.baselines.binning import QuantileBins
from mlplan.core.baselines.levels import LevelCodes
from mlplan.core.baselines.preprocess import _date_parts, tabular_preprocessor
from mlplan.core.data.columns import ColumnKind
from mlplan.schema.plan import Task

__all__ = ["extra_trees", "gradient_boosting", "tree_preprocessor"]

_MAX_CATEGORIES = 250  # below HistGradientBoosting's 255 bins


def tree_preprocessor(kinds: Mapping[str, ColumnKind]) -> tuple[ColumnTransformer, int]:
    """Categoricals as level codes first (rare and unseen levels share one), then numbers
    and date parts as quantile-bin indices (see :mod:`mlplan.core.baselines.binning`).

    Returns the transformer and the number of leading categorical columns, which
    :class:`~sklearn.ensemble.HistGradientBoostingClassifier` treats natively.
    """
    categorical = [n for n, k in kinds.items() if k == ColumnKind.CATEGORICAL]
    numeric = [n for n, k in kinds.items() if k == ColumnKind.NUMERIC]
    dates = [n for n, k in kinds.items() if k == ColumnKind.DATETIME]
    parts: list[tuple[str, object, list[str]]] = []
    if categorical:
        parts.append(("categorical", LevelCodes(max_levels=_MAX_CATEGORIES), categorical))
    if numeric:
        parts.append(("numeric", QuantileBins(), numeric))
    if dates:
        parts.append(
            ("datetime", make_pipeline(FunctionTransformer(_date_parts), QuantileBins()), dates)
        )
    if not parts:
        parts.append(("nothing", "drop", []))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0), len(categorical)


def gradient_boosting(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    """HistGradientBoosting with early stopping and native categorical splits."""
    prepare, n_categorical = tree_preprocessor(kinds)
    n_columns = sum(
        k in (ColumnKind.CATEGORICAL, ColumnKind.NUMERIC) for k in kinds.values()
    ) + 4 * sum(k == ColumnKind.DATETIME for k in kinds.values())
    mask = [i < n_categorical for i in range(max(n_columns, 1))] if n_categorical else None
    options = {
        "max_iter": 300,
        "learning_rate": 0.1,
        "early_stopping": True,
        "validation_fraction": 0.1,
        "n_iter_no_change": 10,
        "random_state": 0,
        "categorical_features": mask,
    }
    model: BaseEstimator
    if task == "regression":
        model = HistGradientBoostingRegressor(**options)
    else:
        model = HistGradientBoostingClassifier(
            **options,
            class_weight="balanced" if balanced else None,
        )
    return Pipeline([("prepare", prepare), ("model", model)])


def extra_trees(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    """100 extremely randomised trees on imputed, one-hot features (no scaling)."""
    prepare = tabular_preprocessor(kinds, scale=False, dense=True)  # already imputes
    options = {
        "n_estimators": 100,
        "min_samples_leaf": 2,
        "max_features": "sqrt",
        "n_jobs": 1,
        "random_state": 0,
    }
    model: BaseEstimator
    if task == "regression":
        options["max_features"] = 0.5
        model = ExtraTreesRegressor(**options)
    else:
        model = ExtraTreesClassifier(
            **options,
            class_weight="balanced" if balanced else None,
        )
    return Pipeline([("prepare", prepare), ("model", model)])
