"""The tree an expression parses into: a few frozen node types, and nothing else.

The parser can only build these; the checker and the evaluator handle exactly
these.  Every node has ``position``, the 1-based character that errors about it
point at: the operator of an operation, the name of a call, the first character
of anything else.  Chains of one precedence (``a + b - c``, ``a < b <= c``,
``a and b and c``) are one node with several steps, so a long sum is shallow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "Arithmetic",
    "Boolean",
    "Call",
    "Choices",
    "Compare",
    "Conditional",
    "Constant",
    "Logic",
    "Name",
    "Node",
    "Number",
    "Power",
    "Step",
    "String",
    "Unary",
]


@dataclass(frozen=True, slots=True)
class Number:
    """A numeric literal, always held as a float (integers are at most 10**18)."""

    position: int
    value: float


@dataclass(frozen=True, slots=True)
class String:
    """A quoted text literal, escapes already decoded."""

    position: int
    value: str


@dataclass(frozen=True, slots=True)
class Boolean:
    """``True`` or ``False``."""

    position: int
    value: bool


Constant: TypeAlias = Number | String | Boolean


@dataclass(frozen=True, slots=True)
class Name:
    """A name (a metric, a column) -- bare, or written ``col("with spaces")``."""

    position: int
    name: str


@dataclass(frozen=True, slots=True)
class Choices:
    """A list of literals; only the right side of ``in`` / ``not in`` may be one."""

    position: int
    values: tuple[Constant, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x``, ``+x`` or ``not x``."""

    position: int
    op: Literal["-", "+", "not"]
    operand: Node


@dataclass(frozen=True, slots=True)
class Step:
    """One operator and its right operand in a chain."""

    op: str
    position: int
    operand: Node


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """``first op operand op operand ...`` with ops of one precedence, left to right.

    ``+ -`` or ``* / // %``.
    """

    position: int
    first: Node
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Power:
    """``base ** exponent``; the checker requires a small constant exponent."""

    position: int
    base: Node
    exponent: Node


@dataclass(frozen=True, slots=True)
class Compare:
    """A comparison chain ``a < b <= c`` meaning ``a < b and b <= c``.

    Ops: ``< <= > >= == != in``, ``not in``.
    """

    position: int
    first: Node
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Logic:
    """``a and b and ...`` or ``a or b or ...``."""

    position: int
    op: Literal["and", "or"]
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Conditional:
    """``body if test else orelse``; ``position`` is the ``if``."""

    position: int
    test: Node
    body: Node
    orelse: Node


@dataclass(frozen=True, slots=True)
class Call:
    """A call of a whitelisted function; ``position`` is its name."""

    position: int
    function: str
    args: tuple[Node, ...]


Node: TypeAlias = (
    Number
    | String
    | Boolean
    | Name
    | Choices
    | Unary
    | Arithmetic
    | Power
    | Compare
    | Logic
    | Conditional
    | Call
)
