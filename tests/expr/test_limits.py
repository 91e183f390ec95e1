"""The bounds: length, nesting, parts, exponents and literals, each refused fast and positioned."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from mlplan.core.expr import (
    FORMULA,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_INTEGER,
    MAX_LENGTH,
    MAX_NODES,
    RULE,
    ExpressionError,
    evaluate,
    parse,
)


def refused(text: str, profile=RULE) -> ExpressionError:
    """Parse ``text``, which must fail within a second; return the error."""
    start = time.process_time()
    with pytest.raises(ExpressionError) as info:
        parse(text, profile)
    assert time.process_time() - start < 1.0  # CPU time: robust to a loaded machine
    return info.value


def test_the_limits_have_their_documented_values() -> None:
    """The numbers the docs and messages promise."""
    assert (MAX_LENGTH, MAX_DEPTH, MAX_NODES, MAX_EXPONENT, MAX_INTEGER) == (
        10_000,
        64,
        2_000,
        64,
        10**18,
    )


def test_length_is_checked_before_the_text_is_read() -> None:
    """A 50 MB text is refused at once, pointing one past the limit; 10,000 characters pass."""
    error = refused("1+" * 25_000_000)
    assert error.position == MAX_LENGTH + 1
    assert "50,000,000 characters long; at most 10,000 are allowed" in str(error)
    assert parse(" " * (MAX_LENGTH - 1) + "1", RULE).kind == "number"
    assert refused(" " * MAX_LENGTH + "1").position == MAX_LENGTH + 1


@pytest.mark.parametrize(
    ("build", "profile"),
    [
        (lambda n: "(" * n + "a" + ")" * n, RULE),
        (lambda n: "-" * n + "a", FORMULA),
        (lambda n: "not " * n + "a", RULE),
        (lambda n: "abs(" * n + "a" + ")" * n, FORMULA),
        (lambda n: "1 ** " * n + "2", FORMULA),
        (lambda n: "a if b else " * n + "c", RULE),
        (lambda n: "(a + " * n + "a" + ")" * n, FORMULA),
    ],
)
def test_nesting_deeper_than_the_limit_is_refused(build, profile) -> None:
    """Nesting within 64 levels parses; beyond it is a positioned error, never RecursionError.

    Each parenthesis, operator and call inside another is a level, so ``(a + (a + ...))``
    uses two per pair of parentheses.
    """
    parse(build(MAX_DEPTH // 2 - 1), profile)
    for depth in (MAX_DEPTH + 1, 3_000):
        text = build(depth)
        if len(text) > MAX_LENGTH:
            continue
        error = refused(text, profile)
        assert "nests more than 64 levels deep" in str(error)
        assert 1 <= error.position <= len(text) + 1


def test_deep_input_does_not_need_a_deep_stack() -> None:
    """Parsing the deepest allowed text works with a small recursion limit."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(_stack()) + 400)
    try:
        parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH, RULE)
        parse("-" * MAX_DEPTH + "a", RULE)
        evaluate(parse("-" * MAX_DEPTH + "a", FORMULA), {"a": 1.0})
        for text in ("(" * 65 + "a" + ")" * 65, "-" * 65 + "a", "(" * 3000):
            with pytest.raises(ExpressionError, match="nests more than 64 levels"):
                parse(text, RULE)
    finally:
        sys.setrecursionlimit(old)


def _stack() -> list[object]:
    import inspect

    return inspect.stack(0)


def test_the_tree_height_is_bounded_too() -> None:
    """Operators of falling precedence inside few parentheses still count as depth."""
    level = "a ** 2 * a + a < a and a or a"
    text = level
    for _ in range(20):
        text = f"({text}) ** 2 * a + a < a and a or a"
    error = refused(text)
    assert "nests more than 64 levels deep" in str(error)


