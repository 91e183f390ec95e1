"""The scripted-rule language: safe parsing, clear errors, vectorised evaluation."""

from __future__ import annotations

import numpy as np
import palmerpenguins
import pandas as pd
import pytest

from mlplan.core.baselines.rules import parse_rule
from mlplan.errors import PlanError


@pytest.fixture(scope="module")
def penguins() -> pd.DataFrame:
    return palmerpenguins.load_penguins()


def test_comparisons_and_boolean_logic_match_pandas(penguins: pd.DataFrame) -> None:
    """A rule computes what the same pandas expression computes (NaN compares false)."""
    rule = parse_rule(
        "bill_length_mm > 45 and not (island in ['Dream', 'Torgersen']) or body_mass_g >= 5500",
        columns=penguins.columns,
    )
    expected = ((penguins.bill_length_mm > 45) & ~penguins.island.isin(["Dream", "Torgersen"])) | (
        penguins.body_mass_g >= 5500
    )
    np.testing.assert_array_equal(rule.evaluate(penguins), expected.to_numpy())


def test_arithmetic_conditional_and_text_functions(penguins: pd.DataFrame) -> None:
    """Arithmetic, x if c else y, contains/lower and substring `in` all work on columns."""
    ratio = parse_rule("bill_length_mm / bill_depth_mm * 2", columns=penguins.columns)
    np.testing.assert_allclose(
        ratio.evaluate(penguins), (penguins.bill_length_mm / penguins.bill_depth_mm * 2).to_numpy()
    )
    label = parse_rule("'big' if body_mass_g > 4500 else 'small'", columns=penguins.columns)
    assert set(label.evaluate(penguins)) == {"big", "small"}
    text = parse_rule("contains(lower(species), 'gent') and 'isc' in island")
    expected = penguins.species.str.lower().str.contains("gent") & penguins.island.str.contains(
        "isc"
    )
    np.testing.assert_array_equal(text.evaluate(penguins).astype(bool), expected.to_numpy())


def test_missing_column_is_named_with_the_closest_match(penguins: pd.DataFrame) -> None:
    """A typo in a column names the column, its position and the closest real column."""
    with pytest.raises(PlanError) as info:
        parse_rule("bill_lenght_mm > 40", name="long bills", columns=penguins.columns)
    message = str(info.value)
    assert "unknown column 'bill_lenght_mm'" in message
    assert "did you mean 'bill_length_mm'" in message
    assert "character 1" in message and "long bills" in message


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("__import__('os')", 1, "function '__import__' is not allowed"),
        ("__import__('os').system('x')", 17, "attribute access is not allowed"),
        ("species.upper() == 'X'", 8, "attribute access is not allowed"),
        ("year > 2008 and [x for x in year]", 17, "ListComp is not allowed"),
        ("year > > 3", 8, "syntax error"),
        ("year >", 7, "syntax error"),
        ("lambda: 1", 1, "Lambda is not allowed"),
        ("year in [sex]", 10, "only numbers, strings"),
    ],
)
def test_constructs_outside_the_whitelist_are_refused(text: str, where: int, what: str) -> None:
    """Calls, attributes, comprehensions and lambdas never run: the error points at them."""
    with pytest.raises(PlanError) as info:
        parse_rule(text, columns=["year", "species", "sex"])
    assert what in str(info.value)
    assert f"character {where}:" in str(info.value)
