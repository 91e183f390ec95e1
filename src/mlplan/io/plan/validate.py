"""Whole-plan checks at load: what the schema alone cannot see, before any work starts.

The schema (:mod:`mlplan.schema.plan`) checks each key's type; the checks here look
across the plan, and every failure is one :class:`~mlplan.errors.PlanError` line
that starts with the file and line of the key (``mlplan.yaml:12: ...``):

- metric names wherever they appear -- ``metric:`` (``optimise``, ``subject_to``,
  ``average``, ``weighted``, ``formula``), ``baselines.requirement``, the numbers of
  ``published`` and ``human`` baselines, ``gate.non_inferiority`` and
  ``gate.floors`` -- are known metrics, with the closest names when not; when the
  plan declares ``data.task`` they must also exist for that task (otherwise this is
  checked as soon as the data has told the task, before the split);
- constraints that can hold and declared numbers (requirement, floors, published,
  human) inside the metric's range: ``precision >= 1.5``, ``precision <= -0.5`` or a
  recall requirement of 1.5 are refused;
- names of rows are unique: ladder rungs, scripted rules, published and human
  baselines, the requirement and models; a model (or any declared row) does not
  take a rung's name;
- ladder rungs, muted advice codes, scripted rules, the formula and the budget read;
- seeds fit a 32-bit generator, resamples are at most :data:`MAX_RESAMPLES`;
- the report folder (``output:``) is a folder that can be written, or can be made.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from mlplan.errors import MlplanError, PlanError, closest
from mlplan.schema.plan import (
    ADVICE_CODES,
    POLICY_KEY,
    RUNG_NAMES,
    HumanBaseline,
    Plan,
    PublishedBaseline,
    ScriptedRule,
)

__all__ = [
    "MAX_RESAMPLES",
    "MAX_SEED",
    "Locate",
    "check_output",
    "validate_for_task",
    "validate_plan",
]

Loc = tuple[str | int, ...]
#: ``locate(("metric", "optimise"))`` → ``"mlplan.yaml:7"``: where a key of the file is.
Locate = Callable[[Loc], str]

#: Most bootstrap resamples a plan may ask for (``metric.resamples``, ``gate.resamples``).
MAX_RESAMPLES = 100_000
#: Largest seed: the generators of numpy and scikit-learn take 32-bit seeds.
MAX_SEED = 2**32 - 1
_REQUIREMENT_ROW = "requirement"


def validate_plan(plan: Plan, locate: Locate) -> None:
    """Check a schema-valid plan as a whole; see the module docstring for what is checked.

    Parameters
    ----------
    plan : Plan
        The plan, already valid against the schema.
    locate : callable
        ``locate(loc)`` returns ``"file:line"`` for a key path such as
        ``("metric", "optimise")``.

    Raises
    ------
    PlanError
        On the first problem found, naming the file, line and key.
    """
    task = plan.data.task
    _metric_section(plan, locate, task)
    _declared_numbers(plan, locate, task)
    _gate_keys(plan, locate, task)
    _ladder_and_rules(plan, locate)
    _row_names(plan, locate)
    _advice(plan, locate)
    _numbers(plan, locate)
    if task is not None:
        _policy(plan, locate, task)


def validate_for_task(plan: Plan, task: str, locate: Locate) -> None:
    """Check that the metric names outside ``metric:`` exist for ``task``.

    Called once the data has told the task (``metric:`` itself is checked when the
    metric policy is built).

    Raises
    ------
    PlanError
        A name that is a metric, but not of this task.
    """
    _declared_numbers(plan, locate, task)
    _gate_keys(plan, locate, task)


def check_output(folder: Path, locate: Locate, *, given: bool) -> None:
    """Refuse a report folder that is a file, or that cannot be written or created.

    Parameters
    ----------
    folder : Path
        The resolved report folder.
    locate : callable
        As for :func:`validate_plan`.
    given : bool
        Whether the plan sets ``output:`` (else the folder is the default one).
    """
    where = locate(("output",)) if given else locate(())
    key = "output" if given else "the default report folder (set output: to change it)"
    existing = folder
    while not (existing.exists() or existing.is_symlink()) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = "is" if existing == folder else f"would be inside {existing}, which is"
        raise PlanError(f"{where}: {key}: {folder} {what} not a folder; give a folder for reports")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PlanError(f"{where}: {key}: {existing} is not writable; reports go to {folder}")


# -- metric names ------------------------------------------------------------------------


def _names(task: str | None, *, counts: bool) -> list[str]:
    """Metric names allowed for ``task`` (every task when None); counts for declared numbers."""
    from mlplan.core.metrics.definitions import COUNT_NAMES, METRIC_NAMES, metric_names

    known = metric_names(task) if task is not None else sorted(METRIC_NAMES)
    return [n for n in known if counts or n not in COUNT_NAMES]


def _check_name(
    name: str,
    loc: Loc,
    locate: Locate,
    task: str | None,
    *,
    counts: bool,
    extra: Iterable[str] = (),
) -> None:
    allowed = [*extra, *_names(task, counts=counts)]
    if name in allowed:
        return
    everywhere = _names(None, counts=counts)
    key = ".".join(map(str, loc))
    if task is not None and name in everywhere:
        problem = f"{name!r} is not a metric of a {task} task"
    else:
        problem = f"unknown metric {name!r}{closest(name, allowed)}"
    raise PlanError(f"{locate(loc)}: {key}: {problem}; allowed: {', '.join(allowed)}")


def _metric_section(plan: Plan, locate: Locate, task: str | None) -> None:
    from mlplan.core.metrics.constraints import parse_constraint
    from mlplan.core.metrics.formula import parse_formula

    section = plan.metric
    if section.optimise is not None:
        _check_name(section.optimise, ("metric", "optimise"), locate, task, counts=False)
    for name, text in section.subject_to.items():
        loc: Loc = ("metric", "subject_to", name)
        _check_name(name, loc, locate, task, counts=False)
        try:
            constraint = parse_constraint(name, text)
        except MlplanError as exc:
            raise PlanError(f"{locate(loc)}: metric.{exc}") from None
        _constraint_can_hold(name, constraint.op, constraint.bound, text, locate(loc))
    for i, name in enumerate(section.average or []):
        _check_name(name, ("metric", "average", i), locate, task, counts=False)
    for name, weight in (section.weighted or {}).items():
        loc = ("metric", "weighted", name)
        _check_name(name, loc, locate, task, counts=False)
        if not (math.isfinite(weight) and weight > 0):
            raise PlanError(
                f"{locate(loc)}: metric.weighted.{name}: weights must be positive numbers; "
                f"got {weight!r}"
            )
    if section.formula is not None:
        allowed = _names(task, counts=task in (None, "binary"))
        try:
            parse_formula(section.formula, allowed)
        except MlplanError as exc:
            raise PlanError(f"{locate(('metric', 'formula'))}: metric.{exc}") from None


def _constraint_can_hold(name: str, op: str, bound: float, text: str, where: str) -> None:
    from mlplan.core.metrics.definitions import metric_range

    lo, hi = metric_range(name)
    key = f"metric.subject_to.{name}"
    if not math.isfinite(bound):
        raise PlanError(f"{where}: {key}: the bound must be a finite number; got {text!r}")
    never = {
        ">=": bound > hi,
        ">": bound >= hi,
        "<=": bound < lo,
        "<": bound <= lo,
    }[op]
    if never:
        raise PlanError(
            f"{where}: {key}: {text.strip()!r} can never hold: {name} lies in {_span(lo, hi)}"
        )


def _in_range(name: str, value: object, loc: Loc, locate: Locate) -> None:
    from mlplan.core.metrics.definitions import metric_range

    key = ".".join(map(str, loc))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PlanError(f"{locate(loc)}: {key}: expected a number; got {_shown(value)}")
    lo, hi = metric_range(name)
    if not (math.isfinite(value) and lo <= value <= hi):
        raise PlanError(
            f"{locate(loc)}: {key}: {value!r} is outside the range of {name}, {_span(lo, hi)}"
        )


def _declared_numbers(plan: Plan, locate: Locate, task: str | None) -> None:
    baselines = plan.baselines
    for name, value in baselines.requirement.items():
        loc: Loc = ("baselines", "requirement", name)
        _check_name(name, loc, locate, task, counts=True)
        _in_range(name, value, loc, locate)
    for kind, entries in (("published", baselines.published), ("human", baselines.human)):
        for i, entry in enumerate(entries):
            for name, value in (entry.model_extra or {}).items():
                loc = ("baselines", kind, i, name)
                fields = ", ".join(type(entry).model_fields)
                try:
                    _check_name(name, loc, locate, task, counts=True)
                except PlanError as exc:
                    raise PlanError(f"{exc} (or a key of {kind} baselines: {fields})") from None
                _in_range(name, value, loc, locate)


def _gate_keys(plan: Plan, locate: Locate, task: str | None) -> None:

    gate = plan.gate
    for name in gate.non_inferiority:
        loc: Loc = ("gate", "non_inferiority", name)
        _check_name(name, loc, locate, task, counts=False, extra=[POLICY_KEY])
    for name, value in (gate.floors or {}).items():
        loc = ("gate", "floors", name)
        _check_name(name, loc, locate, task, counts=False, extra=[POLICY_KEY])
        if name != POLICY_KEY:
            _in_range(name, value, loc, locate)
        elif not math.isfinite(value):
            raise PlanError(f"{locate(loc)}: gate.floors.metric: expected a finite number")


def _policy(plan: Plan, locate: Locate, task: str) -> None:
    """With ``data.task`` declared, the metric policy can be built (and checked) at load."""
    from mlplan.core.metrics.policy_spec import policy_from_section

    try:
        policy_from_section(plan.metric, task)
    except MlplanError as exc:
        raise PlanError(f"{locate(('metric',))}: {exc}") from None


# -- rungs, rules, names, advice ---------------------------------------------------------


def _ladder_and_rules(plan: Plan, locate: Locate) -> None:
    from mlplan.core.baselines.budget import parse_budget
    from mlplan.core.baselines.rules import parse_rule

    baselines = plan.baselines
    for i, name in enumerate(baselines.ladder):
        if name not in RUNG_NAMES:
            raise PlanError(
                f"{locate(('baselines', 'ladder', i))}: baselines.ladder: unknown rung "
                f"{name!r}{closest(name, RUNG_NAMES)}; available: {', '.join(RUNG_NAMES)}"
            )
    for i, rule in enumerate(baselines.scripted):
        try:
            parse_rule(rule.rule, name=rule.name)
        except MlplanError as exc:
            raise PlanError(f"{locate(('baselines', 'scripted', i, 'rule'))}: {exc}") from None
    try:
        parse_budget(baselines.budget)
    except MlplanError as exc:
        raise PlanError(f"{locate(('baselines', 'budget'))}: {exc}") from None


def _rows(plan: Plan) -> Iterator[tuple[str, Loc, str]]:
    """Every row a run's table will hold: (name, where in the plan, what it is)."""
    baselines = plan.baselines
    for i, name in enumerate(baselines.ladder):
        yield name, ("baselines", "ladder", i), "a ladder rung"
    named: dict[str, Sequence[ScriptedRule | PublishedBaseline | HumanBaseline]] = {
        "scripted": baselines.scripted,
        "published": baselines.published,
        "human": baselines.human,
    }
    for kind, entries in named.items():
        for i, entry in enumerate(entries):
            yield entry.name, ("baselines", kind, i, "name"), f"a {kind} baseline"
    if baselines.requirement:
        yield _REQUIREMENT_ROW, ("baselines", "requirement"), "the requirement's row"
    for i, model in enumerate(plan.models):
        yield model.name, ("models", i, "name"), "a model"


