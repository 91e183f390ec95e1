"""The scripted rung: a rule (or any Python callable) turned into predictions."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlplan.core.baselines.costs import per_thousand_ms
from mlplan.core.baselines.jobs import FoldOutcome, rung_result
from mlplan.core.baselines.rules import Rule, parse_rule
from mlplan.core.data.dataset import Dataset
from mlplan.core.metrics.definitions import THRESHOLD_FREE
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.core.metrics.standard import standard_metrics
from mlplan.errors import PlanError
from mlplan.records.ladder import RungResult
from mlplan.records.predictions import Predictions
from mlplan.schema.plan import ScriptedRule, Task

__all__ = ["RuleLike", "ScriptedRung", "as_scripted", "rule_predictions"]

RuleLike = Rule | ScriptedRule | tuple[str, str] | tuple[str, Callable[[pd.DataFrame], Any]]


@dataclass(frozen=True, kw_only=True)
class ScriptedRung:
    """A rule with a name, ready to predict on any rows of the table."""

    name: str
    description: str
    predict: Callable[[pd.DataFrame], Any]


def as_scripted(item: RuleLike, columns: Iterable[str]) -> ScriptedRung:
    """Normalise a plan rule, a parsed :class:`Rule`, ``(name, text)`` or ``(name, callable)``.

    Rules given as text are parsed and checked against ``columns`` here, before
    any work starts.
    """
    if isinstance(item, ScriptedRule):
        item = (item.name, item.rule)
    if isinstance(item, Rule):
        return ScriptedRung(name=item.name, description=f"rule: {item.text}", predict=item.evaluate)
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        name, body = item
        if isinstance(body, str):
            rule = parse_rule(body, name=name, columns=columns)
            return ScriptedRung(name=name, description=f"rule: {body}", predict=rule.evaluate)
        if callable(body):
            described = getattr(body, "__name__", "callable")
            return ScriptedRung(name=name, description=f"python: {described}", predict=body)
    raise PlanError(
        f"scripted: {item!r} is not a rule; allowed: a plan rule, (name, 'expression') or "
        "(name, callable)"
    )


def rule_predictions(
    rung: ScriptedRung, frame: pd.DataFrame, task: Task, classes: tuple[object, ...]
) -> np.ndarray:
    """Predictions in mlplan's encoding: class codes (booleans mean the positive class) or values.

    Raises
    ------
    PlanError
        A value that is not a class of the target, or not a number for regression.
    """
    values = np.asarray(rung.predict(frame))
    if values.ndim == 0:
        values = np.full(len(frame), values.item())
    if len(values) != len(frame):
        raise PlanError(f"scripted '{rung.name}': gave {len(values)} values for {len(frame)} rows")
    if task == "regression":
        try:
            return values.astype(float)
        except (TypeError, ValueError):
            raise PlanError(
                f"scripted '{rung.name}': a regression rule must give numbers; got {values[:3]!r}"
            ) from None
    if values.dtype == bool or (
        values.dtype == object and all(isinstance(v, bool | np.bool_) for v in values[:100])
    ):
        if task != "binary":
            raise PlanError(
                f"scripted '{rung.name}': a true/false rule needs a binary target; this one has "
                f"{len(classes)} classes, so give a class label (e.g. 'a' if ... else 'b')"
            )
        return values.astype(bool).astype(np.int64)
    if values.dtype.kind == "f" and np.all(np.mod(values[np.isfinite(values)], 1) == 0):
        values = values.astype(np.int64)
    lookup = {str(c): i for i, c in enumerate(classes)}
    codes = np.array([lookup.get(str(v), -1) for v in values], dtype=np.int64)
    if (codes < 0).any():
        bad = values[codes < 0][0]
        raise PlanError(
            f"scripted '{rung.name}': value {bad!r} is not a class of the target; classes: "
            f"{', '.join(map(repr, classes))}"
        )
    return codes


def score_rule(
    rule: ScriptedRung,
    dataset: Dataset,
    policy: MetricPolicy,
    train_pos: np.ndarray,
    test_pos: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
) -> RungResult:
    """A rule needs no fitting: score it on each fold's rows and once on the test rows."""
    classes = dataset.classes
    train_pred = rule_predictions(rule, dataset.frame.iloc[train_pos], dataset.task, classes)
    train_score = rule_scores(train_pred, policy, dataset)
    y_train = dataset.y[train_pos]
    outcomes = []
    for fit_pos, val_pos in folds:
        values = []
        for pos in (fit_pos, val_pos):
            score = None if train_score is None else train_score[pos]
            result = policy.evaluate(
                y_train[pos], y_pred=train_pred[pos], y_score=score, n_resamples=0
            )
            values.append(np.nan if result.value is None else float(result.value))
        metrics = standard_metrics(
            dataset.task,
            y_train[val_pos],
            y_pred=train_pred[val_pos],
            y_score=None if train_score is None else train_score[val_pos],
        )
        outcomes.append(FoldOutcome(train=values[0], val=values[1], metrics=metrics))
    test_frame = dataset.frame.iloc[test_pos]
    began = time.perf_counter()
    test_pred = rule_predictions(rule, test_frame, dataset.task, classes)
    latency = per_thousand_ms(time.perf_counter() - began, len(test_pos))
    return rung_result(
        name=rule.name,
        description=rule.description,
        kind="scripted",
        fold_outcomes=outcomes,
        test=Predictions(pred=test_pred, score=rule_scores(test_pred, policy, dataset)),
        costs={"fit_seconds": 0.0, "latency_ms": latency, "model_mb": 0.0, "peak_mb": 0.0},
        notes=[
            "no training: the rule is scored on every fold and on the test rows",
            *(["its 0/1 output is used as the score"] if train_score is not None else []),
        ],
        n_rows=0,
    )


def rule_scores(pred: np.ndarray, policy: MetricPolicy, dataset: Dataset) -> np.ndarray | None:
    """A rule's labels as scores (0/1, or one-hot), only when the metric needs scores."""
    if dataset.task == "regression" or not policy.names & THRESHOLD_FREE:
        return None
    if dataset.task == "binary":
        return pred.astype(float)
    return np.eye(len(dataset.classes))[pred]
