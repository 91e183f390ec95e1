"""The numpy implementations of operators and numeric functions, in 64-bit floats.

Shared by constant folding (at parse time) and evaluation, so a constant part
and the same part computed on data give the same number.  Callers hold
``np.errstate(all="ignore")``: division by zero gives ±inf (NaN for 0/0),
overflow gives ±inf, and undefined operations (``sqrt(-1)``) give NaN.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["ARITHMETIC", "COMPARE", "NUMERIC_FUNCTIONS"]

F64 = NDArray[np.float64]

ARITHMETIC: dict[str, Callable[[F64, F64], F64]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "//": np.floor_divide,
    "%": np.remainder,
    "**": np.power,
}

COMPARE: dict[str, Callable[[np.ndarray, np.ndarray], NDArray[np.bool_]]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def _least(args: Sequence[F64]) -> F64:
    return functools.reduce(np.minimum, args)


def _most(args: Sequence[F64]) -> F64:
    return functools.reduce(np.maximum, args)


NUMERIC_FUNCTIONS: dict[str, Callable[[Sequence[F64]], F64]] = {
    "abs": lambda args: np.abs(args[0]),
    "sqrt": lambda args: np.sqrt(args[0]),
    "min": _least,
    "max": _most,
}
