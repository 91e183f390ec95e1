"""The parser: tokens to a tree of :mod:`~mlplan.core.expr.nodes`, with Python's precedence.

Grammar (lowest precedence first; ``[...]`` optional, ``*`` repeated)::

    expression  := disjunction ["if" disjunction "else" expression]
    disjunction := conjunction ("or" conjunction)*
    conjunction := inversion ("and" inversion)*
    inversion   := "not" inversion | comparison
    comparison  := sum (COMPARE sum)*        COMPARE: < <= > >= == != in, not in
    sum         := term (("+" | "-") term)*
    term        := factor (("*" | "/" | "//" | "%") factor)*
    factor      := ("+" | "-") factor | power
    power       := primary ["**" factor]
    primary     := NUMBER | STRING | NAME | "True" | "False"
                 | FUNCTION "(" [expression ("," expression)*] ")"
                 | "(" expression ")" | LIST
    LIST        := "[" [constant ("," constant)* [","]] "]"   (also {...} and (a, b, ...))
    constant    := ["-" | "+"] NUMBER | STRING | "True" | "False"

Why a hand-written parser rather than ``ast.parse``: ``ast.parse`` builds the
tree of the whole Python language before anything can be checked, and on deeply
nested input it can itself raise ``RecursionError`` or ``MemoryError``; bounding
its input would mean re-implementing the nesting count anyway.  This parser is a
precedence-climbing (Pratt) parser: chains of one precedence are read by a
loop, not recursion, and each level of nesting costs a couple of stack frames,
counted against :data:`~mlplan.core.expr.limits.MAX_DEPTH` as it goes, so the
stack stays small whatever the text.  Nodes are counted against
:data:`~mlplan.core.expr.limits.MAX_NODES` as they are made.  Names and
functions are checked against the profile where they are written.
"""

from __future__ import annotations

from mlplan.core.expr.errors import ExpressionError, listing
from mlplan.core.expr.limits import MAX_DEPTH, MAX_NODES, too_deep, too_many_parts
from mlplan.core.expr.nodes import (
    Arithmetic,
    Boolean,
    Call,
    Choices,
    Compare,
    Conditional,
    Constant,
    Logic,
    Name,
    Node,
    Number,
    Power,
    Step,
    String,
    Unary,
)
from mlplan.core.expr.profiles import FUNCTIONS, Profile
from mlplan.core.expr.tokens import COMPARISONS, Token
from mlplan.errors import closest

__all__ = ["parse_tokens"]

# Binding powers, loosest first.
_IF, _OR, _AND, _NOT, _COMPARE, _SUM, _PRODUCT, _SIGN, _POWER = range(1, 10)
_SUMS = frozenset({"+", "-"})
_PRODUCTS = frozenset({"*", "/", "//", "%"})


def parse_tokens(tokens: list[Token], profile: Profile) -> tuple[Node, tuple[tuple[str, int], ...]]:
    """Parse ``tokens`` (ending with an ``end`` token); return the tree and the names used.

    The names come with the position of each use, in order of appearance.

    Raises
    ------
    ExpressionError
        Malformed text, a name or function the profile does not allow, or a bound
        of :mod:`~mlplan.core.expr.limits` exceeded.
    """
    parser = _Parser(tokens, profile)
    if tokens[0].kind == "end":
        raise ExpressionError(1, f"empty {profile.noun}")
    root, _ = parser.expression(0)
    end = parser.peek()
    if end.kind != "end":
        raise parser.syntax(end, f"expected an operator or the end, found {end.describe()}")
    return root, tuple(parser.uses)


