"""Constraints of a "threshold n-1, optimise the n-th" policy: ``precision: ">= 0.90"``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mlplan.errors import MetricError

__all__ = ["Constraint", "parse_constraint"]

Op = Literal[">=", "<=", ">", "<"]
_RE = re.compile(r"^\s*(>=|<=|>|<|≥|≤)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(%?)\s*$")


@dataclass(frozen=True)
class Constraint:
    """``name op bound``, compared in float64.

    Attributes
    ----------
    name : str
    op : {">=", "<=", ">", "<"}
    bound : float
    """

    name: str
    op: Op
    bound: float

    def holds(self, value: NDArray[np.float64] | float) -> NDArray[np.bool_]:
        """Vectorised check of ``value op bound`` (NaN never holds)."""
        v = np.asarray(value, dtype=np.float64)
        if self.op == ">=":
            return v >= self.bound
        if self.op == "<=":
            return v <= self.bound
        if self.op == ">":
            return v > self.bound
        return v < self.bound

    @property
    def wants_high(self) -> bool:
        """True for lower bounds (``>=``, ``>``)."""
        return self.op in (">=", ">")

    def __str__(self) -> str:
        return f"{self.name} {self.op} {self.bound:g}"


def parse_constraint(name: str, text: str | float) -> Constraint:
    """Parse ``">= 0.9"`` (also ``"<= 50"``, ``"> 0.5"``, ``"≥ 90%"``) for metric ``name``.

    Raises
    ------
    MetricError
        If the text is not an operator followed by a number.
    """
    if isinstance(text, bool) or not isinstance(text, str):
        raise MetricError(
            f"subject_to.{name}: expected a string like '>= 0.9' or '<= 50'; got {text!r}"
        )
    m = _RE.match(text)
    if m is None:
        raise MetricError(
            f"subject_to.{name}: cannot read {text!r}; write an operator (>=, <=, >, <) "
            "and a number, e.g. '>= 0.90'"
        )
    op = {"≥": ">=", "≤": "<="}.get(m.group(1), m.group(1))
    bound = float(m.group(2)) / (100.0 if m.group(3) else 1.0)
    return Constraint(name=name, op=op, bound=bound)  # type: ignore[arg-type]
