"""A parsed expression, and :func:`parse`: length check, tokens, tree, static check."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlplan.core.expr.check import check
from mlplan.core.expr.kinds import Kind
from mlplan.core.expr.limits import check_text
from mlplan.core.expr.nodes import Node
from mlplan.core.expr.profiles import RULE, Profile
from mlplan.core.expr.syntax import parse_tokens
from mlplan.core.expr.tokens import tokenize

__all__ = ["Expression", "parse"]


@dataclass(frozen=True)
class Expression:
    """A parsed and checked expression, ready for :func:`~mlplan.core.expr.evaluator`.

    Attributes
    ----------
    text : str
        The expression as written.
    profile : Profile
        The profile it was parsed with.
    kind : Kind
        The kind of its value as far as the text tells (``any`` when it depends on
        the kind of a column).
    uses : tuple of (str, int)
        Every name it reads with the 1-based character of that use, in order.
    root : Node
        The tree.
    """

    text: str
    profile: Profile = field(repr=False)
    kind: Kind
    uses: tuple[tuple[str, int], ...]
    root: Node = field(repr=False)

    @property
    def names(self) -> frozenset[str]:
        """The names it reads."""
        return frozenset(name for name, _ in self.uses)


def parse(text: str, profile: Profile = RULE) -> Expression:
    """Parse and check ``text`` under ``profile``.

    The length is checked before the text is read; tokenising and parsing are
    linear in it; the nesting, the number of parts and the exponent of ``**``
    are bounded (:mod:`~mlplan.core.expr.limits`); mixing kinds is refused where
    the text alone shows it.

    Parameters
    ----------
    text : str
        The expression.
    profile : Profile
        What may be written, and the names that may appear (see
        :meth:`Profile.allowing`).

    Returns
    -------
    Expression

    Raises
    ------
    ExpressionError
        Anything wrong with the text; the message starts ``character N:`` (or
        ``syntax error at character N:``) and says what is allowed.

    Examples
    --------
    >>> from mlplan.core.expr import FORMULA
    >>> e = parse("0.7*precision + 0.3*recall", FORMULA.allowing(["precision", "recall"]))
    >>> sorted(e.names)
    ['precision', 'recall']
    >>> parse("10**10**10", FORMULA)
    Traceback (most recent call last):
    ...
    mlplan.core.expr.errors.ExpressionError: character 5: the exponent of ** must be a constant number between -64 and 64; found 1e+10
    """
    text = check_text(text, profile.noun)
    root, uses = parse_tokens(tokenize(text, profile), profile)
    return Expression(text=text, profile=profile, kind=check(root, profile), uses=uses, root=root)
