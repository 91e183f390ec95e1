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

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it (imported on first use, so that
#: importing one light module of the package does not load its heavy ones).
_EXPORTS = {
    "FEATURES": "mlplan.core.expr.profiles",
    "FORMULA": "mlplan.core.expr.profiles",
    "FUNCTIONS": "mlplan.core.expr.profiles",
    "MAX_DEPTH": "mlplan.core.expr.limits",
    "MAX_EXPONENT": "mlplan.core.expr.limits",
    "MAX_INTEGER": "mlplan.core.expr.limits",
    "MAX_LENGTH": "mlplan.core.expr.limits",
    "MAX_NODES": "mlplan.core.expr.limits",
    "RULE": "mlplan.core.expr.profiles",
    "Expression": "mlplan.core.expr.expression",
    "ExpressionError": "mlplan.core.expr.errors",
    "Feature": "mlplan.core.expr.profiles",
    "Function": "mlplan.core.expr.profiles",
    "Kind": "mlplan.core.expr.kinds",
    "Profile": "mlplan.core.expr.profiles",
    "Value": "mlplan.core.expr.values",
    "as_value": "mlplan.core.expr.values",
    "column_value": "mlplan.core.expr.values",
    "evaluate": "mlplan.core.expr.evaluator",
    "parse": "mlplan.core.expr.expression",
}

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

if TYPE_CHECKING:
    from mlplan.core.expr.errors import ExpressionError
    from mlplan.core.expr.evaluator import evaluate
    from mlplan.core.expr.expression import Expression, parse
    from mlplan.core.expr.kinds import Kind
    from mlplan.core.expr.limits import MAX_DEPTH, MAX_EXPONENT, MAX_INTEGER, MAX_LENGTH, MAX_NODES
    from mlplan.core.expr.profiles import (
        FEATURES,
        FORMULA,
        FUNCTIONS,
        RULE,
        Feature,
        Function,
        Profile,
    )
    from mlplan.core.expr.values import Value, as_value, column_value


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
