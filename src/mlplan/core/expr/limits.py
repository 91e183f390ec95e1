"""The bounds every expression is held to, so that parsing and evaluation stay cheap.

An expression comes from a plan file or a Python caller, so it is untrusted text.
Each limit below is checked while parsing, before anything is evaluated, and
exceeding one is an :class:`~mlplan.core.expr.errors.ExpressionError` naming the
character -- never a ``RecursionError``, ``MemoryError`` or ``OverflowError``.
Together they bound the work: parsing is linear in :data:`MAX_LENGTH`, the tree
has at most :data:`MAX_NODES` parts and :data:`MAX_DEPTH` levels (so the
recursive parser, checker and evaluator use a bounded stack), and evaluation
touches every part once per row (no loops, no recursion on the data).
"""

from __future__ import annotations

from mlplan.core.expr.errors import ExpressionError

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_INTEGER",
    "MAX_LENGTH",
    "MAX_NODES",
    "check_text",
    "too_deep",
    "too_many_parts",
]

#: Longest text accepted, in characters; checked first, before the text is read.
MAX_LENGTH = 10_000

#: Deepest nesting: parentheses, operators and calls inside one another, and the
#: height of the parsed tree.  A long sum ``a + b + ... + z`` is one level.
MAX_DEPTH = 64

#: Most parts in one expression: every number, string, name, operator, call and
#: list element counts one.
MAX_NODES = 2_000

#: Largest magnitude of the exponent of ``**``, which must be a constant; so
#: ``10**10**10`` is refused at once instead of computing a ten-billion-digit number.
MAX_EXPONENT = 64

#: Largest magnitude of an integer literal; numbers are computed as 64-bit floats,
#: and a longer run of digits is almost certainly a mistake (write ``1e19`` instead).
MAX_INTEGER = 10**18


def check_text(text: object, noun: str) -> str:
    """Return ``text`` if it is a string of at most :data:`MAX_LENGTH` characters.

    Raises
    ------
    ExpressionError
        Not a string, or too long (pointing at the first character past the limit).
    """
    if not isinstance(text, str):
        raise ExpressionError(1, f"expected the {noun} as text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            MAX_LENGTH + 1,
            f"the {noun} is {len(text):,} characters long; at most {MAX_LENGTH:,} are allowed",
        )
    return text


def too_deep(position: int) -> ExpressionError:
    """The error for nesting past :data:`MAX_DEPTH`."""
    return ExpressionError(
        position,
        f"the expression nests more than {MAX_DEPTH} levels deep (parentheses, operators and "
        "calls inside one another); simplify it",
    )


def too_many_parts(position: int) -> ExpressionError:
    """The error for more than :data:`MAX_NODES` parts."""
    return ExpressionError(
        position,
        f"the expression has more than {MAX_NODES:,} parts (numbers, names, operators and "
        "calls); simplify it",
    )
