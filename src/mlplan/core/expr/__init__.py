"""One bounded, safe expression language for formulas and scripted rules.

An expression is Python-like text::

    0.7*precision + 0.3*recall - 0.001*latency_ms      (a formula)
    tenure < 3 and contains(lower(review), "awful")     (a rule)
    "big" if col("body mass (g)") > 4500 else "small"

:func:`parse` reads it under a :class:`Profile` -- :data:`FORMULA` (arithmetic
over metric names) or :data:`RULE` (the whole language over table columns) --
into a checked :class:`Expression`; :func:`evaluate` computes it on arrays.
Nothing is ever passed to ``eval``, ``exec`` or ``compile``: the text is
tokenised and parsed by hand into a handful of node types, and only those are
ever computed.  Every error is an :class:`ExpressionError` whose message
contains ``character N:`` (1-based) and says what is allowed; the limits of
:mod:`~mlplan.core.expr.limits` keep parsing linear in the text and evaluation
linear in the data.

Modules: :mod:`~.tokens` and :mod:`~.syntax` (the grammar), :mod:`~.nodes` (the
tree), :mod:`~.profiles` (features and functions), :mod:`~.kinds` and
:mod:`~.check` (kinds and constants, before data), :mod:`~.values` and
:mod:`~.evaluate`,
:mod:`~.limits`.
"""

from __future__ import annotations

from mlplan.core.expr.errors import ExpressionError
from mlplan.core.expr.evaluate import evaluate
from mlplan.core.expr.expression import Expression, parse
from mlplan.core.expr.kinds import Kind
from mlplan.core.expr.limits import MAX_DEPTH, MAX_EXPONENT, MAX_INTEGER, MAX_LENGTH, MAX_NODES
from mlplan.core.expr.profiles import FEATURES, FORMULA, FUNCTIONS, RULE, Feature, Function, Profile
from mlplan.core.expr.values import Value, as_value, column_value

__all__ = [
    "FEATURES",
    "FORMULA",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_INTEGER",
    "MAX_LENGTH",
    "MAX_NODES",
    "RULE",
    "Expression",
    "ExpressionError",
    "Feature",
    "Function",
    "Kind",
    "Profile",
    "Value",
    "as_value",
    "column_value",
    "evaluate",
    "parse",
]
