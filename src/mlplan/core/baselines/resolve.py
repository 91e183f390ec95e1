"""The rungs a ladder is asked for, resolved: built-in specs and your own estimators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import FeatureUnion, Pipeline

from mlplan.core.baselines.preprocess import tabular_preprocessor
from mlplan.core.baselines.rungs import RungSpec, rung_spec
from mlplan.core.baselines.text import TextFeatures
from mlplan.core.data.columns import ColumnKind
from mlplan.errors import PlanError
from mlplan.records.ladder import RungKind

__all__ = [
    "CustomRung",
    "ResolvedRung",
    "RungLike",
    "check_unique",
    "full_preprocessor",
    "resolve_rungs",
]


@dataclass(frozen=True, kw_only=True)
class CustomRung:
    """Your own scikit-learn-compatible estimator, placed on the ladder.

    Parameters
    ----------
    name : str
    estimator : estimator
        Cloned for every fold; needs ``fit`` and ``predict`` (``predict_proba``
        for scores).
    prepare : bool, default True
        Put mlplan's preprocessing (impute, scale, one-hot, TF-IDF of text) in front;
        False passes the raw feature table.
    description : str, default ""
    """

    name: str
    estimator: BaseEstimator
    prepare: bool = True
    description: str = ""


RungLike = str | CustomRung


@dataclass(frozen=True, kw_only=True)
class ResolvedRung:
    """A trained or custom rung, resolved: how to build it and what it reads."""

    name: str
    description: str
    kind: RungKind
    spec: RungSpec | None
    custom: CustomRung | None = None
    features: str = "table"

    def build(self, task: Any, kinds: dict[str, ColumnKind], balanced: bool) -> Any:
        if self.spec is not None:
            return self.spec.build(task, kinds, balanced)
        assert self.custom is not None
        model = clone(self.custom.estimator)
        if not self.custom.prepare:
            return model
        return Pipeline([("prepare", full_preprocessor(kinds)), ("model", model)])


def full_preprocessor(kinds: dict[str, ColumnKind]) -> Any:
    text = [n for n, k in kinds.items() if k == ColumnKind.TEXT]
    table = tabular_preprocessor(kinds)
    if not text:
        return table
    return FeatureUnion([("table", table), ("text", TextFeatures(text))])


def resolve_rungs(rungs: Sequence[RungLike]) -> list[ResolvedRung]:
    out = []
    for item in rungs:
        if isinstance(item, CustomRung):
            out.append(
                ResolvedRung(
                    name=item.name,
                    description=item.description or f"your estimator: {item.estimator!r}",
                    kind="custom",
                    spec=None,
                    custom=item,
                )
            )
        elif isinstance(item, str):
            spec = rung_spec(item)  # fails on an unknown name before any work
            out.append(
                ResolvedRung(
                    name=spec.name,
                    description=spec.description,
                    kind="trained",
                    spec=spec,
                    features=spec.features,
                )
            )
        else:
            raise PlanError(
                f"rungs: {item!r} is not a rung; allowed: a rung name or CustomRung(name, estimator)"
            )
    return out


def check_unique(names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise PlanError(f"baselines: two rungs are called '{name}'; names must be unique")
        seen.add(name)
