"""Scripted baselines: a safe rule language over columns ("do you even need ML?").

A rule is one Python-like expression over the columns of the table::

    tenure_months < 3 and support_calls > 2
    carrier in ["EV", "9E"] or dep_hour >= 20
    "refund" in review and not ("great" in review)
    contains(lower(review), "awful")
    "great" if stars >= 4 else "other"          # a class label (multi-class)
    0.8 * carat * 4000                          # a value (regression)

Allowed: comparisons (``< <= > >= == !=``, chained), ``and`` / ``or`` / ``not``,
``in`` / ``not in`` against a list of constants (membership) or with a string on
the left and a text column on the right (substring), arithmetic (``+ - * / // %
**``), ``x if cond else y``, the functions in :data:`FUNCTIONS`, and
``col("a column name with spaces")``.  The text is parsed with
``ast.parse(mode="eval")`` and every node is checked against a whitelist before
anything is computed; nothing is ever passed to ``eval``.  An error names the
character (1-based) where the offending part starts.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlplan.errors import PlanError, closest

__all__ = ["FUNCTIONS", "Rule", "parse_rule"]

#: Functions a rule may call, with their number of arguments.
FUNCTIONS: dict[str, int] = {
    "contains": 2,
    "startswith": 2,
    "endswith": 2,
    "lower": 1,
    "length": 1,
    "isnull": 1,
    "notnull": 1,
    "abs": 1,
    "col": 1,
}

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
    ast.Pow: lambda a, b: a**b,
}
_CONSTANT_TYPES = (bool, int, float, str)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A parsed, checked rule; :meth:`evaluate` computes it on a table.

    Attributes
    ----------
    name : str
        What the plan calls the rule.
    text : str
        The rule as written.
    columns : frozenset of str
        The columns it reads.
    """

    name: str
    text: str
    columns: frozenset[str]
    tree: ast.Expression

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """The rule's value on every row of ``frame`` (booleans, labels or numbers)."""
        missing = sorted(self.columns - set(map(str, frame.columns)))
        if missing:
            raise _error(self.name, self.text, 0, _missing_message(missing[0], frame.columns))
        with np.errstate(all="ignore"):
            value = _Evaluator(self, frame).visit(self.tree.body)
        array = np.asarray(value)
        if array.ndim == 0:
            array = np.full(len(frame), array.item())
        return array


def parse_rule(text: str, *, name: str = "rule", columns: Iterable[str] | None = None) -> Rule:
    """Parse and check a rule; ``columns`` (when given) are the names it may read.

    Raises
    ------
    PlanError
        A syntax error, a construct outside the whitelist, an unknown function or
        a column that is not in ``columns`` (with the closest names); the message
        gives the character where the problem starts.

    Examples
    --------
    >>> rule = parse_rule("a > 1 and b == 'x'", columns=["a", "b"])
    >>> sorted(rule.columns)
    ['a', 'b']
    """
    if not text.strip():
        raise _error(name, text, 0, "the rule is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        stripped = text.strip()
        offset = (exc.offset - 1) if exc.offset else len(stripped)
        offset = min(max(offset, 0), len(stripped)) + len(text) - len(text.lstrip())
        raise _error(name, text, offset, f"syntax error ({exc.msg})") from None
    stripped = text.strip()
    shift = len(text) - len(text.lstrip())
    used = _Checker(name, stripped, shift).check(tree)
    known = None if columns is None else [str(c) for c in columns]
    if known is not None:
        for column, offset in used:
            if column not in known:
                raise _error(name, text, offset + shift, _missing_message(column, known))
    return Rule(name=name, text=text, columns=frozenset(c for c, _ in used), tree=tree)


def _missing_message(column: str, known: Iterable[object]) -> str:
    names = [str(c) for c in known]
    hint = closest(column, names)
    return f"unknown column '{column}'{hint}"


def _error(name: str, text: str, offset: int, what: str) -> PlanError:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return PlanError(f"baselines.scripted '{name}': rule {shown!r}, character {offset + 1}: {what}")


class _Checker:
    """Walks the tree once: rejects every node type not on the whitelist."""

    def __init__(self, name: str, text: str, shift: int) -> None:
        self.name, self.text, self.shift = name, text, shift
        self.used: list[tuple[str, int]] = []

    def fail(self, node: ast.AST, what: str) -> PlanError:
        return _error(self.name, self.text, getattr(node, "col_offset", 0) + self.shift, what)

    def check(self, tree: ast.Expression) -> list[tuple[str, int]]:
        self.visit(tree.body)
        return self.used

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self.visit(value)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.Not | ast.USub | ast.UAdd):
                raise self.fail(node, f"operator {type(node.op).__name__} is not allowed")
            self.visit(node.operand)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _ARITHMETIC:
                raise self.fail(node, f"operator {type(node.op).__name__} is not allowed")
            self.visit(node.left)
            self.visit(node.right)
        elif isinstance(node, ast.Compare):
            self.visit(node.left)
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, ast.In | ast.NotIn):
                    if isinstance(right, ast.List | ast.Tuple | ast.Set):
                        for element in right.elts:
                            self.constant(element)
                        continue
                elif type(op) not in _COMPARE:
                    raise self.fail(node, f"comparison {type(op).__name__} is not allowed")
                self.visit(right)
        elif isinstance(node, ast.IfExp):
            for part in (node.test, node.body, node.orelse):
                self.visit(part)
        elif isinstance(node, ast.Call):
            self.call(node)
        elif isinstance(node, ast.Name):
            if node.id not in ("True", "False"):
                self.used.append((node.id, node.col_offset))
        elif isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Attribute):
            raise self.fail(node, "attribute access is not allowed; use contains(column, 'text')")
        else:
            raise self.fail(
                node,
                f"{type(node).__name__} is not allowed; use comparisons, and/or/not, in, "
                f"arithmetic, x if c else y and {', '.join(FUNCTIONS)}",
            )

    def constant(self, node: ast.AST) -> None:
        if not isinstance(node, ast.Constant) or not isinstance(node.value, _CONSTANT_TYPES):
            raise self.fail(node, "only numbers, strings, True and False may be constants here")

    def call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute):
            raise self.fail(
                node.func, "attribute access is not allowed; use contains(column, 'text')"
            )
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            shown = node.func.id if isinstance(node.func, ast.Name) else "this"
            hint = closest(shown, FUNCTIONS)
            raise self.fail(
                node,
                f"function '{shown}' is not allowed{hint}; allowed: {', '.join(FUNCTIONS)}",
            )
        if node.keywords or len(node.args) != FUNCTIONS[node.func.id]:
            raise self.fail(
                node, f"{node.func.id}() takes {FUNCTIONS[node.func.id]} positional argument(s)"
            )
        if node.func.id == "col":
            arg = node.args[0]
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise self.fail(node, "col() takes a column name as a string")
            self.used.append((arg.value, arg.col_offset + 1))
            return
        for arg in node.args:
            self.visit(arg)