def test_more_parts_than_the_limit_are_refused() -> None:
    """A sum of 1,000 terms parses; one of 1,001 (over 2,000 parts) is refused where it tips."""
    parse(" + ".join(["a"] * 1_000), FORMULA)
    text = "+".join(["1"] * 1_001)
    error = refused(text, FORMULA)
    assert "more than 2,000 parts" in str(error)
    assert error.position <= len(text)
    assert "more than 2,000 parts" in str(refused("a in [" + ",".join(["1"] * 2_000) + "]"))


def test_long_sums_evaluate_like_numpy() -> None:
    """A 400-term sum over an array equals numpy's sum of the same terms."""
    x = np.linspace(-1, 1, 7)
    text = " + ".join(f"{i} * x" for i in range(400))
    np.testing.assert_allclose(
        evaluate(parse(text, FORMULA), {"x": x}), sum(i * x for i in range(400))
    )


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("10**10**10", 5, "between -64 and 64; found 1e+10"),
        ("x ** 65", 6, "between -64 and 64; found 65"),
        ("x ** -65", 6, "between -64 and 64; found -65"),
        ("x ** x", 6, "must be a constant number between -64 and 64; this one depends on a name"),
        ("x ** (2 * x)", 7, "depends on a name"),
        ("10.0**400", 7, "found 400"),
        ("2 ** 64 ** 2", 6, "found 4096"),
    ],
)
def test_the_exponent_of_a_power_is_a_small_constant(
    text: str, position: int, message: str
) -> None:
    """`**` takes a constant exponent with |exponent| <= 64, checked at parse time, instantly."""
    error = refused(text, FORMULA)
    assert error.position == position and message in str(error)


def test_allowed_powers_evaluate_in_float64() -> None:
    """Within the bound, powers (also fractional and negative) are numpy's float powers."""
    x = np.array([0.5, 2.0, 9.0, -8.0])
    e = parse("x ** 64 + x ** -2 + x ** 0.5 + 2 ** 10 ** 0.5", FORMULA)
    with np.errstate(all="ignore"):
        expected = x**64 + x**-2.0 + np.sqrt(x) + 2 ** np.sqrt(10)
    np.testing.assert_allclose(evaluate(e, {"x": x}), expected)
    big = evaluate(parse("x ** 64", FORMULA), {"x": np.array([1e300])})
    assert np.isinf(big).all()  # overflow on data is inf, not OverflowError


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("1/0", 2, "division by zero"),
        ("1//0", 2, "division by zero"),
        ("5%0", 2, "division by zero"),
        ("x / (2 - 2)", 3, "division by zero"),
        ("x % (0 * x)", 0, ""),  # not constant: allowed, NaN on data
        ("0 ** -1", 3, "division by zero (0 to a negative power)"),
        ("1e300 * 1e300", 7, "not a finite number"),
        ("1e308 + 1e308", 7, "not a finite number"),
        ("sqrt(-1)", 1, "not a finite number"),
        ("(-8) ** 0.5", 6, "not a finite number"),
    ],
)
def test_constant_parts_must_be_finite(text: str, position: int, message: str) -> None:
    """A constant division by zero or overflow is a parse-time error at its operator."""
    if not message:
        parse(text, FORMULA)
        return
    error = refused(text, FORMULA)
    assert error.position == position and message in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1000000000000000001", "the integer 1000000000000000001 is too large"),
        ("9" * 5000, "the integer 999999999999999999999999999... is too large"),
        ("1e309", "the number 1e309 is too large for a 64-bit float"),
        ("1" * 400 + ".0", "is too large for a 64-bit float"),
    ],
)
def test_number_literals_are_bounded(text: str, message: str) -> None:
    """Integers above 10**18 and floats beyond float64 are refused, without converting them."""
    assert message in str(refused(f"x + {text}", FORMULA))
    assert parse(str(MAX_INTEGER), FORMULA).kind == "number"
    assert parse("1e308", FORMULA).kind == "number"
