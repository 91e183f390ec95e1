"""The formula language: arithmetic over metric names, errors pointing at characters, no eval."""

from __future__ import annotations

import pytest

from mlplan.core.metrics import parse_formula

NAMES = ["precision", "recall", "tp", "fp", "fn", "n", "latency_ms"]


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("0.7*precision + 0.3*recall", {"precision": 0.9, "recall": 0.5}, 0.78),
        ("-(50*fn + 5*fp)/n", {"fn": 2, "fp": 4, "n": 100}, -1.2),
        (
            "min(precision, recall) - 0.001*latency_ms",
            {"precision": 0.9, "recall": 0.5, "latency_ms": 100},
            0.4,
        ),
        ("sqrt(precision*recall)", {"precision": 0.25, "recall": 1.0}, 0.5),
        ("abs(-recall) + max(1, 2, 3) - 1e1/10", {"recall": 0.5}, 2.5),
        ("recall ** 2 + 2 ** -1", {"recall": 0.5}, 0.75),
    ],
)
def test_evaluates(text, env, expected):
    """Formulas compute what they say."""
    assert float(parse_formula(text, NAMES).evaluate(env)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "0.7*precison",
            r"character 5: unknown name 'precison' \(did you mean 'precision'\?\); allowed: ",
        ),
        ("__import__(recall)", r"character 1: unknown function '__import__'"),
        ("__import__('os')", r"character 12: unexpected character"),
        ("recall.real", r"character 7: unexpected character '\.'; attribute access is not allowed"),
        ("recall ** recall", r"character 11: the exponent of \*\* must be a constant number"),
        ("(recall", r"character 8: expected '\)', found the end"),
        ("recall +", r"character 9: expected a number, a name or '\(', found the end"),
        ("min(recall)", r"character 1: min\(\) takes at least 2 argument\(s\), got 1"),
        ("", r"empty formula"),
        ("recall[0]", r"character 7: unexpected character '\['"),
    ],
)
def test_errors_point_at_characters(text, message):
    """Every error says what was wrong and where."""
    with pytest.raises(ValueError, match=message):
        parse_formula(text, NAMES)
