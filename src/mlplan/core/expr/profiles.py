"""Profiles: which parts of the one language a kind of user may write, and the functions.

The grammar, the limits and the error format are the same for everyone; a
:class:`Profile` only switches features off.  :data:`FORMULA` (domain-specific
objectives) is arithmetic over metric names with the numeric functions;
:data:`RULE` (scripted baselines) is the whole language over the columns of a
table.  A feature that is off is refused where it is first written -- a quote
or a ``[`` in a formula is an unexpected character -- with the list of what the
profile allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

from mlplan.core.expr.kinds import Kind

__all__ = ["FEATURES", "FORMULA", "FUNCTIONS", "RULE", "Feature", "Function", "Profile"]

Feature = Literal["strings", "comparisons", "logic", "membership", "conditionals"]

#: Every feature: quoted strings; ``< <= > >= == !=``; ``and or not True False``;
#: ``in`` / ``not in`` and lists; ``x if c else y``.
FEATURES: frozenset[Feature] = frozenset(
    ("strings", "comparisons", "logic", "membership", "conditionals")
)


@dataclass(frozen=True)
class Function:
    """A function expressions may call.

    Attributes
    ----------
    name : str
        What it is called.
    params : tuple of Kind
        The kinds of its parameters; a variadic function repeats the last one.
    result : Kind
        The kind of what it returns.
    variadic : bool
        Whether it takes ``len(params)`` *or more* arguments.
    constant_text : bool
        Whether its last argument must be a string in quotes (``contains(x, 'a')``).
    """

    name: str
    params: tuple[Kind, ...]
    result: Kind
    variadic: bool = False
    constant_text: bool = False

    @property
    def min_args(self) -> int:
        """The fewest arguments it takes."""
        return len(self.params)

    def params_for(self, count: int) -> tuple[Kind, ...]:
        """The parameter kinds for a call with ``count`` arguments."""
        return self.params + (self.params[-1],) * (count - len(self.params))

    def arity(self) -> str:
        """``"exactly 1"`` or ``"at least 2"``, for messages."""
        return f"{'at least' if self.variadic else 'exactly'} {self.min_args}"


#: Every function of the language, by name.  ``col("name")`` reads a column whose
#: name is not a plain identifier; the parser turns it into a name.
FUNCTIONS: Mapping[str, Function] = MappingProxyType(
    {
        f.name: f
        for f in (
            Function("abs", ("number",), "number"),
            Function("col", ("text",), "any", constant_text=True),
            Function("contains", ("text", "text"), "bool", constant_text=True),
            Function("endswith", ("text", "text"), "bool", constant_text=True),
            Function("isnull", ("any",), "bool"),
            Function("length", ("text",), "number"),
            Function("lower", ("text",), "text"),
            Function("max", ("number", "number"), "number", variadic=True),
            Function("min", ("number", "number"), "number", variadic=True),
            Function("notnull", ("any",), "bool"),
            Function("sqrt", ("number",), "number"),
            Function("startswith", ("text", "text"), "bool", constant_text=True),
        )
    }
)


@dataclass(frozen=True)
class Profile:
    """What one kind of user may write.

    Attributes
    ----------
    noun : str
        What messages call the expression (``"formula"``, ``"rule"``).
    name_noun : str
        What messages call a name (``"name"``, ``"column"``).
    name_kind : Kind
        The kind every name is known to have at parse time (``any``: known at evaluation).
    features : frozenset of Feature
        The features switched on.
    functions : frozenset of str
        The functions that may be called (names in :data:`FUNCTIONS`).
    names : frozenset of str or None
        The names that may appear; ``None`` accepts any name (checked when evaluated).
    """

    noun: str
    name_noun: str
    name_kind: Kind
    features: frozenset[Feature]
    functions: frozenset[str]
    names: frozenset[str] | None = None

    def allowing(self, names: Iterable[str] | None) -> Profile:
        """This profile with ``names`` as the names that may appear (``None``: any)."""
        return replace(self, names=None if names is None else frozenset(names))

    def operands(self) -> str:
        """What may start an operand, for "expected ..., found ..." messages."""
        if "strings" in self.features:
            return "a number, a string, a name or '('"
        return "a number, a name or '('"

    def summary(self) -> str:
        """Everything the profile allows, in one line."""
        parts = ["numbers"]
        if "strings" in self.features:
            parts.append("strings in quotes")
        parts.append(f"{self.name_noun}s")
        if "comparisons" in self.features:
            parts.append("comparisons")
        if "logic" in self.features:
            parts.append("and/or/not, True, False")
        if "membership" in self.features:
            parts.append("in / not in")
        parts.append("+ - * / // % ** (with a constant exponent)")
        if "conditionals" in self.features:
            parts.append("x if c else y")
        parts.append("parentheses")
        return f"{', '.join(parts)} and the functions {', '.join(sorted(self.functions))}"


#: Domain-specific objectives: arithmetic over metric names (all numbers).
FORMULA = Profile(
    noun="formula",
    name_noun="name",
    name_kind="number",
    features=frozenset(),
    functions=frozenset({"abs", "max", "min", "sqrt"}),
)

#: Scripted baselines: the whole language over the columns of a table.
RULE = Profile(
    noun="rule",
    name_noun="column",
    name_kind="any",
    features=FEATURES,
    functions=frozenset(FUNCTIONS),
)
