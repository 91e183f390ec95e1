"""The tokeniser: text to tokens with 1-based positions, in one linear pass.

Lexical rules refuse early what can never be right, naming the character:
characters outside the language (``.`` is attribute access, ``=`` is not
``==``), features the profile has switched off (a quote in a formula), Python
keywords that are not part of the language (``lambda``, ``for`` ...), integers
beyond :data:`~mlplan.core.expr.limits.MAX_INTEGER` and numbers that do not fit
a 64-bit float.  The regular expression has no nested repetition, so it cannot
backtrack badly; integers are converted only after their digits are counted.
"""

from __future__ import annotations

import keyword
import math
import re
from dataclasses import dataclass
from typing import Literal

from mlplan.core.expr.errors import ExpressionError
from mlplan.core.expr.limits import MAX_INTEGER
from mlplan.core.expr.profiles import Feature, Profile

__all__ = ["COMPARISONS", "KEYWORDS", "Token", "tokenize"]

TokenKind = Literal["number", "string", "name", "keyword", "op", "end"]

#: The words of the language, and the feature each needs.
KEYWORDS: dict[str, Feature] = {
    "and": "logic",
    "or": "logic",
    "not": "logic",
    "True": "logic",
    "False": "logic",
    "in": "membership",
    "if": "conditionals",
    "else": "conditionals",
}

COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})

_PATTERN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<op>\*\*|//|<=|>=|==|!=|[-+*/%<>()\[\]{},])",
    re.DOTALL,
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t"}
_BACKSLASH = "\\"
_ALLOWED_ESCAPES = " ".join(_BACKSLASH + e for e in _ESCAPES)
_COMPREHENSIONS = {"[": "ListComp", "(": "GeneratorExp", "{": "SetComp"}
_HINTS = {
    ".": "attribute access is not allowed",
    "&": "use 'and'",
    "|": "use 'or'",
    "~": "use 'not'",
    "^": "powers are written **",
    ":": "slices, dictionaries and lambdas are not allowed",
    ";": "write one expression only",
    "@": "there is no matrix product",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One token; ``value`` is the decoded number or string."""

    kind: TokenKind
    text: str
    position: int
    value: float | str | None = None

    def describe(self) -> str:
        """The token as "found ..." messages say it."""
        if self.kind == "end":
            return "the end"
        if self.kind in ("number", "string"):
            return f"the {self.kind} {self.text}"
        return f"the name {self.text!r}" if self.kind == "name" else repr(self.text)


def tokenize(text: str, profile: Profile) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token one past the last character.

    Raises
    ------
    ExpressionError
        A character, keyword or literal the language or the profile does not allow.
    """
    tokens: list[Token] = []
    opened: list[tuple[str, int]] = []  # innermost bracket, to name a comprehension
    i = 0
    while i < len(text):
        match = _PATTERN.match(text, i)
        if match is None:
            raise _unexpected(text, i, profile)
        kind, chunk, position = match.lastgroup, match.group(), i + 1
        i = match.end()
        if kind == "space":
            continue
        if kind == "number":
            tokens.append(Token("number", chunk, position, _number(chunk, position)))
        elif kind == "string":
            if "strings" not in profile.features:
                raise _unexpected(text, position - 1, profile)
            tokens.append(Token("string", chunk, position, _string(chunk, position)))
        elif kind == "name":
            tokens.append(_word(chunk, position, profile, opened))
        else:
            _check_op(chunk, position, profile)
            if chunk in "([{":
                opened.append((chunk, position))
            elif chunk in ")]}" and opened:
                opened.pop()
            tokens.append(Token("op", chunk, position))
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _number(chunk: str, position: int) -> float:
    if chunk.isdigit():
        digits = chunk.lstrip("0") or "0"
        # Counting first: int() of thousands of digits is slow (and refused by Python).
        if len(digits) > len(str(MAX_INTEGER)) or int(digits) > MAX_INTEGER:
            shown = digits if len(digits) <= 30 else f"{digits[:27]}..."
            raise ExpressionError(
                position,
                f"the integer {shown} is too large; integers may be at most 10**18 "
                "(write a float such as 1e19)",
            )
        return float(int(digits))
    value = float(chunk)
    if not math.isfinite(value):
        shown = chunk if len(chunk) <= 30 else f"{chunk[:27]}..."
        raise ExpressionError(
            position, f"the number {shown} is too large for a 64-bit float (at most about 1.8e308)"
        )
    return value


def _string(chunk: str, position: int) -> str:
    body = chunk[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    j = 0
    while j < len(body):
        if body[j] != "\\":
            out.append(body[j])
            j += 1
            continue
        escaped = body[j + 1]  # the pattern guarantees a character after a backslash
        if escaped not in _ESCAPES:
            raise ExpressionError(
                position + 1 + j,
                f"unknown escape {_BACKSLASH + escaped!r} in a string; allowed: {_ALLOWED_ESCAPES}",
            )
        out.append(_ESCAPES[escaped])
        j += 2
    return "".join(out)


def _word(chunk: str, position: int, profile: Profile, opened: list[tuple[str, int]]) -> Token:
    if chunk in KEYWORDS:
        if KEYWORDS[chunk] not in profile.features:
            raise ExpressionError(
                position,
                f"'{chunk}' is not allowed in a {profile.noun}; allowed: {profile.summary()}",
            )
        return Token("keyword", chunk, position)
    if not keyword.iskeyword(chunk):
        return Token("name", chunk, position)
    if chunk == "lambda":
        raise ExpressionError(
            position,
            f"Lambda is not allowed: a {profile.noun} cannot define functions; "
            f"allowed: {profile.summary()}",
        )
    if chunk == "for" and opened:
        bracket, where = opened[-1]
        raise ExpressionError(
            where,
            f"{_COMPREHENSIONS[bracket]} is not allowed: a {profile.noun} has no loops "
            "(a list after 'in' holds constants, e.g. ['a', 'b'])",
        )
    if chunk == "None":
        hint = "; test for missing values with isnull(x)" if "isnull" in profile.functions else ""
        raise ExpressionError(position, f"None is not allowed{hint}")
    if chunk == "is" and "comparisons" in profile.features:
        raise ExpressionError(position, "'is' is not allowed; compare with == or !=")
    raise ExpressionError(
        position,
        f"the Python keyword '{chunk}' is not allowed in a {profile.noun}; "
        f"allowed: {profile.summary()}",
    )


def _check_op(chunk: str, position: int, profile: Profile) -> None:
    if chunk in COMPARISONS and "comparisons" not in profile.features:
        raise ExpressionError(
            position,
            f"unexpected character {chunk[0]!r}; comparisons are not allowed in a "
            f"{profile.noun}; allowed: {profile.summary()}",
        )
    if chunk in "[]{}" and "membership" not in profile.features:
        raise ExpressionError(
            position,
            f"unexpected character {chunk!r}; lists and indexing are not allowed in a "
            f"{profile.noun}; allowed: {profile.summary()}",
        )


def _unexpected(text: str, index: int, profile: Profile) -> ExpressionError:
    char = text[index]
    if char in "'\"":
        if "strings" in profile.features:
            hint = f"a string that is never closed; end it with {char}"
        else:
            hint = f"text in quotes is not allowed in a {profile.noun}"
    elif char in "=!":
        hint = (
            "compare with == or !=, and negate with 'not'"
            if "comparisons" in profile.features
            else f"comparisons are not allowed in a {profile.noun}"
        )
    else:
        hint = _HINTS.get(char, f"allowed: {profile.summary()}")
    return ExpressionError(index + 1, f"unexpected character {char!r}; {hint}")
