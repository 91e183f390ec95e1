"""The one error of the expression language: what was wrong, pinned to a character."""

from __future__ import annotations

from collections.abc import Iterable

from mlplan.errors import MlplanError

__all__ = ["ExpressionError", "listing"]

_LISTED = 30


class ExpressionError(MlplanError, ValueError):
    """An expression that cannot be parsed, is outside its profile, or cannot be evaluated.

    The message is ``"character N: reason"`` (``"syntax error at character N: reason"``
    for malformed text); ``N`` is 1-based and the reason says what was wrong and what
    is allowed.  Callers that own the expression (a formula, a scripted rule) prefix
    it with their own context and re-raise it as their own error class.

    Attributes
    ----------
    position : int
        The 1-based character where the problem starts (one past the end for
        "found the end").
    reason : str
        What was wrong and what is allowed, without the position.
    syntax : bool
        Whether the text is malformed (as opposed to well formed but refused).
    """

    def __init__(self, position: int, reason: str, *, syntax: bool = False) -> None:
        self.position = position
        self.reason = reason
        self.syntax = syntax
        where = f"syntax error at character {position}" if syntax else f"character {position}"
        super().__init__(f"{where}: {reason}")

    # Exceptions are re-created from their args when unpickled (joblib workers); ours
    # has keyword arguments, so say how.
    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.position, self.reason, self.syntax))


def _rebuild(position: int, reason: str, syntax: bool) -> ExpressionError:
    return ExpressionError(position, reason, syntax=syntax)


def listing(names: Iterable[str]) -> str:
    """``names`` sorted and comma-separated for an "allowed: ..." list (the first 30)."""
    ordered = sorted(names)
    shown = ", ".join(ordered[:_LISTED]) or "none"
    return shown + (f" and {len(ordered) - _LISTED} more" if len(ordered) > _LISTED else "")
