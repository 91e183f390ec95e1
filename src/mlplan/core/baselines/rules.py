"""Scripted baselines: a safe rule language over columns ("do you even need ML?").

A rule is one Python-like expression over the columns of the table::

    tenure_months < 3 and support_calls > 2
    carrier in ["EV", "9E"] or dep_hour >= 20
    "refund" in review and not ("great" in review)
    contains(lower(review), "awful")
    "great" if stars >= 4 else "other"          # a class label (multi-class)
    0.8 * carat * 4000                          # a value (regression)

It is mlplan's one expression language (:mod:`mlplan.core.expr`) under its
*rule* profile, which allows all of it: comparisons (``< <= > >= == !=``,
chained), ``and`` / ``or`` / ``not``, ``in`` / ``not in`` against a list of
constants (membership) or with a string on the left and a text column on the
right (substring), arithmetic (``+ - * / // % **``, the exponent a constant
between -64 and 64), ``x if cond else y``, the functions in :data:`FUNCTIONS`,
and ``col("a column name with spaces")``.  The text is tokenised and parsed by
hand into a tree of whitelisted nodes; nothing is ever passed to ``eval``.  An
error names the character (1-based) where the offending part starts.

Values are computed column-wise in numpy.  Rows where arithmetic is undefined
(a division by zero, the square root of a negative number) are NaN, never an
exception; a comparison with NaN or a missing value is false (``!=`` is true),
as in pandas, and a NaN condition is false.  Mixing kinds -- a text column in
arithmetic, ``'a' if x > 1 else 2``, comparing a text column with a number -- is
an error naming the character, found when the rule is parsed where the text
shows it, and otherwise when it meets the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mlplan.core.expr.errors import ExpressionError
from mlplan.core.expr.expression import Expression, parse
from mlplan.core.expr.profiles import FUNCTIONS as _ALL_FUNCTIONS
from mlplan.core.expr.profiles import RULE

if TYPE_CHECKING:  # pandas is imported when a rule meets a table, not to check one
    import pandas as pd
from mlplan.errors import PlanError

__all__ = ["FUNCTIONS", "Rule", "parse_rule"]

#: Functions a rule may call, with their number of arguments (``min`` and ``max``
#: take two or more).
FUNCTIONS: dict[str, int] = {name: _ALL_FUNCTIONS[name].min_args for name in sorted(RULE.functions)}


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
    expression : Expression
        The parsed expression.
    """

    name: str
    text: str
    columns: frozenset[str]
    expression: Expression = field(repr=False)

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        """The rule's value on every row of ``frame`` (booleans, labels or numbers).

        Raises
        ------
        PlanError
            A column the rule reads is not in ``frame``, or its values do not mix
            with the rest of the rule (text in arithmetic ...), naming the character.
        """
        try:
            from mlplan.core.expr.evaluator import evaluate

            return evaluate(self.expression, _Columns(frame), rows=len(frame))
        except ExpressionError as exc:
            raise _error(self.name, self.text, exc) from None


def parse_rule(text: str, *, name: str = "rule", columns: Iterable[str] | None = None) -> Rule:
    """Parse and check a rule; ``columns`` (when given) are the names it may read.

    Raises
    ------
    PlanError
        A syntax error, a construct outside the language, an unknown function, a
        column that is not in ``columns`` (with the closest names), a mix of
        kinds the text shows, or text beyond the limits of
        :mod:`mlplan.core.expr.limits`; the message gives the character where the
        problem starts.

    Examples
    --------
    >>> rule = parse_rule("a > 1 and b == 'x'", columns=["a", "b"])
    >>> sorted(rule.columns)
    ['a', 'b']
    """
    known = None if columns is None else [str(c) for c in columns]
    try:
        expression = parse(text, RULE.allowing(known))
    except ExpressionError as exc:
        raise _error(name, text, exc) from None
    return Rule(name=name, text=text, columns=expression.names, expression=expression)


class _Columns(Mapping[str, Any]):
    """The columns of a frame by their names as strings, each read only when asked for."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._index = {str(c): i for i, c in enumerate(frame.columns)}

    def __getitem__(self, name: str) -> pd.Series:
        return self._frame.iloc[:, self._index[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def _error(name: str, text: object, error: ExpressionError) -> PlanError:
    if isinstance(text, str):
        shown = repr(text if len(text) <= 80 else text[:77] + "...")
    else:
        shown = type(text).__name__
    return PlanError(f"baselines.scripted '{name}': rule {shown}, {error}")