class _Evaluator:
    """Computes a checked tree on a DataFrame, column-wise with numpy."""

    def __init__(self, rule: Rule, frame: pd.DataFrame) -> None:
        self.rule, self.frame = rule, frame

    def fail(self, node: ast.AST, what: str) -> PlanError:
        return _error(self.rule.name, self.rule.text, getattr(node, "col_offset", 0), what)

    def column(self, name: str) -> np.ndarray:
        values = self.frame[name]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            return values.to_numpy(dtype=float, na_value=np.nan)
        if pd.api.types.is_datetime64_any_dtype(values):
            return values.to_numpy()
        return values.astype(object).where(values.notna(), None).to_numpy(dtype=object)

    def visit(self, node: ast.AST) -> Any:
        if isinstance(node, ast.BoolOp):
            parts = [_truth(self.visit(v)) for v in node.values]
            combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            out = parts[0]
            for part in parts[1:]:
                out = combine(out, part)
            return out
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            if isinstance(node.op, ast.Not):
                return np.logical_not(_truth(operand))
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left, right = self.visit(node.left), self.visit(node.right)
            try:
                return _ARITHMETIC[type(node.op)](_numeric(left), _numeric(right))
            except TypeError:
                raise self.fail(node, "arithmetic needs numbers on both sides") from None
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            return np.where(
                _truth(self.visit(node.test)), self.visit(node.body), self.visit(node.orelse)
            )
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Name):
            if node.id in ("True", "False"):
                return node.id == "True"
            return self.column(node.id)
        assert isinstance(node, ast.Constant)
        return node.value

    def compare(self, node: ast.Compare) -> Any:
        out: Any = True
        left = self.visit(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                if isinstance(right_node, ast.List | ast.Tuple | ast.Set):
                    options = [e.value for e in right_node.elts]  # type: ignore[attr-defined]
                    result = pd.Series(np.atleast_1d(left)).isin(options).to_numpy()
                    if np.ndim(left) == 0:
                        result = result[0]
                    right: Any = None
                else:
                    right = self.visit(right_node)
                    if not isinstance(left, str):
                        raise self.fail(
                            node, "'in' takes a list of constants, or a string in a text column"
                        )
                    result = _strings(right, _substring(left))
                if isinstance(op, ast.NotIn):
                    result = np.logical_not(result)
            else:
                right = self.visit(right_node)
                try:
                    result = _COMPARE[type(op)](left, right)
                except TypeError:
                    raise self.fail(
                        node, "cannot compare text with numbers; quote numbers in text columns"
                    ) from None
            out = np.logical_and(out, result)
            left = right
        return out

    def call(self, node: ast.Call) -> Any:
        name = node.func.id  # type: ignore[attr-defined]
        if name == "col":
            return self.column(node.args[0].value)  # type: ignore[attr-defined]
        args = [self.visit(a) for a in node.args]
        if name == "isnull":
            return pd.isna(args[0])
        if name == "notnull":
            return pd.notna(args[0])
        if name == "abs":
            return np.abs(_numeric(args[0]))
        if name == "lower":
            return _strings(args[0], str.lower, missing=None)
        if name == "length":
            return _strings(args[0], len, missing=np.nan).astype(float)
        text, needle = args
        if not isinstance(needle, str):
            raise self.fail(node, f"{name}() takes a string constant as its second argument")
        method: Callable[[str], bool] = {
            "contains": lambda s: needle in s,
            "startswith": lambda s: s.startswith(needle),
            "endswith": lambda s: s.endswith(needle),
        }[name]
        return _strings(text, method)


def _strings(values: Any, fn: Callable[[str], Any], missing: Any = False) -> np.ndarray:
    array = np.atleast_1d(np.asarray(values, dtype=object))
    return np.array([missing if v is None or v != v else fn(str(v)) for v in array], dtype=object)


def _truth(value: Any) -> Any:
    array = np.asarray(value)
    if array.dtype == object:
        return np.array([bool(v) if v is not None else False for v in array.ravel()])
    return np.nan_to_num(array.astype(float), nan=0.0).astype(bool)


def _numeric(value: Any) -> Any:
    if isinstance(value, str):
        raise TypeError
    array = np.asarray(value)
    if array.dtype == object:
        try:
            return array.astype(float)
        except (TypeError, ValueError):
            raise TypeError from None
    return array.astype(float) if array.dtype == bool else value


def _substring(needle: str) -> Callable[[str], bool]:
    return lambda s: needle in s
