"""The safe formula language for domain-specific objectives.

A formula is an arithmetic expression over metric names and confusion counts::

    0.7*precision + 0.3*recall
    -(50*fn + 5*fp)/n
    min(precision, recall) - 0.001*latency_ms
    sqrt(precision*recall) ** 2

It is mlplan's one expression language (:mod:`mlplan.core.expr`) under its
*formula* profile: numbers, metric names, ``+ - * / // % **`` with the usual
precedence (the exponent of ``**`` a constant between -64 and 64), unary ``-``
and ``+``, parentheses, and the functions min, max (two or more arguments),
sqrt and abs.  Nothing is ever passed to Python's ``eval``; text, comparisons
and lists are not part of a formula, and every error names the character
(1-based) where it was found.

Evaluation is vectorised: names may be bound to numpy arrays (one value per
bootstrap resample), computed in 64-bit floats.  Where the data make an
operation undefined the resample's value is not an error: a division by zero
gives ±inf (NaN for 0/0) and the square root of a negative number NaN, and the
caller gets that value.  A division by a *constant* zero (``recall/0``) is
refused when the formula is parsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mlplan.core.expr.errors import ExpressionError
from mlplan.core.expr.expression import Expression, parse
from mlplan.core.expr.profiles import FORMULA
from mlplan.errors import MetricError

__all__ = ["Formula", "parse_formula"]


def _shown(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _error(text: str, error: ExpressionError) -> MetricError:
    return MetricError(f"formula {_shown(text)}, {error}")


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, the names it uses, and a vectorised evaluator."""

    text: str
    names: frozenset[str]
    _expression: Expression = field(repr=False)

    def evaluate(self, env: Mapping[str, float | NDArray[np.float64]]) -> NDArray[np.float64]:
        """Evaluate with every name in :attr:`names` bound to a float or an array.

        Division by zero gives ±inf (NaN for 0/0) and the square root of a
        negative number NaN, per resample.

        Raises
        ------
        MetricError
            A name in :attr:`names` has no value in ``env``.
        """
        missing = sorted(self.names - set(env))
        if missing:
            first = next(p for n, p in self._expression.uses if n in missing)
            raise MetricError(
                f"formula {_shown(self.text)}, character {first}: no value for {', '.join(missing)}; "
                "cost metrics must be passed as costs={...}"
            )
        try:
            from mlplan.core.expr.evaluator import evaluate  # numpy/pandas: on use

            out = evaluate(self._expression, {n: env[n] for n in self.names})
        except ExpressionError as exc:
            raise _error(self.text, exc) from None
        return np.asarray(out, dtype=np.float64)


def parse_formula(text: str, allowed: Iterable[str] | None = None) -> Formula:
    """Parse ``text`` into a :class:`Formula`, checking names against ``allowed``.

    Parameters
    ----------
    text : str
        The formula.
    allowed : iterable of str, optional
        Names that may appear; anything else is an error naming the position.

    Raises
    ------
    MetricError
        On any syntax error, unknown name or function, ``**`` with an exponent
        that is not a constant between -64 and 64, division by a constant zero,
        or text beyond the limits of :mod:`mlplan.core.expr.limits`, with the
        1-based character position.

    Examples
    --------
    >>> f = parse_formula("0.7*precision + 0.3*recall", ["precision", "recall"])
    >>> float(f.evaluate({"precision": 0.9, "recall": 0.5}))
    0.78
    """
    if not isinstance(text, str):
        raise MetricError(f"formula: expected a string, got {type(text).__name__}")
    try:
        expression = parse(text, FORMULA.allowing(allowed))
    except ExpressionError as exc:
        raise _error(text, exc) from None
    return Formula(text=text, names=expression.names, _expression=expression)
