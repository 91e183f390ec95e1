"""The grammar: Python's precedence, and errors that name the character and what is allowed."""

from __future__ import annotations

import pytest

from mlplan.core.expr import FORMULA, RULE, ExpressionError, evaluate, parse
from mlplan.core.expr.nodes import Arithmetic, Compare, Logic


def value(text: str) -> object:
    """The value of a rule without names."""
    return evaluate(parse(text, RULE), {}).item()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("2 ** 3 ** 2", 512),  # right to left
        ("-2 ** 2", -4),  # ** binds tighter than unary minus ...
        ("2 ** -1", 0.5),  # ... and takes one in its exponent
        ("7 // 2 * 2 + 7 % 2", 7),
        ("-7 // 2", -4),  # floor division and modulo round towards -inf, as Python
        ("-7 % 3", 2),
        ("7.5 % -2", -0.5),
        ("10 - 4 - 3", 3),  # left to right
        ("100 / 10 / 5", 2),
        ("+-+3", -3),
        ("1 < 2 < 3", True),  # a chain: 1 < 2 and 2 < 3
        ("3 > 2 > 2", False),
        ("1 == 1.0 != 2", True),
        ("not 1 == 2", True),  # not (1 == 2)
        ("not 0 or 1 and 0", True),  # (not 0) or (1 and 0)
        ("True and not False", True),
        ("1 if 0 else 2 if 1 else 3", 2),
        ("(1 if 1 else 2) + 3", 4),
        ("'b' if 2 > 1 else 'c'", "b"),
        ("'ab' < 'b'", True),
        ("'x' in 'xyz'", True),
        ("'x' not in 'xyz'", False),
        ("3 in [1, 2, 3]", True),
        ("3 not in (1, 2)", True),
        ("'a' in {'a', 'b'}", True),
        ("-1 in [-1, +2]", True),
        ("1e2 + .5 + 3. + 2E-1", 103.7),
        ("abs(-3) + max(1, 5, 2) - min(4, 2) + sqrt(16)", 10),
    ],
)
def test_precedence_and_values_are_pythons(text: str, expected: object) -> None:
    """Expressions without names have the value Python gives the same text."""
    got = value(text)
    if isinstance(expected, str | bool):
        assert got == expected and type(got) is type(expected)
    else:
        assert got == pytest.approx(expected)


def test_chains_of_one_precedence_are_one_shallow_node() -> None:
    """a + b - c, a < b <= c and a and b and c are single nodes with steps, not towers."""
    root = parse(" + ".join(["a"] * 500), RULE).root
    assert isinstance(root, Arithmetic) and len(root.steps) == 499
    root = parse("a < b <= c", RULE).root
    assert isinstance(root, Compare) and [s.op for s in root.steps] == ["<", "<="]
    root = parse("a and b and c or d", RULE).root
    assert isinstance(root, Logic) and root.op == "or"
    assert isinstance(root.operands[0], Logic) and len(root.operands[0].operands) == 3


def test_names_are_recorded_with_their_positions() -> None:
    """uses lists each name read and where, including col("with spaces")."""
    expression = parse('a + col("b c") * a', RULE)
    assert expression.uses == (("a", 1), ("b c", 10), ("a", 18))
    assert expression.names == {"a", "b c"}


