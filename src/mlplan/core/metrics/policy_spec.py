"""Building the plan's metric policy from its ``metric:`` section, with every name checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
from pydantic import ValidationError

from mlplan.core.metrics.constraints import parse_constraint
from mlplan.core.metrics.definitions import (
    COST_METRICS,
    COUNT_NAMES,
    TASKS,
    THRESHOLD_FREE,
    metric_info,
    metric_names,
)
from mlplan.core.metrics.formula import parse_formula
from mlplan.core.metrics.policy import MetricPolicy
from mlplan.errors import MetricError, closest

__all__ = ["policy_from_section"]


def _check_name(name: str, task: str, where: str, *, counts_ok: bool = False) -> None:
    valid = [n for n in metric_names(task) if counts_ok or n not in COUNT_NAMES]
    if name not in valid:
        raise MetricError(
            f"metric.{where}: unknown metric {name!r} for a {task} task{closest(name, valid)}; "
            f"allowed: {', '.join(valid)}"
        )


def policy_from_section(section: Any, task: str) -> MetricPolicy:
    """Build the :class:`MetricPolicy` of a plan's ``metric:`` section.

    Parameters
    ----------
    section : MetricSection or mapping
        The plan's metric section (a mapping is validated as one).
    task : {"binary", "multiclass", "regression"}

    Returns
    -------
    MetricPolicy

    Raises
    ------
    MetricError
        Unknown metric names (listing the valid ones and the closest), a bad
        formula (pointing at the character), unreadable constraints, or a
        multiclass policy without explicit averaging where averaging matters.

    Examples
    --------
    >>> from mlplan.schema.plan import MetricSection
    >>> p = policy_from_section(MetricSection(optimise="recall",
    ...                         subject_to={"precision": ">= 0.9"}), "binary")
    >>> p.name
    'recall s.t. precision >= 0.9'
    """
    from mlplan.schema.plan import MetricSection

    if isinstance(section, Mapping):
        try:
            section = MetricSection(**section)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = "".join(f".{part}" for part in first["loc"])
            message = str(first["msg"]).removeprefix("Value error, ")
            raise MetricError(f"metric{where}: {message}") from None
    if task not in TASKS or task == "multilabel":
        raise MetricError(f"task: policies support binary, multiclass, regression; got {task!r}")
    common = {
        "task": task,
        "averaging": section.averaging or "macro",
        "confidence": section.confidence,
        "resamples": section.resamples,
    }
    names_used: list[str] = []
    policy: MetricPolicy
    if section.optimise is not None:
        _check_name(section.optimise, task, "optimise")
        if section.optimise in COST_METRICS and not section.subject_to:
            pass
        cons = []
        for name, text in section.subject_to.items():
            _check_name(name, task, f"subject_to.{name}")
            cons.append(parse_constraint(name, text))
        names_used = [section.optimise] + [c.name for c in cons]
        if section.optimise in THRESHOLD_FREE:
            moving = [
                c.name for c in cons if c.name not in THRESHOLD_FREE and c.name not in COST_METRICS
            ]
            if moving:
                raise MetricError(
                    f"metric.subject_to: {section.optimise} does not depend on a threshold, so "
                    f"constraints on {', '.join(moving)} cannot be met by choosing one; constrain "
                    "threshold-free or cost metrics, or optimise a thresholded metric"
                )
        label = section.optimise
        if cons:
            label += " s.t. " + " and ".join(str(c) for c in cons)
        policy = MetricPolicy(
            name=label,
            higher_is_better=metric_info(section.optimise).higher_is_better,
            kind="constrained" if cons else "single",
            optimise=section.optimise,
            constraints=tuple(cons),
            **common,
        )
    elif section.average is not None or section.weighted is not None:
        comps = (
            [(n, 1.0) for n in section.average]
            if section.average is not None
            else list((section.weighted or {}).items())
        )
        if not comps:
            raise MetricError("metric.average: give at least one metric name")
        for n, w in comps:
            _check_name(n, task, "average" if section.average is not None else f"weighted.{n}")
            if not np.isfinite(w) or w <= 0:
                raise MetricError(
                    f"metric.weighted.{n}: weights must be positive numbers; got {w!r}"
                )
        dirs = {metric_info(n).higher_is_better for n, _ in comps}
        if len(dirs) > 1:
            raise MetricError(
                "metric: an average mixes higher-is-better and lower-is-better metrics "
                f"({', '.join(n for n, _ in comps)}); use a formula with explicit signs"
            )
        names_used = [n for n, _ in comps]
        if section.average is not None:
            label = "mean(" + ", ".join(section.average) + ")"
        else:
            label = " + ".join(f"{w:g}*{n}" for n, w in comps)
        policy = MetricPolicy(
            name=label,
            higher_is_better=dirs.pop(),
            kind="average" if section.average is not None else "weighted",
            components=tuple(comps),
            **common,
        )
    elif section.fbeta is not None:
        names_used = ["fbeta"]
        policy = MetricPolicy(
            name=f"F{section.fbeta:g}",
            higher_is_better=True,
            kind="fbeta",
            beta=float(section.fbeta),
            **common,
        )
    else:
        assert section.formula is not None
        allowed = [n for n in metric_names(task) if task == "binary" or n not in COUNT_NAMES]
        formula = parse_formula(section.formula, allowed)
        names_used = sorted(formula.names)
        policy = MetricPolicy(
            name=section.formula, higher_is_better=True, kind="formula", formula=formula, **common
        )
    threshold = getattr(section, "threshold", None)
    if threshold is not None:
        if task != "binary":
            raise MetricError(
                f"metric.threshold: only binary scores have an operating threshold; this is a "
                f"{task} task (remove threshold)"
            )
        if not policy.threshold_dependent:
            raise MetricError(
                f"metric.threshold: {policy.name} does not depend on a threshold (it reads "
                "scores or costs only); remove threshold"
            )
        policy = replace(policy, threshold=threshold)
    if task == "multiclass" and section.averaging is None:
        averaged = {"precision", "recall", "f1", "fbeta", "roc_auc"} & set(names_used)
        if averaged:
            raise MetricError(
                f"metric.averaging: {', '.join(sorted(averaged))} on a multiclass task need explicit "
                "averaging; add averaging: macro, micro or weighted"
            )
    return policy