class _Parser:
    def __init__(self, tokens: list[Token], profile: Profile) -> None:
        self.tokens, self.profile = tokens, profile
        self.i = 0
        self.nesting = -1  # the whole expression is level 0; each part inside it one more
        self.parts = 0
        self.uses: list[tuple[str, int]] = []

    # -- tokens ---------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return token

    def at(self, kind: str, text: str) -> bool:
        token = self.peek()
        return token.kind == kind and token.text == text

    def expect(self, text: str, wanted: str) -> Token:
        token = self.take()
        if token.kind != "op" or token.text != text:
            raise self.syntax(token, f"expected {wanted}, found {token.describe()}")
        return token

    def syntax(self, token: Token, reason: str) -> ExpressionError:
        return ExpressionError(token.position, reason, syntax=True)

    # -- bounds ---------------------------------------------------------------
    def made(self, node: Node, height: int, parts: int = 1) -> tuple[Node, int]:
        """Count a new node (and its operators) and check the height of its tree."""
        self.parts += parts
        if self.parts > MAX_NODES:
            raise too_many_parts(node.position)
        if height > MAX_DEPTH:  # a leaf has height 1 and sits at level height - 1
            raise too_deep(node.position)
        return node, height + 1

    # -- expressions ----------------------------------------------------------
    def expression(self, floor: int) -> tuple[Node, int]:
        """Parse operators binding at least as tightly as ``floor``."""
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise too_deep(self.peek().position)
        node, height = self.prefix(floor)
        while (level := self.infix()) is not None and level >= floor:
            if level == _POWER:
                node, height = self.power(node, height)
            elif level == _IF:
                node, height = self.conditional(node, height)
            elif level in (_AND, _OR):
                node, height = self.logic(node, height, level)
            elif level == _COMPARE:
                node, height = self.compare(node, height)
            else:
                node, height = self.arithmetic(node, height, level)
        self.nesting -= 1
        return node, height

    def infix(self) -> int | None:
        token = self.peek()
        if token.kind == "op":
            if token.text in _SUMS:
                return _SUM
            if token.text in _PRODUCTS:
                return _PRODUCT
            if token.text == "**":
                return _POWER
            return _COMPARE if token.text in COMPARISONS else None
        if token.kind == "keyword":
            after = self.peek(1)
            if token.text == "in" or (
                token.text == "not" and after.kind == "keyword" and after.text == "in"
            ):
                return _COMPARE
            return {"and": _AND, "or": _OR, "if": _IF}.get(token.text)
        return None

    def arithmetic(self, first: Node, height: int, level: int) -> tuple[Node, int]:
        ops = _SUMS if level == _SUM else _PRODUCTS
        steps: list[Step] = []
        while self.peek().kind == "op" and self.peek().text in ops:
            token = self.take()
            operand, below = self.expression(level + 1)
            steps.append(Step(token.text, token.position, operand))
            height = max(height, below)
        return self.made(Arithmetic(steps[0].position, first, tuple(steps)), height, len(steps))

    def power(self, base: Node, height: int) -> tuple[Node, int]:
        token = self.take()
        exponent, below = self.expression(_SIGN)
        return self.made(Power(token.position, base, exponent), max(height, below))

    def compare(self, first: Node, height: int) -> tuple[Node, int]:
        steps: list[Step] = []
        while self.infix() == _COMPARE:
            token = self.take()
            op = token.text
            if op == "not":
                self.take()
                op = "not in"
            if steps and isinstance(steps[-1].operand, Choices):
                raise self.syntax(token, "a list after 'in' must end the comparison")
            operand, below = self.expression(_SUM)
            if isinstance(operand, Choices) and op not in ("in", "not in"):
                raise ExpressionError(
                    operand.position, "a list is only allowed after 'in' or 'not in'"
                )
            steps.append(Step(op, token.position, operand))
            height = max(height, below)
        return self.made(Compare(steps[0].position, first, tuple(steps)), height, len(steps))

    def logic(self, first: Node, height: int, level: int) -> tuple[Node, int]:
        op = self.peek().text
        position = self.peek().position
        operands = [first]
        while self.at("keyword", op):
            self.take()
            operand, below = self.expression(level + 1)
            operands.append(operand)
            height = max(height, below)
        node = Logic(position, "and" if op == "and" else "or", tuple(operands))
        return self.made(node, height, len(operands) - 1)

    def conditional(self, body: Node, height: int) -> tuple[Node, int]:
        token = self.take()
        test, below_test = self.expression(_OR)
        if not self.at("keyword", "else"):
            found = self.peek()
            raise self.syntax(
                found, f"expected 'else', found {found.describe()}; write x if condition else y"
            )
        self.take()
        orelse, below_else = self.expression(_IF)
        node = Conditional(token.position, test, body, orelse)
        return self.made(node, max(height, below_test, below_else))

    # -- operands -------------------------------------------------------------
    def prefix(self, floor: int) -> tuple[Node, int]:
        token = self.take()
        if token.kind == "number":
            assert isinstance(token.value, float)
            return self.made(Number(token.position, token.value), 0)
        if token.kind == "string":
            assert isinstance(token.value, str)
            return self.made(String(token.position, token.value), 0)
        if token.kind == "name":
            if self.at("op", "("):
                return self.call(token)
            return self.name(token.text, token.position)
        if token.kind == "keyword":
            if token.text in ("True", "False"):
                return self.made(Boolean(token.position, token.text == "True"), 0)
            if token.text == "not":
                if floor > _NOT:
                    raise self.syntax(token, "put 'not ...' in parentheses here: (not x)")
                operand, below = self.expression(_NOT)
                return self.made(Unary(token.position, "not", operand), below)
        if token.kind == "op":
            if token.text in _SUMS:
                operand, below = self.expression(_SIGN)
                node = Unary(token.position, "-" if token.text == "-" else "+", operand)
                return self.made(node, below)
            if token.text == "(":
                return self.group(token)
            if token.text in "[{":
                return self.choices(token, "]" if token.text == "[" else "}", [])
        raise self.syntax(token, f"expected {self.profile.operands()}, found {token.describe()}")

    def group(self, opening: Token) -> tuple[Node, int]:
        inner, height = self.expression(0)
        if self.at("op", ",") and "membership" in self.profile.features:
            first = _constant(inner)
            if first is None:
                raise _not_constant(inner.position, "an expression")
            self.take()
            return self.choices(opening, ")", [first])
        self.expect(")", "')'")
        return inner, height

    def choices(self, opening: Token, closing: str, values: list[Constant]) -> tuple[Node, int]:
        while not self.at("op", closing):
            values.append(self.constant())
            if not self.at("op", ","):
                break
            self.take()
        self.expect(closing, f"',' or {closing!r} (a list holds constants only)")
        return self.made(Choices(opening.position, tuple(values)), 1, len(values) + 1)

    def constant(self) -> Constant:
        token = self.take()
        sign = 1.0
        if token.kind == "op" and token.text in _SUMS and self.peek().kind == "number":
            sign = -1.0 if token.text == "-" else 1.0
            token = self.take()
        if token.kind == "number":
            assert isinstance(token.value, float)
            return Number(token.position, sign * token.value)
        if token.kind == "string":
            assert isinstance(token.value, str)
            return String(token.position, token.value)
        if token.kind == "keyword" and token.text in ("True", "False"):
            return Boolean(token.position, token.text == "True")
        raise _not_constant(token.position, token.describe())

    def call(self, token: Token) -> tuple[Node, int]:
        name, functions = token.text, self.profile.functions
        if name not in functions:
            raise ExpressionError(
                token.position,
                f"unknown function {name!r} is not allowed{closest(name, functions)}; "
                f"allowed: {', '.join(sorted(functions))}",
            )
        function = FUNCTIONS[name]
        self.take()
        args: list[Node] = []
        height = 0
        while not self.at("op", ")"):
            arg, below = self.expression(0)
            args.append(arg)
            height = max(height, below)
            if not self.at("op", ","):
                break
            self.take()
        self.expect(")", "',' or ')'")
        count = len(args)
        if count < function.min_args or (not function.variadic and count > function.min_args):
            raise ExpressionError(
                token.position,
                f"{name}() takes {function.arity()} argument(s), got {count}",
            )
        if function.constant_text and not isinstance(args[-1], String):
            example = "col('my column')" if name == "col" else f"{name}(x, 'text')"
            raise ExpressionError(
                token.position,
                f"{name}() takes a string in quotes as its last argument, e.g. {example}",
            )
        if name == "col":
            (quoted,) = args
            assert isinstance(quoted, String)
            self.parts -= 1  # the string was counted; it becomes the name, counted below
            return self.name(quoted.value, quoted.position + 1, bare=False)
        return self.made(Call(token.position, name, tuple(args)), height)

    def name(self, name: str, position: int, *, bare: bool = True) -> tuple[Node, int]:
        allowed = self.profile.names
        if bare and name in self.profile.functions and (allowed is None or name not in allowed):
            hint = (
                f"; for a {self.profile.name_noun} of that name write col('{name}')"
                if "col" in self.profile.functions
                else ""
            )
            raise ExpressionError(
                position, f"function {name!r} needs arguments in parentheses, e.g. {name}(x){hint}"
            )
        if allowed is not None and name not in allowed:
            raise ExpressionError(
                position,
                f"unknown {self.profile.name_noun} {name!r}{closest(name, allowed)}; "
                f"allowed: {listing(allowed)}",
            )
        self.uses.append((name, position))
        return self.made(Name(position, name), 0)


def _constant(node: Node) -> Constant | None:
    """``node`` as a list element: a literal, or a sign applied to a number."""
    if isinstance(node, Number | String | Boolean):
        return node
    if isinstance(node, Unary) and node.op in "-+" and isinstance(node.operand, Number):
        value = -node.operand.value if node.op == "-" else node.operand.value
        return Number(node.position, value)
    return None


def _not_constant(position: int, found: str) -> ExpressionError:
    return ExpressionError(
        position, f"a list may hold only numbers, strings, True and False; found {found}"
    )