def test_strings_decode_escapes() -> None:
    """Strings take ' or " and the escapes \\\\ \\' \\" \\n \\t."""
    assert value(r"'it\'s'") == "it's"
    assert value(r'"a\"b\\c\n\t"') == 'a"b\\c\n\t'


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("", 1, "empty rule"),
        ("   ", 1, "empty rule"),
        ("a +", 4, "syntax error at character 4: expected a number, a string, a name or '('"),
        ("(a", 3, "expected ')', found the end"),
        ("a b", 3, "expected an operator or the end, found the name 'b'"),
        ("f(", 1, "unknown function 'f' is not allowed"),
        ("abs(a b)", 7, "expected ',' or ')', found the name 'b'"),
        ("a if b", 7, "expected 'else', found the end"),
        ("a < not b", 5, "put 'not ...' in parentheses"),
        ("a.b", 2, "unexpected character '.'; attribute access is not allowed"),
        ("a = 1", 3, "unexpected character '='; compare with =="),
        ("a & b", 3, "use 'and'"),
        ("x[1:2]", 4, "unexpected character ':'"),
        ("'abc", 1, "a string that is never closed"),
        (r"'a\qb'", 3, "unknown escape '\\\\q'"),
        ("lambda: 1", 1, "Lambda is not allowed"),
        ("[x for x in y]", 1, "ListComp is not allowed"),
        ("a in (x for x in y)", 6, "GeneratorExp is not allowed"),
        ("a is None", 3, "'is' is not allowed; compare with == or !="),
        ("None", 1, "None is not allowed; test for missing values with isnull(x)"),
        ("import os", 1, "the Python keyword 'import' is not allowed"),
        ("__import__('os')", 1, "unknown function '__import__' is not allowed"),
        ("lenght(a)", 1, "(did you mean 'length'?)"),
        ("min", 1, "function 'min' needs arguments in parentheses"),
        ("abs(1, 2)", 1, "abs() takes exactly 1 argument(s), got 2"),
        ("max(1)", 1, "max() takes at least 2 argument(s), got 1"),
        ("col(a)", 1, "col() takes a string in quotes"),
        ("contains(a, b)", 1, "contains() takes a string in quotes as its last argument"),
        ("a in [b]", 7, "a list may hold only numbers, strings, True and False; found the name"),
        ("a in [1 + 2]", 9, "expected ',' or ']'"),
        ("[1, 2]", 1, "a list is only allowed after 'in' or 'not in'"),
        ("a < [1]", 5, "a list is only allowed after 'in' or 'not in'"),
        ("a in [1] == b", 10, "a list after 'in' must end the comparison"),
        ("a in b", 3, "'in' takes a list of constants on the right"),
    ],
)
def test_errors_name_the_character_and_what_is_allowed(
    text: str, position: int, message: str
) -> None:
    """Each mistake is refused where it is written, saying what was wrong."""
    with pytest.raises(ExpressionError) as info:
        parse(text, RULE)
    assert info.value.position == position
    assert f"character {position}: " in str(info.value)
    assert message in str(info.value)


def test_syntax_errors_say_so_and_others_do_not() -> None:
    """Malformed text is a 'syntax error at character N'; refused constructs are 'character N'."""
    with pytest.raises(ExpressionError, match=r"^syntax error at character 4: ") as info:
        parse("a +* b", RULE)
    assert info.value.syntax
    with pytest.raises(ExpressionError, match=r"^character 1: ") as info:
        parse("nope(a)", RULE)
    assert not info.value.syntax


def test_a_name_that_is_also_a_function_can_still_be_read_with_col() -> None:
    """A column called 'length' is col('length'); the bare word is the function's."""
    expression = parse("col('length') > 3", RULE.allowing(["length"]))
    assert expression.names == {"length"}
    assert parse("length > 3", RULE.allowing(["length"])).names == {"length"}
    with pytest.raises(ExpressionError, match="write col\\('length'\\)"):
        parse("length > 3", RULE)


def test_unknown_names_list_the_allowed_ones() -> None:
    """An unknown name gives the closest match and the allowed names (at most 30 shown)."""
    with pytest.raises(
        ExpressionError, match=r"unknown name 'recal' \(did you mean 'recall'\?\); "
    ):
        parse("recal", FORMULA.allowing(["recall", "precision"]))
    many = [f"c{i:02d}" for i in range(40)]
    with pytest.raises(ExpressionError, match=r"allowed: c00, c01, .*, c29 and 10 more$"):
        parse("zzz", RULE.allowing(many))


def test_errors_survive_pickling() -> None:
    """An ExpressionError crosses process boundaries (joblib) with its position."""
    import pickle

    with pytest.raises(ExpressionError) as info:
        parse("a +", RULE)
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.position, again.reason, again.syntax, str(again)) == (
        4,
        info.value.reason,
        True,
        str(info.value),
    )
