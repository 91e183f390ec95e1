"""Fuzzing: any text parses or fails with a positioned error, fast; evaluation never crashes.

The only outcomes allowed are the documented ones: an :class:`Expression` (whose
evaluation gives an array, or a positioned :class:`ExpressionError`), or an
:class:`ExpressionError` -- a :class:`MlplanError` -- whose message names the
character.  Any other exception, a warning (pytest turns them into errors) or an
example slower than a second fails the test.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlplan.core.baselines.rules import parse_rule
from mlplan.core.expr import FORMULA, MAX_DEPTH, RULE, Expression, ExpressionError, evaluate, parse
from mlplan.core.metrics import parse_formula
from mlplan.errors import MetricError, MlplanError, PlanError

# The time bound is asserted on this process's CPU time (``parsed`` below), not by
# Hypothesis's wall-clock deadline: a loaded CI machine must not fail a parser that
# takes a millisecond.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

FRAME = pd.DataFrame(
    {
        "a": [1.5, np.nan, -2.0, 0.0],
        "b": [1, 2, 3, 4],
        "s": ["x", None, "ab", "X"],
        "t": pd.to_datetime(["2013-01-01", None, "2014-05-06", "2015-01-01"]),
        "flag": [True, False, True, True],
    }
)
COLUMNS = {c: FRAME[c] for c in FRAME.columns}

TOKENS = [
    *FRAME.columns,
    "zz",
    "0",
    "1",
    "2.5",
    "1e3",
    ".5",
    "64",
    "65",
    "10**10",
    "'x'",
    '"ab"',
    "'2013-06-01'",
    "True",
    "False",
    *"+-*/%<>(),[]{}",
    "//",
    "**",
    "<=",
    ">=",
    "==",
    "!=",
    "and",
    "or",
    "not",
    "in",
    "not in",
    "if",
    "else",
    "abs(",
    "min(",
    "max(",
    "sqrt(",
    "lower(",
    "length(",
    "contains(",
    "startswith(",
    "isnull(",
    "notnull(",
    "col('a')",
    "col(",
    "None",
    "lambda",
    "for",
    ".",
    "=",
    "'",
    "\\",
]


def parsed(text: str, profile) -> Expression | None:
    """Parse within a second of CPU; ``None`` when refused with a documented error."""
    start = time.process_time()
    try:
        return parse(text, profile)
    except ExpressionError as error:
        assert isinstance(error, MlplanError)
        assert f"character {error.position}: " in str(error)
        assert 1 <= error.position <= max(len(text), 1) + 1 or "characters long" in str(error)
        return None
    finally:
        assert time.process_time() - start < 1.0


def evaluated(expression: Expression, values: dict[str, object], rows: int | None) -> None:
    """Evaluate: an array of the expected length, or a positioned error."""
    try:
        out = evaluate(expression, values, rows=rows)
    except ExpressionError as error:
        assert f"character {error.position}: " in str(error)
        return
    assert isinstance(out, np.ndarray)
    if rows is not None:
        assert out.shape == (rows,)
    assert out.dtype.kind in "fbOM"


def check_both_profiles(text: str) -> None:
    rule = parsed(text, RULE)
    if rule is not None:
        evaluated(rule, COLUMNS, len(FRAME))
    formula = parsed(text, FORMULA)
    if formula is not None:
        env = {name: np.array([0.5, -1.0, 0.0]) for name in formula.names}
        evaluated(formula, env, None)


@FUZZ
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    """Arbitrary unicode text: parsed, or refused with a position."""
    check_both_profiles(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from([" ", ""]))
def test_text_made_of_the_languages_tokens(tokens: list[str], glue: str) -> None:
    """Token soup close to the grammar reaches every error path of the parser and the checker."""
    check_both_profiles(glue.join(tokens))


_LEAVES = st.sampled_from(
    ["a", "b", "s", "t", "flag", "0", "1", "2.5", "-3", "'x'", "'2013-06-01'", "True"]
)


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(
        ["+", "-", "*", "/", "//", "%", "<", "<=", "==", "!=", ">", "and", "or"]
    )
    return st.one_of(
        st.tuples(children, binary, children).map(lambda p: f"({p[0]} {p[1]} {p[2]})"),
        st.tuples(children, st.sampled_from(["2", "0.5", "-1", "65"])).map(
            lambda p: f"({p[0]}) ** {p[1]}"
        ),
        children.map(lambda c: f"-({c})"),
        children.map(lambda c: f"not ({c})"),
        st.tuples(children, children, children).map(lambda p: f"({p[0]} if {p[1]} else {p[2]})"),
        st.tuples(st.sampled_from(["abs", "sqrt", "lower", "length", "isnull"]), children).map(
            lambda p: f"{p[0]}({p[1]})"
        ),
        st.tuples(children, children).map(lambda p: f"max({p[0]}, {p[1]})"),
        children.map(lambda c: f"contains({c}, 'a')"),
        children.map(lambda c: f"{c} in ['x', 'ab']"),
        children.map(lambda c: f"{c} not in [1, 2.5]"),
        children.map(lambda c: f"'a' in {c}"),
    )


@FUZZ
@given(st.recursive(_LEAVES, _grow, max_leaves=25))
def test_grammatical_expressions_evaluate_or_fail_with_a_position(text: str) -> None:
    """Well-formed rules of every construct: an array per row, or a positioned kind error."""
    check_both_profiles(text)


@FUZZ
@given(
    st.lists(st.sampled_from(["(", "-", "not ", "abs(", "1 ** ", "a + ("]), max_size=300),
    st.sampled_from(["a", "1", "'x'"]),
)
def test_deep_nesting_is_refused_not_crashed(openers: list[str], leaf: str) -> None:
    """Nesting of any depth: parsed within the limit, a 'nests more than' error beyond it."""
    closers = "".join(")" * o.count("(") for o in reversed(openers))
    text = "".join(openers) + leaf + closers
    expression = parsed(text, RULE)
    if len(openers) > MAX_DEPTH:  # every opener is at least one level
        assert expression is None
    if expression is not None:
        evaluated(expression, COLUMNS, len(FRAME))


@FUZZ
@given(st.integers(1, 3_000), st.sampled_from(["+", "-", "*", " and ", " or ", " < "]))
def test_long_chains_are_flat_and_bounded(terms: int, op: str) -> None:
    """Chains of any length: parsed when within 2,000 parts, a 'more than' error beyond."""
    text = op.join(["b"] * terms)
    expression = parsed(text, RULE)
    if expression is not None:
        evaluated(expression, COLUMNS, len(FRAME))
    elif len(text) <= 10_000:
        try:
            parse(text, RULE)
        except ExpressionError as error:
            assert "more than 2,000 parts" in str(error)


_X = np.array([1.5, -2.0, 0.0, 3.0, np.nan, 1e-300, -7.25])
_Y = np.array([0.5, 0.0, -0.0, 3.0, 2.0, 1e300, 4.0])


def _quiet(fn, *args):
    with np.errstate(all="ignore"):
        return fn(*args)


def _arith(children: st.SearchStrategy[tuple[str, object]]) -> st.SearchStrategy:
    ops = {
        "+": np.add,
        "-": np.subtract,
        "*": np.multiply,
        "/": np.true_divide,
        "//": np.floor_divide,
        "%": np.remainder,
    }

    def binary(parts):
        (lt, lv), op, (rt, rv) = parts
        return f"({lt} {op} {rt})", _quiet(ops[op], lv, rv)

    def call(parts):
        name, (text, v) = parts
        fn = {"abs": np.abs, "sqrt": np.sqrt, "-": np.negative}[name]
        return (f"-({text})" if name == "-" else f"{name}({text})"), _quiet(fn, v)

    return st.one_of(
        st.tuples(children, st.sampled_from(sorted(ops)), children).map(binary),
        st.tuples(st.sampled_from(["abs", "sqrt", "-"]), children).map(call),
        st.tuples(children, children).map(
            lambda p: (f"min({p[0][0]}, {p[1][0]})", _quiet(np.minimum, p[0][1], p[1][1]))
        ),
        st.tuples(children, st.sampled_from([2, 3, -1])).map(
            lambda p: (f"({p[0][0]}) ** {p[1]}", _quiet(np.power, p[0][1], float(p[1])))
        ),
    )


@FUZZ
@given(
    st.recursive(
        st.sampled_from([("x", _X), ("y", _Y), ("2", np.float64(2.0)), ("0.5", np.float64(0.5))]),
        _arith,
        max_leaves=20,
    )
)
def test_formulas_compute_what_numpy_computes(case: tuple[str, object]) -> None:
    """A random formula over arrays equals the same numpy operations, inf and NaN included."""
    text, expected = case
    expression = parsed(text, FORMULA)
    if expression is None:  # only when a constant part divides by zero or is not finite
        return
    got = evaluate(expression, {"x": _X, "y": _Y})
    np.testing.assert_array_equal(
        np.broadcast_to(got, _X.shape), np.broadcast_to(expected, _X.shape)
    )


@FUZZ
@given(st.text(max_size=120))
def test_the_adapters_raise_their_own_errors(text: str) -> None:
    """parse_formula raises MetricError and parse_rule PlanError, both naming the character."""
    for parse_it, error_type in ((parse_formula, MetricError), (parse_rule, PlanError)):
        try:
            parse_it(text)
        except error_type as error:
            assert "character " in str(error)
