"""Profiles: one grammar, with features switched off for formulas and all on for rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlplan.core.baselines.rules import FUNCTIONS as RULE_FUNCTIONS
from mlplan.core.baselines.rules import parse_rule
from mlplan.core.expr import FEATURES, FORMULA, FUNCTIONS, RULE, ExpressionError, parse
from mlplan.core.metrics import parse_formula
from mlplan.errors import MetricError, PlanError


def test_the_formula_profile_is_arithmetic_over_names() -> None:
    """Formulas have numbers, names, arithmetic (bounded **) and min/max/sqrt/abs only."""
    assert FORMULA.features == frozenset()
    assert FORMULA.functions == {"abs", "max", "min", "sqrt"}
    assert FORMULA.name_kind == "number"
    assert parse("sqrt(a) ** 2 // 1 % 3 - min(a, b, 1)", FORMULA).kind == "number"


def test_the_rule_profile_is_the_whole_language() -> None:
    """Rules have every feature and every function."""
    assert RULE.features == FEATURES
    assert RULE.functions == set(FUNCTIONS)
    assert {name: FUNCTIONS[name].min_args for name in sorted(FUNCTIONS)} == RULE_FUNCTIONS


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("a < b", 3, "unexpected character '<'; comparisons are not allowed in a formula"),
        ("a == b", 3, "unexpected character '='; comparisons are not allowed in a formula"),
        ("a = b", 3, "comparisons are not allowed in a formula"),
        ("a and b", 3, "'and' is not allowed in a formula; allowed: numbers, names, + - * /"),
        ("not a", 1, "'not' is not allowed in a formula"),
        ("True", 1, "'True' is not allowed in a formula"),
        ("a if b else c", 3, "'if' is not allowed in a formula"),
        ("a in b", 3, "'in' is not allowed in a formula"),
        ("'a'", 1, 'unexpected character "\'"; text in quotes is not allowed in a formula'),
        ('"a', 1, "text in quotes is not allowed in a formula"),
        ("a[0]", 2, "unexpected character '['; lists and indexing are not allowed in a formula"),
        ("{a}", 1, "lists and indexing are not allowed"),
        ("lower(a)", 1, "unknown function 'lower' is not allowed; allowed: abs, max, min, sqrt"),
        ("col('a')", 5, "text in quotes is not allowed"),
        ("(a, b)", 3, "syntax error at character 3: expected ')', found ','"),
        ("a +", 4, "expected a number, a name or '(', found the end"),
        ("None", 1, "None is not allowed"),
    ],
)
def test_formulas_refuse_what_rules_allow(text: str, position: int, message: str) -> None:
    """The parts a formula does not have are refused where written, saying what is allowed."""
    with pytest.raises(ExpressionError) as info:
        parse(text, FORMULA)
    assert info.value.position == position
    assert message in str(info.value)


def test_a_profile_can_restrict_the_names() -> None:
    """allowing(names) refuses other names at parse time; allowing(None) accepts any."""
    metrics = FORMULA.allowing(["precision", "recall"])
    assert parse("precision + recall", metrics).names == {"precision", "recall"}
    with pytest.raises(ExpressionError, match="character 13: unknown name 'f1'"):
        parse("precision + f1", metrics)
    assert metrics.allowing(None).names is None
    with pytest.raises(ExpressionError, match=r"unknown column 'yaer' \(did you mean 'year'\?\)"):
        parse("yaer > 3", RULE.allowing(["year"]))


def test_the_formula_adapter_raises_metric_errors_with_the_formula() -> None:
    """parse_formula/Formula.evaluate wrap every error as MetricError naming the formula."""
    with pytest.raises(MetricError, match=r"^formula 'x / 0', character 3: division by zero$"):
        parse_formula("x / 0")
    with pytest.raises(MetricError, match=r"^formula '\(x', syntax error at character 3: "):
        parse_formula("(x")
    formula = parse_formula("2 * tp - fp ** 2", ["tp", "fp"])
    assert formula.names == {"tp", "fp"}
    np.testing.assert_allclose(
        formula.evaluate({"tp": np.array([1.0, 2.0]), "fp": np.array([3.0, 0.0])}), [-7.0, 4.0]
    )
    with pytest.raises(MetricError, match=r"character 10: no value for fp; cost metrics must"):
        formula.evaluate({"tp": 1.0})
    with pytest.raises(MetricError, match=r"^formula: expected a string, got int$"):
        parse_formula(3)  # type: ignore[arg-type]
    long = "x + " * 30 + "1 +"
    with pytest.raises(
        MetricError, match=r"^formula 'x \+ x .*\.\.\.', syntax error at character 124"
    ):
        parse_formula(long)


def test_the_rule_adapter_raises_plan_errors_with_the_rule_name() -> None:
    """parse_rule/Rule.evaluate wrap every error as PlanError naming the rule."""
    with pytest.raises(PlanError, match=r"^baselines.scripted 'r': rule 'a \+', syntax error at"):
        parse_rule("a +", name="r")
    rule = parse_rule("s + 1", name="plus", columns=["s"])
    frame = pd.DataFrame({"s": ["a", "b"]})
    with pytest.raises(PlanError, match=r"'plus': rule 's \+ 1', character 3: arithmetic \(\+\)"):
        rule.evaluate(frame)
    late = parse_rule("missing > 1", name="late")
    with pytest.raises(PlanError, match="character 1: unknown column 'missing'; allowed: s"):
        late.evaluate(frame)
    with pytest.raises(PlanError, match="rule int, character 1: expected the rule as text"):
        parse_rule(3)  # type: ignore[arg-type]


def test_rules_read_frames_with_any_column_labels() -> None:
    """Non-string column labels are read by their string form; the result has one value per row."""
    frame = pd.DataFrame({0: [1.0, 2.0], "b c": ["x", "y"]})
    rule = parse_rule("col('0') > 1 and col('b c') == 'y'", columns=frame.columns)
    assert rule.columns == {"0", "b c"}
    assert rule.evaluate(frame).tolist() == [False, True]
    assert parse_rule("7").evaluate(frame).tolist() == [7.0, 7.0]
