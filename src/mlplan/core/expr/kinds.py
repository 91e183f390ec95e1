"""The kinds of values and the rules for mixing them, shared by the checker and the evaluator.

Every value is one of four kinds: ``number`` (64-bit floats, NaN for missing),
``bool`` (true/false), ``text`` (strings, ``None`` for missing) and ``time``
(datetime64, NaT for missing).  ``any`` stands for a name whose kind is only known
once data is bound (a column).  The same functions decide what is allowed at
parse time -- with ``any`` where the kind is not known yet -- and again at
evaluation time with the real kinds, so ``'a' + 1`` is refused while parsing and
``island + 1`` when the rule meets a table whose ``island`` holds text; either
way the error names the character, never a numpy ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from mlplan.core.expr.errors import ExpressionError

__all__ = [
    "Kind",
    "arithmetic",
    "branches",
    "call",
    "compare",
    "describe",
    "family",
    "membership",
    "sign",
    "substring",
    "truth",
]

Kind = Literal["number", "bool", "text", "time", "any"]

#: Kinds that arithmetic accepts (true/false counts as 1/0).
_NUMERIC: frozenset[str] = frozenset({"number", "bool", "any"})

_DESCRIPTIONS: dict[str, str] = {
    "number": "a number",
    "bool": "true/false",
    "text": "text",
    "time": "a date/time",
    "any": "a value",
}


def describe(kind: Kind) -> str:
    """A kind as messages say it: ``"a number"``, ``"text"`` ..."""
    return _DESCRIPTIONS[kind]


def family(kind: Kind) -> str:
    """Kinds that compare with each other share a family (numbers and true/false do)."""
    return "numeric" if kind in ("number", "bool") else kind


def arithmetic(op: str, left: Kind, right: Kind, position: int) -> Kind:
    """``left op right`` for ``+ - * / // % **``: numbers (or true/false) on both sides."""
    for side in (left, right):
        if side not in _NUMERIC:
            raise ExpressionError(
                position, f"arithmetic ({op}) needs numbers on both sides; found {describe(side)}"
            )
    return "number"


def sign(op: str, kind: Kind, position: int) -> Kind:
    """Unary ``-x`` / ``+x``: a number."""
    if kind not in _NUMERIC:
        raise ExpressionError(position, f"unary {op} needs a number; found {describe(kind)}")
    return "number"


def truth(kind: Kind, position: int, context: str) -> None:
    """``and``/``or``/``not`` and conditions take true/false (a number is true unless 0 or NaN)."""
    if kind not in _NUMERIC:
        raise ExpressionError(
            position,
            f"{context} needs true/false values; found {describe(kind)} "
            "(compare it first, e.g. x == 'a')",
        )


def compare(op: str, left: Kind, right: Kind, position: int) -> Kind:
    """``< <= > >= == !=``: both sides of one family; a date/time also with a date in quotes."""
    if "any" in (left, right):
        return "bool"
    pair = {family(left), family(right)}
    if len(pair) == 1 or pair == {"time", "text"}:
        return "bool"
    hint = (
        "; quote numbers when comparing with a text column, e.g. code == '42'"
        if pair == {"numeric", "text"}
        else ""
    )
    raise ExpressionError(
        position, f"cannot compare {describe(left)} with {describe(right)} ({op}){hint}"
    )


def membership(left: Kind, options: Iterable[Kind], position: int) -> None:
    """``x in [...]``: a list of one family, the family of ``x``."""
    families = {family(k) for k in options}
    if len(families) > 1:
        raise ExpressionError(
            position,
            "a list after 'in' must hold only numbers (and True/False) or only strings; "
            "this one mixes them",
        )
    if left == "any" or not families:
        return
    wanted = family(left)
    (given,) = families
    if given != wanted and not (wanted == "time" and given == "text"):
        listed = "strings" if given == "text" else "numbers"
        raise ExpressionError(
            position,
            f"cannot look for {describe(left)} in a list of {listed}; list values of the same kind",
        )


def substring(right: Kind, position: int) -> Kind:
    """``'text' in x``: ``x`` must hold text."""
    if right not in ("text", "any"):
        raise ExpressionError(
            position,
            f"'in' with a string on the left looks inside text; found {describe(right)} "
            "on the right (use a list for membership: x in [1, 2])",
        )
    return "bool"


def branches(body: Kind, orelse: Kind, position: int) -> Kind:
    """``x if c else y``: both branches of one kind (numbers and true/false mix as numbers)."""
    if body == orelse:
        return body
    if "any" in (body, orelse):
        return "any"
    if family(body) == family(orelse) == "numeric":
        return "number"
    raise ExpressionError(
        position,
        f"both branches of 'x if c else y' must be of one kind; found {describe(body)} "
        f"and {describe(orelse)}",
    )


def call(name: str, params: Sequence[Kind], args: Sequence[Kind], position: int) -> None:
    """A function's arguments against the kinds of its parameters (``any`` takes anything)."""
    for wanted, given in zip(params, args, strict=True):
        if wanted == "any" or given == "any" or given == wanted:
            continue
        if wanted == "number" and given in _NUMERIC:
            continue
        raise ExpressionError(
            position, f"{name}() needs {describe(wanted)}; found {describe(given)}"
        )