def _row_names(plan: Plan, locate: Locate) -> None:

    seen: dict[str, tuple[Loc, str]] = {}
    for name, loc, what in _rows(plan):
        key = ".".join(map(str, loc))
        if not name.strip():
            raise PlanError(f"{locate(loc)}: {key}: a name must not be empty")
        if name in seen:
            first, first_what = seen[name]
            raise PlanError(
                f"{locate(loc)}: {key}: {name!r} is already the name of {first_what} "
                f"({locate(first)}); every row of the results needs its own name"
            )
        if name in RUNG_NAMES and what != "a ladder rung":
            raise PlanError(
                f"{locate(loc)}: {key}: {name!r} is the name of a ladder rung; "
                f"give {what} its own name (rungs: {', '.join(RUNG_NAMES)})"
            )
        seen[name] = (loc, what)


def _advice(plan: Plan, locate: Locate) -> None:
    for i, code in enumerate(plan.advice.mute):
        if code.upper() not in ADVICE_CODES:
            raise PlanError(
                f"{locate(('advice', 'mute', i))}: advice.mute: unknown rule code '{code}'"
                f"{closest(code.upper(), ADVICE_CODES)}; known: {', '.join(ADVICE_CODES)}"
            )


def _numbers(plan: Plan, locate: Locate) -> None:
    seeds: Mapping[Loc, int] = {
        ("data", "split", "seed"): plan.data.split.seed,
        ("gate", "seed"): plan.gate.seed,
    }
    for loc, seed in seeds.items():
        if not 0 <= seed <= MAX_SEED:
            raise PlanError(
                f"{locate(loc)}: {'.'.join(map(str, loc))}: a seed is between 0 and "
                f"{MAX_SEED}; got {seed}"
            )
    resamples: Mapping[Loc, int] = {
        ("metric", "resamples"): plan.metric.resamples,
        ("gate", "resamples"): plan.gate.resamples,
    }
    for loc, count in resamples.items():
        if count > MAX_RESAMPLES:
            raise PlanError(
                f"{locate(loc)}: {'.'.join(map(str, loc))}: at most {MAX_RESAMPLES:,} "
                f"resamples; got {count:,}"
            )


def _span(lo: float, hi: float) -> str:
    def show(x: float) -> str:
        return "∞" if x == math.inf else "-∞" if x == -math.inf else f"{x:g}"

    return f"[{show(lo)}, {show(hi)}]"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
