"""The static check: the kind of every part, and the value of every constant part.

Runs once after parsing, before any data is seen, so that what can be known from
the text alone is refused at once with its position: mixing kinds (``'a' + 1``,
``lower(3)``, ``'a' if x > 1 else 2``), a ``**`` whose exponent is not a small
constant, division by a constant zero, and a constant part that is not a finite
64-bit float (``1e300 * 1e300``, ``sqrt(-1)``).  Constants are folded in numpy
float64 (never Python ints), so folding cannot build a huge number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mlplan.core.expr import kinds
from mlplan.core.expr.errors import ExpressionError
from mlplan.core.expr.kinds import Kind
from mlplan.core.expr.limits import MAX_EXPONENT
from mlplan.core.expr.nodes import (
    Arithmetic,
    Boolean,
    Call,
    Choices,
    Compare,
    Conditional,
    Constant,
    Logic,
    Name,
    Node,
    Number,
    Power,
    String,
    Unary,
)
from mlplan.core.expr.operators import ARITHMETIC, NUMERIC_FUNCTIONS
from mlplan.core.expr.profiles import FUNCTIONS, Profile

__all__ = ["check", "constant_kind"]

_Folded = float | str | bool | None


@dataclass(frozen=True, slots=True)
class _Info:
    kind: Kind
    constant: _Folded = None


def check(root: Node, profile: Profile) -> Kind:
    """The kind of ``root``'s value (``any`` when it depends on a column's kind).

    Raises
    ------
    ExpressionError
        A mix of kinds, an unbounded exponent, a division by a constant zero or
        a constant part that is not a finite number.
    """
    with np.errstate(all="ignore"):
        return _Checker(profile).visit(root).kind


def constant_kind(node: Constant) -> Kind:
    """The kind of a literal."""
    if isinstance(node, Number):
        return "number"
    return "text" if isinstance(node, String) else "bool"


def _fold(value: float, position: int) -> float:
    if not math.isfinite(value):
        raise ExpressionError(
            position,
            "this constant part is not a finite number (it overflows a 64-bit float, or is "
            "undefined like sqrt(-1))",
        )
    return value


class _Checker:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def visit(self, node: Node) -> _Info:
        match node:
            case Number() | String() | Boolean():
                return _Info(constant_kind(node), node.value)
            case Name():
                return _Info(self.profile.name_kind)
            case Choices():
                raise ExpressionError(
                    node.position, "a list is only allowed after 'in' or 'not in'"
                )
            case Unary():
                return self.unary(node)
            case Arithmetic():
                return self.arithmetic(node)
            case Power():
                return self.power(node)
            case Compare():
                return self.compare(node)
            case Logic():
                for operand in node.operands:
                    kinds.truth(self.visit(operand).kind, node.position, f"'{node.op}'")
                return _Info("bool")
            case Conditional():
                test = self.visit(node.test)
                kinds.truth(test.kind, node.position, "the condition of 'x if c else y'")
                body, orelse = self.visit(node.body), self.visit(node.orelse)
                return _Info(kinds.branches(body.kind, orelse.kind, node.position))
            case Call():
                return self.call(node)
        raise AssertionError(f"unknown node {node!r}")  # the parser makes no other nodes

    def unary(self, node: Unary) -> _Info:
        operand = self.visit(node.operand)
        if node.op == "not":
            kinds.truth(operand.kind, node.position, "'not'")
            value = None if operand.constant is None else not _truthy(operand.constant)
            return _Info("bool", value)
        kind = kinds.sign(node.op, operand.kind, node.position)
        if operand.constant is None:
            return _Info(kind)
        number = float(operand.constant)
        return _Info(kind, -number if node.op == "-" else number)

    def arithmetic(self, node: Arithmetic) -> _Info:
        left = self.visit(node.first)
        for step in node.steps:
            right = self.visit(step.operand)
            kind = kinds.arithmetic(step.op, left.kind, right.kind, step.position)
            divisor = right.constant
            if step.op in ("/", "//", "%") and divisor is not None and float(divisor) == 0:
                raise ExpressionError(step.position, "division by zero")
            value = None
            if left.constant is not None and right.constant is not None:
                computed = ARITHMETIC[step.op](_array(left.constant), _array(right.constant))
                value = _fold(float(computed), step.position)
            left = _Info(kind, value)
        return left

    def power(self, node: Power) -> _Info:
        base, exponent = self.visit(node.base), self.visit(node.exponent)
        kind = kinds.arithmetic("**", base.kind, exponent.kind, node.position)
        bound = f"between -{MAX_EXPONENT} and {MAX_EXPONENT}"
        if exponent.constant is None:
            raise ExpressionError(
                _start(node.exponent),
                f"the exponent of ** must be a constant number {bound}; this one depends on "
                f"a {self.profile.name_noun}",
            )
        power = float(exponent.constant)
        if abs(power) > MAX_EXPONENT:
            raise ExpressionError(
                _start(node.exponent),
                f"the exponent of ** must be a constant number {bound}; found {power:g}",
            )
        if base.constant is None:
            return _Info(kind)
        if float(base.constant) == 0 and power < 0:
            raise ExpressionError(node.position, "division by zero (0 to a negative power)")
        computed = np.power(_array(base.constant), _array(power))
        return _Info(kind, _fold(float(computed), node.position))

    def compare(self, node: Compare) -> _Info:
        left = self.visit(node.first)
        for step in node.steps:
            if step.op in ("in", "not in") and isinstance(step.operand, Choices):
                options = [constant_kind(c) for c in step.operand.values]
                kinds.membership(left.kind, options, step.position)
                continue  # the parser lets nothing follow a list
            right = self.visit(step.operand)
            if step.op in ("in", "not in"):
                if not isinstance(left.constant, str):
                    raise ExpressionError(
                        step.position,
                        f"'{step.op}' takes a list of constants on the right (x in ['a', 'b']), "
                        "or a string in quotes on the left to look inside text ('a' in x)",
                    )
                kinds.substring(right.kind, step.position)
            else:
                kinds.compare(step.op, left.kind, right.kind, step.position)
            left = right
        return _Info("bool")

    def call(self, node: Call) -> _Info:
        function = FUNCTIONS[node.function]
        args = [self.visit(arg) for arg in node.args]
        params = function.params_for(len(args))
        kinds.call(node.function, params, [a.kind for a in args], node.position)
        implementation = NUMERIC_FUNCTIONS.get(node.function)
        if implementation is None or any(a.constant is None for a in args):
            return _Info(function.result)
        values = [_array(a.constant) for a in args]
        return _Info(function.result, _fold(float(implementation(values)), node.position))


def _array(value: _Folded) -> NDArray[np.float64]:
    """A folded number as the 0-d float64 array the operators take."""
    return np.asarray(value, dtype=np.float64)


def _truthy(value: float | str | bool) -> bool:
    """As evaluation decides: a number is true unless it is 0 (folded constants are finite)."""
    return bool(value)


def _start(node: Node) -> int:
    """The first character of ``node`` (operations report their operator otherwise)."""
    while True:
        match node:
            case Arithmetic() | Compare():
                node = node.first
            case Power():
                node = node.base
            case Conditional():
                node = node.body
            case Logic():
                node = node.operands[0]
            case _:
                return node.position
