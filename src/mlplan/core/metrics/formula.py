"""The safe formula language for domain-specific objectives.

A formula is an arithmetic expression over metric names and confusion counts::

    0.7*precision + 0.3*recall
    -(50*fn + 5*fp)/n
    min(precision, recall) - 0.001*latency_ms

Grammar (``+ - * /`` with the usual precedence, unary minus, parentheses)::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := ("-" | "+") unary | atom
    atom  := NUMBER | NAME | FUNC "(" expr ("," expr)* ")" | "(" expr ")"
    FUNC  := min | max | sqrt | abs

The text is tokenised and parsed by hand into a tiny tree of whitelisted nodes;
nothing is ever passed to Python's ``eval`` and there is no attribute access,
indexing or call of anything outside ``FUNC``.  Every syntax error names the
character position (1-based) where it was found.  Evaluation is vectorised:
names may be bound to numpy arrays (one value per bootstrap resample).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.errors import MetricError, closest

__all__ = ["Formula", "parse_formula"]

_FUNCS: dict[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "sqrt": (1, 1),
    "abs": (1, 1),
}

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>[-+*/(),]))"
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # num, name, op, end
    text: str
    pos: int  # 0-based


@dataclass(frozen=True)
class _Num:
    value: float


@dataclass(frozen=True)
class _Name:
    name: str
    pos: int


@dataclass(frozen=True)
class _Neg:
    arg: _Node


@dataclass(frozen=True)
class _Bin:
    op: str
    left: _Node
    right: _Node


@dataclass(frozen=True)
class _Call:
    func: str
    args: tuple[_Node, ...]


_Node = _Num | _Name | _Neg | _Bin | _Call


def _fail(text: str, pos: int, what: str) -> MetricError:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return MetricError(f"formula {shown!r}, character {pos + 1}: {what}")


def _tokenise(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        m = _TOKEN.match(text, i)
        if m is None or m.end() == i:
            ch = text[i]
            hint = "; attribute access is not allowed" if ch == "." else ""
            raise _fail(text, i, f"unexpected character {ch!r}{hint}")
        kind = m.lastgroup or "op"
        start = m.start(kind)
        toks.append(_Tok(kind, m.group(kind), start))
        i = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


class _Parser:
    def __init__(self, text: str, allowed: frozenset[str] | None) -> None:
        self.text = text
        self.toks = _tokenise(text)
        self.i = 0
        self.allowed = allowed

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        tok = self.take()
        if tok.text != op or tok.kind != "op":
            got = "the end" if tok.kind == "end" else repr(tok.text)
            raise _fail(self.text, tok.pos, f"expected {op!r}, found {got}")

    def parse(self) -> _Node:
        if self.peek().kind == "end":
            raise _fail(self.text, 0, "empty formula")
        node = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise _fail(self.text, tok.pos, f"unexpected {tok.text!r}")
        return node

    def expr(self) -> _Node:
        node = self.term()
        while self.peek().kind == "op" and self.peek().text in "+-":
            op = self.take().text
            node = _Bin(op, node, self.term())
        return node

    def term(self) -> _Node:
        node = self.unary()
        while self.peek().kind == "op" and self.peek().text in "*/":
            op = self.take().text
            if self.peek().text == "*" and op == "*":
                raise _fail(self.text, self.peek().pos, "powers (**) are not supported")
            node = _Bin(op, node, self.unary())
        return node

    def unary(self) -> _Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text in "+-":
            self.take()
            arg = self.unary()
            return _Neg(arg) if tok.text == "-" else arg
        return self.atom()

    def atom(self) -> _Node:
        tok = self.take()
        if tok.kind == "num":
            return _Num(float(tok.text))
        if tok.kind == "name":
            if self.peek().kind == "op" and self.peek().text == "(":
                return self.call(tok)
            if tok.text in _FUNCS:
                raise _fail(
                    self.text, tok.pos, f"function {tok.text!r} needs arguments in parentheses"
                )
            if self.allowed is not None and tok.text not in self.allowed:
                raise _fail(
                    self.text,
                    tok.pos,
                    f"unknown name {tok.text!r}{closest(tok.text, self.allowed)}; "
                    f"allowed: {', '.join(sorted(self.allowed))}",
                )
            return _Name(tok.text, tok.pos)
        if tok.kind == "op" and tok.text == "(":
            node = self.expr()
            self.expect(")")
            return node
        got = "the end" if tok.kind == "end" else repr(tok.text)
        raise _fail(self.text, tok.pos, f"expected a number, a name or '(', found {got}")

    def call(self, name: _Tok) -> _Node:
        if name.text not in _FUNCS:
            raise _fail(
                self.text,
                name.pos,
                f"unknown function {name.text!r}{closest(name.text, _FUNCS)}; "
                f"allowed: {', '.join(sorted(_FUNCS))}",
            )
        self.expect("(")
        args = [self.expr()]
        while self.peek().kind == "op" and self.peek().text == ",":
            self.take()
            args.append(self.expr())
        self.expect(")")
        lo, hi = _FUNCS[name.text]
        if len(args) < lo or (hi is not None and len(args) > hi):
            want = f"exactly {lo}" if hi == lo else f"at least {lo}"
            raise _fail(
                self.text, name.pos, f"{name.text}() takes {want} argument(s), got {len(args)}"
            )
        return _Call(name.text, tuple(args))


def _names(node: _Node) -> Iterable[str]:
    if isinstance(node, _Name):
        yield node.name
    elif isinstance(node, _Neg):
        yield from _names(node.arg)
    elif isinstance(node, _Bin):
        yield from _names(node.left)
        yield from _names(node.right)
    elif isinstance(node, _Call):
        for a in node.args:
            yield from _names(a)


def _eval(node: _Node, env: Mapping[str, Any]) -> Any:
    if isinstance(node, _Num):
        return node.value
    if isinstance(node, _Name):
        return env[node.name]
    if isinstance(node, _Neg):
        return -_eval(node.arg, env)
    if isinstance(node, _Bin):
        a, b = _eval(node.left, env), _eval(node.right, env)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        return np.divide(a, b)
    args = [_eval(a, env) for a in node.args]
    if node.func == "min":
        return np.minimum.reduce(
            np.broadcast_arrays(*[np.asarray(a, dtype=np.float64) for a in args])
        )
    if node.func == "max":
        return np.maximum.reduce(
            np.broadcast_arrays(*[np.asarray(a, dtype=np.float64) for a in args])
        )
    if node.func == "sqrt":
        return np.sqrt(args[0])
    return np.abs(args[0])


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, the names it uses, and a vectorised evaluator."""

    text: str
    names: frozenset[str]
    _root: Any

    def evaluate(self, env: Mapping[str, float | NDArray[np.float64]]) -> NDArray[np.float64]:
        """Evaluate with every name in :attr:`names` bound to a float or an array.

        Division by zero and the square root of a negative number give NaN.
        """
        missing = self.names - set(env)
        if missing:
            raise MetricError(
                f"formula: no value for {', '.join(sorted(missing))} in {self.text!r}; "
                "cost metrics must be passed as costs={...}"
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            out = _eval(self._root, env)
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
        On any syntax error or unknown name, with the 1-based character position.

    Examples
    --------
    >>> f = parse_formula("0.7*precision + 0.3*recall", ["precision", "recall"])
    >>> float(f.evaluate({"precision": 0.9, "recall": 0.5}))
    0.78
    """
    if not isinstance(text, str):
        raise MetricError(f"formula: expected a string, got {type(text).__name__}")
    parser = _Parser(text, frozenset(allowed) if allowed is not None else None)
    root = parser.parse()
    return Formula(text=text, names=frozenset(_names(root)), _root=root)
