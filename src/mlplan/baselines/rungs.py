"""The trained rungs of the ladder: how each one builds its estimator."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline

from mlplan.baselines.preprocess import tabular_preprocessor
from mlplan.data.columns import ColumnKind
from mlplan.errors import PlanError, closest
from mlplan.plan.schema import Task

__all__ = ["RUNGS", "RungSpec", "build_estimator", "rung_spec"]

Builder = Callable[[Task, Mapping[str, ColumnKind], bool], BaseEstimator]


@dataclass(frozen=True, slots=True, kw_only=True)
class RungSpec:
    """A trained rung: its name, what it is, and how to build its estimator."""

    name: str
    description: str
    build: Builder


def _dummy(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    if task == "regression":
        return DummyRegressor(strategy="mean")
    return DummyClassifier(strategy="prior")


def _linear(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    model: BaseEstimator
    if task == "regression":
        model = Ridge(alpha=1.0)
    else:
        model = LogisticRegression(max_iter=2000, class_weight="balanced" if balanced else None)
    return Pipeline([("prepare", tabular_preprocessor(kinds)), ("model", model)])


RUNGS: dict[str, RungSpec] = {
    spec.name: spec
    for spec in (
        RungSpec(
            name="dummy",
            description="predicts the class prior (classification) or the mean (regression)",
            build=_dummy,
        ),
        RungSpec(
            name="linear",
            description="logistic / ridge regression on imputed, scaled, one-hot features",
            build=_linear,
        ),
    )
}


def rung_spec(name: str) -> RungSpec:
    """Look up a trained rung by name; unknown names raise :class:`PlanError`."""
    try:
        return RUNGS[name]
    except KeyError:
        raise PlanError(
            f"baselines.ladder: unknown rung '{name}'{closest(name, RUNGS)}; "
            f"available: {', '.join(RUNGS)}"
        ) from None


def build_estimator(
    name: str, task: Task, kinds: Mapping[str, ColumnKind], *, balanced: bool = False
) -> BaseEstimator:
    """A fresh, unfitted estimator for rung ``name``."""
    return rung_spec(name).build(task, kinds, balanced)
