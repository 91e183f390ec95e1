"""Vectorised evaluation: a checked expression computed on arrays, one node at a time.

Each name is bound to a :class:`Value` -- an array and its kind (see
:mod:`~mlplan.core.expr.kinds`); every node is computed once with numpy over all
rows (or bootstrap resamples), so the work is the number of nodes times the size
of the data, with no loops and no recursion on the data.  The kind rules are
checked again with the real kinds, so a text column in arithmetic is an
:class:`~mlplan.core.expr.errors.ExpressionError` naming the character.

Numbers are 64-bit floats computed under ``np.errstate(all="ignore")``: a
division by zero gives ±inf (NaN for 0/0), an overflow ±inf, an undefined
operation NaN -- per row, never an exception.  Missing values follow pandas: a
comparison with NaN, NaT or a missing string is false (``!=`` is true), a NaN
condition is false, ``x in [...]`` is false for a missing ``x``, and text
functions give false (``contains``), ``None`` (``lower``) or NaN (``length``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from mlplan.core.expr import kinds
from mlplan.core.expr.check import constant_kind
from mlplan.core.expr.errors import ExpressionError, listing
from mlplan.core.expr.expression import Expression
from mlplan.core.expr.kinds import Kind
from mlplan.core.expr.nodes import (
    Arithmetic,
    Boolean,
    Call,
    Choices,
    Compare,
    Conditional,
    Logic,
    Name,
    Node,
    Number,
    Power,
    String,
    Unary,
)
from mlplan.core.expr.operators import ARITHMETIC, COMPARE, NUMERIC_FUNCTIONS
from mlplan.core.expr.profiles import FUNCTIONS
from mlplan.core.expr.values import Value, as_value
from mlplan.errors import closest

__all__ = ["evaluate"]

_PandasUnit = Literal["s", "ms", "us", "ns"]
_PANDAS_UNITS: dict[str, _PandasUnit] = {"s": "s", "ms": "ms", "us": "us", "ns": "ns"}
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}(?:-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def evaluate(
    expression: Expression, values: Mapping[str, object], *, rows: int | None = None
) -> np.ndarray:
    """Compute ``expression`` with each name it uses bound to a value in ``values``.

    Parameters
    ----------
    expression : Expression
        From :func:`~mlplan.core.expr.parse`.
    values : mapping of str to Series, array or scalar
        The value of each name (see :func:`as_value`); names not used are ignored.
    rows : int, optional
        Broadcast the result to this many rows (a constant rule gives one value per row).

    Returns
    -------
    numpy.ndarray
        float64 (numbers), bool, object (text: ``str`` or ``None``) or datetime64.

    Raises
    ------
    ExpressionError
        A name with no value, values of different lengths, or kinds that do not
        mix (a text column in arithmetic ...), naming the character.
    """
    bound: dict[str, Value] = {}
    for name, position in expression.uses:
        if name in bound:
            continue
        if name not in values:
            noun = expression.profile.name_noun
            raise ExpressionError(
                position,
                f"unknown {noun} {name!r}{closest(name, values)}; allowed: {listing(values)}",
            )
        bound[name] = as_value(values[name])
    shapes = [v.data.shape for v in bound.values()] + ([] if rows is None else [(rows,)])
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ExpressionError(
            expression.uses[0][1] if expression.uses else 1,
            f"the values of {', '.join(sorted(bound))} have different lengths "
            f"({', '.join(str(s) for s in shapes)})",
        ) from None
    with np.errstate(all="ignore"):
        data = _Evaluator(bound).visit(expression.root).data
    if rows is not None and data.shape != (rows,):
        data = np.broadcast_to(data, (rows,)).copy()
    return data


class _Evaluator:
    def __init__(self, values: Mapping[str, Value]) -> None:
        self.values = values

    def visit(self, node: Node) -> Value:
        match node:
            case Number():
                return Value("number", np.asarray(node.value, dtype=np.float64))
            case String():
                return Value("text", np.asarray(node.value, dtype=object))
            case Boolean():
                return Value("bool", np.asarray(node.value))
            case Name():
                return self.values[node.name]
            case Unary():
                operand = self.visit(node.operand)
                if node.op == "not":
                    return Value("bool", ~_truth(operand, node.position, "'not'"))
                kinds.sign(node.op, operand.kind, node.position)
                number = _floats(operand)
                return Value("number", -number if node.op == "-" else number)
            case Arithmetic():
                left = self.visit(node.first)
                for step in node.steps:
                    right = self.visit(step.operand)
                    left = _arithmetic(step.op, left, right, step.position)
                return left
            case Power():
                base, exponent = self.visit(node.base), self.visit(node.exponent)
                return _arithmetic("**", base, exponent, node.position)
            case Compare():
                return self.compare(node)
            case Logic():
                context = f"'{node.op}'"
                parts = [_truth(self.visit(o), node.position, context) for o in node.operands]
                combine = np.logical_and if node.op == "and" else np.logical_or
                return Value("bool", functools.reduce(combine, parts))
            case Conditional():
                test = _truth(self.visit(node.test), node.position, "the condition")
                body, orelse = self.visit(node.body), self.visit(node.orelse)
                kind = kinds.branches(body.kind, orelse.kind, node.position)
                return Value(kind, np.where(test, _as(body, kind), _as(orelse, kind)))
            case Call():
                return self.call(node)
        raise AssertionError(f"unexpected node {node!r}")  # the checker refuses stray lists

    def compare(self, node: Compare) -> Value:
        left = self.visit(node.first)
        result: np.ndarray | None = None
        for step in node.steps:
            if isinstance(step.operand, Choices):
                part = _member(left, step.operand, step.position)
            elif step.op in ("in", "not in"):
                right = self.visit(step.operand)
                kinds.substring(right.kind, step.position)
                part = _map_text(right.data, _contains(str(left.data.item())), False, bool)
            else:
                right = self.visit(step.operand)
                part = _compare(step.op, left, right, step.position)
            if step.op == "not in":
                part = ~part
            result = part if result is None else result & part
            if not isinstance(step.operand, Choices):
                left = right
        assert result is not None
        return Value("bool", result)

    def call(self, node: Call) -> Value:
        function = FUNCTIONS[node.function]
        args = [self.visit(arg) for arg in node.args]
        params = function.params_for(len(args))
        kinds.call(node.function, params, [a.kind for a in args], node.position)
        numeric = NUMERIC_FUNCTIONS.get(node.function)
        if numeric is not None:
            return Value("number", numeric([_floats(a) for a in args]))
        first = args[0]
        if node.function in ("isnull", "notnull"):
            missing = _missing(first)
            return Value("bool", missing if node.function == "isnull" else ~missing)
        if node.function == "lower":
            return Value("text", _map_text(first.data, str.lower, None, object))
        if node.function == "length":
            return Value("number", _map_text(first.data, len, np.nan, np.float64))
        needle = str(args[1].data.item())
        tests: dict[str, Callable[[str], bool]] = {
            "contains": _contains(needle),
            "startswith": lambda s: s.startswith(needle),
            "endswith": lambda s: s.endswith(needle),
        }
        return Value("bool", _map_text(first.data, tests[node.function], False, bool))


def _floats(value: Value) -> np.ndarray:
    return value.data.astype(np.float64) if value.kind == "bool" else value.data


def _as(value: Value, kind: Kind) -> np.ndarray:
    return _floats(value) if kind == "number" else value.data


def _arithmetic(op: str, left: Value, right: Value, position: int) -> Value:
    kinds.arithmetic(op, left.kind, right.kind, position)
    return Value("number", ARITHMETIC[op](_floats(left), _floats(right)))


def _truth(value: Value, position: int, context: str) -> np.ndarray:
    kinds.truth(value.kind, position, context)
    if value.kind == "bool":
        return value.data.astype(bool)
    number = value.data
    return (number != 0) & ~np.isnan(number)


def _missing(value: Value) -> np.ndarray:
    if value.kind == "number":
        return np.isnan(value.data)
    if value.kind == "time":
        return np.isnat(value.data)
    if value.kind == "text":
        return _map_text(value.data, lambda _: False, True, bool)
    return np.zeros(value.data.shape, dtype=bool)


def _map_text(data: np.ndarray, fn: Callable[[str], Any], missing: Any, dtype: Any) -> np.ndarray:
    """``fn`` of every string in ``data`` (``missing`` where there is none)."""
    out = np.array([missing if v is None else fn(v) for v in data.ravel()], dtype=dtype)
    return out.reshape(data.shape)


def _contains(needle: str) -> Callable[[str], bool]:
    return lambda text: needle in text


def _compare(op: str, left: Value, right: Value, position: int) -> np.ndarray:
    kinds.compare(op, left.kind, right.kind, position)
    families = {kinds.family(left.kind), kinds.family(right.kind)}
    if families == {"numeric"}:
        return COMPARE[op](_floats(left), _floats(right))
    if "time" in families:
        return COMPARE[op](_times(left, right, position), _times(right, left, position))
    a, b = np.broadcast_arrays(left.data, right.data)
    shape = a.shape
    a, b = a.ravel(), b.ravel()
    present = ~(_missing(Value("text", a)) | _missing(Value("text", b)))
    out = np.full(a.shape, op == "!=", dtype=bool)
    out[present] = COMPARE[op](a[present], b[present]).astype(bool)
    return out.reshape(shape)


def _member(left: Value, choices: Choices, position: int) -> np.ndarray:
    kinds.membership(left.kind, [constant_kind(c) for c in choices.values], position)
    options = [c.value for c in choices.values]
    if not options:
        return np.zeros(left.data.shape, dtype=bool)
    family = kinds.family(left.kind)
    if family == "numeric":
        return np.isin(_floats(left), np.array([float(v) for v in options]))
    if family == "time":
        unit = _unit(left.data)
        stamps = np.array([_time(str(v), unit, position) for v in options])
        return np.isin(left.data, stamps)
    wanted = frozenset(str(v) for v in options)
    return _map_text(left.data, wanted.__contains__, False, bool)


def _unit(data: np.ndarray) -> str:
    unit, _ = np.datetime_data(data.dtype)
    return str(unit)


def _times(value: Value, other: Value, position: int) -> np.ndarray:
    """``value`` as datetime64 to compare with ``other``: a date in quotes takes its unit."""
    if value.kind == "time":
        return value.data
    if value.data.ndim == 0 and other.kind == "time":
        return np.asarray(_time(str(value.data.item()), _unit(other.data), position))
    raise ExpressionError(
        position,
        "a date/time compares with another date/time or with a date in quotes, e.g. "
        "'2013-06-01'; found a text column",
    )


def _time(text: str, unit: str, position: int) -> np.datetime64:
    """A date in quotes (ISO 8601) in the ``unit`` of the column it is compared with.

    Only ISO 8601 is read, so a rule means the same on every machine and every day
    (no '01/02/2013' ambiguity, no 'now').  Converting to the column's unit
    explicitly, rather than letting numpy promote units, refuses dates the unit
    cannot hold (beyond 2262 in nanoseconds) instead of wrapping around.
    """
    stamp: pd.Timestamp | None = None
    if _ISO_DATE.fullmatch(text):
        try:
            parsed = pd.Timestamp(text)
            stamp = None if pd.isna(parsed) else parsed
        except (ValueError, TypeError, OverflowError):
            stamp = None
    if stamp is None:
        raise ExpressionError(
            position,
            f"cannot read {text[:40]!r} as a date/time; write it as ISO 8601, like "
            "'2013-06-01' or '2013-06-01 17:30'",
        )
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None)
    if unit not in _PANDAS_UNITS:  # a coarser numpy unit (days ...) holds any pandas date
        return stamp.to_datetime64().astype(f"datetime64[{unit}]")
    try:
        return stamp.as_unit(_PANDAS_UNITS[unit]).to_datetime64()
    except (ValueError, OverflowError):
        raise ExpressionError(
            position,
            f"the date {text[:40]!r} is outside the dates the column can hold (datetime64[{unit}])",
        ) from None
