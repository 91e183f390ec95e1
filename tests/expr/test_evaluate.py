"""Evaluation: vectorised numpy results equal to pandas', undefined rows NaN, mixed kinds refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlplan.core.expr import RULE, ExpressionError, as_value, column_value, evaluate, parse


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": [1.5, np.nan, -3.0, 0.0, 8.0],
            "n": [1, 2, 3, 4, 5],
            "s": ["Apple", "banana", None, "cherry pie", "apple"],
            "flag": [True, False, True, False, True],
            "t": pd.to_datetime(
                ["2013-01-01", "2013-06-01 12:00", None, "2014-01-01", "2012-12-31"],
                format="ISO8601",
            ),
            "cat": pd.Categorical(["a", "b", "a", None, "c"]),
            "codes": pd.Categorical([1, 2, 1, 2, 3]),
            "maybe": pd.array([True, None, False, True, False], dtype="boolean"),
            "count": pd.array([1, None, 3, 4, None], dtype="Int64"),
            "mixed": pd.Series([1, "b", None, 2.5, "e"], dtype=object),
            "long name": [10.0, 20.0, 30.0, 40.0, 50.0],
        }
    )


def run(text: str, frame: pd.DataFrame) -> np.ndarray:
    values = {c: frame[c] for c in frame.columns}
    return evaluate(parse(text, RULE.allowing(frame.columns)), values, rows=len(frame))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x * 2 + n", lambda f: f.x * 2 + f.n),
        ("x / n - n // 2 + n % 3", lambda f: f.x / f.n - f.n // 2 + f.n % 3),
        ("x ** 2 + abs(x) + sqrt(n)", lambda f: f.x**2 + f.x.abs() + np.sqrt(f.n)),
        ("-x + +n", lambda f: -f.x + f.n),
        (
            "min(x, n, 2) + max(x, 0)",
            lambda f: np.minimum(np.minimum(f.x, f.n), 2) + np.maximum(f.x, 0),
        ),
        ('col("long name") / 10', lambda f: f["long name"] / 10),
        ("count * 2", lambda f: f["count"].astype(float) * 2),
        ("codes + 1", lambda f: f.codes.astype(float) + 1),
        ("length(s)", lambda f: f.s.str.len()),
        ("flag + 1", lambda f: f.flag.astype(float) + 1),
        ("n if flag else x", lambda f: np.where(f.flag, f.n, f.x)),
    ],
)
def test_numbers_match_pandas(frame: pd.DataFrame, text: str, expected) -> None:
    """Arithmetic and numeric functions compute what pandas computes (NaN where pandas has NaN)."""
    got = run(text, frame)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, np.asarray(expected(frame), dtype=float))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x > 0", lambda f: f.x > 0),
        ("x != 0", lambda f: f.x != 0),  # NaN != 0 is true, as in pandas
        ("1 <= n < 4", lambda f: (f.n >= 1) & (f.n < 4)),
        ("x > 1 and not flag or n == 4", lambda f: ((f.x > 1) & ~f.flag) | (f.n == 4)),
        ("x and True", lambda f: (f.x != 0) & f.x.notna()),  # a NaN condition is false
        ("s == 'banana'", lambda f: f.s == "banana"),
        ("s != 'banana'", lambda f: f.s != "banana"),
        ("s < 'b'", lambda f: (f.s < "b").fillna(False) & f.s.notna()),
        ("s in ['Apple', 'apple']", lambda f: f.s.isin(["Apple", "apple"])),
        ("s not in ['Apple']", lambda f: ~f.s.isin(["Apple"])),
        ("n in [2, 4.0, 7]", lambda f: f.n.isin([2, 4, 7])),
        ("x in [1.5, -3]", lambda f: f.x.isin([1.5, -3])),
        ("'an' in s", lambda f: f.s.str.contains("an").fillna(False).astype(bool)),
        (
            "contains(lower(s), 'apple')",
            lambda f: f.s.str.lower().str.contains("apple").fillna(False).astype(bool),
        ),
        (
            "startswith(s, 'ch') or endswith(s, 'na')",
            lambda f: (
                (f.s.str.startswith("ch") | f.s.str.endswith("na")).fillna(False).astype(bool)
            ),
        ),
        ("isnull(s) or isnull(x)", lambda f: f.s.isna() | f.x.isna()),
        ("notnull(t) and notnull(cat)", lambda f: f.t.notna() & f.cat.notna()),
        ("t >= '2013-01-01'", lambda f: f.t >= pd.Timestamp("2013-01-01")),
        (
            "t < '2013-06-02' and t in ['2013-06-01 12:00']",
            lambda f: f.t == pd.Timestamp("2013-06-01 12:00"),
        ),
        ("cat == 'a'", lambda f: f.cat == "a"),
        ("codes == 2", lambda f: f.codes.astype(int) == 2),
        ("maybe or False", lambda f: f.maybe.fillna(False).astype(bool)),
        ("flag == True", lambda f: f.flag),
        ("mixed == '1'", lambda f: f.mixed.astype(str) == "1"),
    ],
)
def test_truth_values_match_pandas(frame: pd.DataFrame, text: str, expected) -> None:
    """Comparisons, logic, membership and text tests match pandas; missing compares false."""
    got = run(text, frame)
    assert got.dtype == bool
    np.testing.assert_array_equal(got, np.asarray(expected(frame), dtype=bool))


def test_text_results_are_strings_or_none(frame: pd.DataFrame) -> None:
    """Labels and lower() give an object array of str, None where the text is missing."""
    labels = run("'big' if x > 1 else 'small'", frame)
    assert labels.dtype == object and list(labels) == ["big", "small", "small", "small", "big"]
    assert list(run("lower(s)", frame)) == ["apple", "banana", None, "cherry pie", "apple"]
    assert list(run("s if flag else 'none'", frame)) == ["Apple", "none", None, "none", "apple"]


def test_constants_are_broadcast_to_every_row(frame: pd.DataFrame) -> None:
    """A rule without columns gives one value per row, of its kind."""
    assert run("3", frame).tolist() == [3.0] * 5
    assert run("'label'", frame).tolist() == ["label"] * 5
    assert run("True", frame).dtype == bool


def test_undefined_arithmetic_is_nan_or_inf_per_row() -> None:
    """Division by zero, 0/0, sqrt of a negative and overflow give inf/NaN, never an exception."""
    x = np.array([1.0, 0.0, -4.0, 1e300])
    zero = x - x
    with np.errstate(all="ignore"):
        expected = {
            "x / (x - x)": x / zero,  # inf, nan, -inf, inf
            "x // (x - x)": x // zero,
            "x % (x - x)": x % zero,  # nan
            "sqrt(x)": np.sqrt(x),  # nan for -4
            "x * x": x * x,  # inf for 1e300
            "(x - x) ** -1": zero**-1.0,
        }
    for text, want in expected.items():
        got = evaluate(parse(text, RULE), {"x": x})
        np.testing.assert_array_equal(got, want, err_msg=text)
    assert np.isnan(expected["x % (x - x)"]).all() and np.isinf(expected["x * x"][3])


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("s + 1", 3, "arithmetic (+) needs numbers on both sides; found text"),
        ("-s", 1, "unary - needs a number; found text"),
        ("s == 3", 3, "cannot compare text with a number (==); quote numbers"),
        ("n > s", 3, "cannot compare a number with text"),
        ("t > 3", 3, "cannot compare a date/time with a number"),
        ("t > s", 3, "a date/time compares with another date/time or with a date in quotes"),
        ("t > 'soon'", 3, "cannot read 'soon' as a date/time"),
        ("s and flag", 3, "'and' needs true/false values; found text"),
        ("not t", 1, "'not' needs true/false values; found a date/time"),
        ("1 if s else 2", 3, "the condition needs true/false values; found text"),
        ("s if flag else n", 3, "both branches of 'x if c else y' must be of one kind"),
        ("lower(n)", 1, "lower() needs text; found a number"),
        ("abs(s)", 1, "abs() needs a number; found text"),
        ("s in [1, 2]", 3, "cannot look for text in a list of numbers"),
        ("n in ['a']", 3, "cannot look for a number in a list of strings"),
        ("'a' in n", 5, "'in' with a string on the left looks inside text; found a number"),
        ("t + 1", 3, "found a date/time"),
    ],
)
def test_mixed_kinds_are_positioned_errors_at_evaluation(
    frame: pd.DataFrame, text: str, position: int, message: str
) -> None:
    """Kinds known only from the data are checked when evaluating: an error, not a TypeError."""
    expression = parse(text, RULE)
    with pytest.raises(ExpressionError) as info:
        evaluate(expression, {c: frame[c] for c in frame.columns})
    assert info.value.position == position
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("'a' + 1", 5),
        ("'a' if 2 > 1 else 2", 5),
        ("lower(3)", 1),
        ("'a' < 1", 5),
        ("not 'a'", 1),
        ("True in ['a']", 6),
        ("1 in [1, 'a']", 3),
    ],
)
def test_mixed_kinds_visible_in_the_text_are_refused_at_parse_time(
    text: str, position: int
) -> None:
    """When the text alone shows a mix of kinds, parsing already refuses it."""
    with pytest.raises(ExpressionError) as info:
        parse(text, RULE)
    assert info.value.position == position


def test_missing_names_and_mismatched_lengths_are_positioned() -> None:
    """A name with no value names its use and the closest given name; lengths must agree."""
    expression = parse("alpha + betta", RULE)
    with pytest.raises(
        ExpressionError, match=r"character 9: unknown column 'betta' \(did you mean 'beta'\?\)"
    ):
        evaluate(expression, {"alpha": 1.0, "beta": 2.0})
    with pytest.raises(
        ExpressionError, match="character 1: the values of alpha, betta have different lengths"
    ):
        evaluate(expression, {"alpha": np.ones(3), "betta": np.ones(4)})
    with pytest.raises(ExpressionError, match="different lengths"):
        evaluate(expression, {"alpha": np.ones(3), "betta": 1.0}, rows=5)


def test_bootstrap_arrays_evaluate_elementwise() -> None:
    """Names bound to arrays (one value per resample) give one result per resample."""
    from mlplan.core.expr import FORMULA

    rng = np.random.default_rng(0)
    p, r = rng.random(1000), rng.random(1000)
    e = parse("2 * p * r / (p + r) - 0.1 * max(p, r) ** 2", FORMULA)
    np.testing.assert_allclose(
        evaluate(e, {"p": p, "r": r}), 2 * p * r / (p + r) - 0.1 * np.maximum(p, r) ** 2
    )
    assert evaluate(e, {"p": 0.5, "r": 0.5}).shape == ()


def test_values_take_the_kind_of_their_data(frame: pd.DataFrame) -> None:
    """Columns and arrays become numbers, true/false, text or dates/times."""
    kinds = {c: column_value(frame[c]).kind for c in frame.columns}
    assert kinds == {
        "x": "number",
        "n": "number",
        "s": "text",
        "flag": "bool",
        "t": "time",
        "cat": "text",
        "codes": "number",
        "maybe": "number",  # missing values: 1.0 / 0.0 / NaN
        "count": "number",
        "mixed": "text",
        "long name": "number",
    }
    assert as_value(np.array(["a", "b"])).kind == "text"
    assert as_value(3).kind == "number" and as_value(np.bool_(True)).kind == "bool"
    aware = pd.Series(pd.to_datetime(["2013-01-01 00:00"]).tz_localize("Europe/Paris"))
    assert column_value(aware).data[0] == np.datetime64("2012-12-31T23:00")


def test_dates_in_quotes_take_the_unit_of_the_column() -> None:
    """A date is converted to the column's unit; one the unit cannot hold is refused, not wrapped."""
    stamps = pd.to_datetime(["2013-01-01", "2300-01-01"], format="ISO8601")
    micro = pd.Series(stamps.as_unit("us"))
    expression = parse("t < '3000-01-01' and t in ['2013-01-01', '2300-01-01']", RULE)
    assert evaluate(expression, {"t": micro}).tolist() == [True, True]
    nano = pd.Series(pd.to_datetime(["2013-01-01", None]).as_unit("ns"))
    assert evaluate(parse("t < '2262-01-01'", RULE), {"t": nano}).tolist() == [True, False]
    with pytest.raises(ExpressionError, match=r"character 3: the date '3000-01-01' is outside"):
        evaluate(parse("t < '3000-01-01'", RULE), {"t": nano})
    days = np.array(["2013-01-01", "2013-01-03"], dtype="datetime64[D]")
    assert evaluate(parse("t > '2013-01-02 18:00'", RULE), {"t": days}).tolist() == [False, True]
