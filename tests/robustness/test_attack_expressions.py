"""Hostile formulas and scripted rules through ``mlplan run``: refused at load, in one line.

These are the cases of the issue, end to end (the expression language itself is fuzzed
in ``tests/expr``): each used to hang, or to escape as a Python exception.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _robust import BASE_PLAN, assert_refused, within

RULES = [
    ("10**10**10 > 0", "the exponent of ** must be a constant number between -64 and 64"),
    ("10.0**400 > 0", "character 7: the exponent of ** must be a constant"),
    ("1//0 > 0", "character 2: division by zero"),
    ("distance / 0 > 1", "character 10: division by zero"),
    ("distance % 0 > 1", "character 10: division by zero"),
    ("distance > " + "+".join(["1"] * 100_000), "200,010 characters long; at most 10,000"),
    ("distance > " + "+".join(["1"] * 4_000), "more than 2,000 parts"),
    ("not " * 20_000 + "distance > 1", "80,012 characters long; at most 10,000"),
    ("not " * 2_000 + "distance > 1", "nests more than 64 levels deep"),
    ("'a' if month > 3 else 2", "both branches of 'x if c else y' must be of one kind"),
]

#: Kinds the text alone does not show: refused when the rule first meets the table.
RULES_WITH_DATA = [
    ("(distance if month > 3 else 'a') == 1", "both branches of 'x if c else y' must be of one"),
    ("distance + carrier > 0", "arithmetic (+) needs numbers on both sides; found text"),
]

FORMULAS = [
    ("(" * 5_000 + "f1" + ")" * 5_000, "10,002 characters long; at most 10,000"),
    ("(" * 1_000 + "f1" + ")" * 1_000, "nests more than 64 levels deep"),
    ("+".join(["f1"] * 200_000), "at most 10,000"),
    ("f1 / 0", "division by zero"),
    ("precision ** 1e9", "the exponent of ** must be a constant"),
]


@pytest.mark.parametrize(("rule", "fragment"), RULES, ids=[f"rule {r[:24]}" for r, _ in RULES])
def test_hostile_rules_are_refused_at_load(cli, project: Path, rule: str, fragment: str) -> None:
    """Positioned, one line, exit 2, and quick (one used to spin for minutes)."""
    scripted = f"  scripted:\n    - {{name: hostile, rule: {json.dumps(rule)}}}\n"
    (project / "mlplan.yaml").write_text(BASE_PLAN + scripted)
    with within(5):
        result = cli("run", "-p", project)
    assert_refused(result, 2, "mlplan.yaml:14: baselines.scripted 'hostile': rule", fragment)
    assert not (project / ".mlplan").exists()


@pytest.mark.parametrize(
    ("rule", "fragment"), RULES_WITH_DATA, ids=[f"rule {r[:24]}" for r, _ in RULES_WITH_DATA]
)
def test_kinds_mixed_through_columns_are_positioned_errors(
    cli, project: Path, rule: str, fragment: str
) -> None:
    """A numpy type-promotion error used to escape; now the character is named."""
    scripted = f"  scripted:\n    - {{name: hostile, rule: {json.dumps(rule)}}}\n"
    (project / "mlplan.yaml").write_text(BASE_PLAN + scripted)
    result = cli("run", "-p", project)
    assert_refused(result, 2, "baselines.scripted 'hostile': rule", fragment)


@pytest.mark.parametrize(
    ("formula", "fragment"), FORMULAS, ids=[f"formula {f[:24]}" for f, _ in FORMULAS]
)
def test_hostile_formulas_are_refused_at_load(
    cli, project: Path, formula: str, fragment: str
) -> None:
    """Formulas: no depth or length left unbounded (a 200k-term one used to give no answer)."""
    plan = BASE_PLAN.replace("optimise: f1", f"formula: {json.dumps(formula)}")
    (project / "mlplan.yaml").write_text(plan)
    with within(5):
        result = cli("run", "-p", project)
    assert_refused(result, 2, "mlplan.yaml:8: metric.formula", fragment)
    assert not (project / ".mlplan").exists()


def test_undefined_arithmetic_is_a_documented_nan(cli, project: Path) -> None:
    """A rule whose arithmetic is undefined on every row (0 / 0) runs: NaN is false."""
    rule = "distance / (month - month) > 1"
    scripted = f"  scripted:\n    - {{name: nan_rule, rule: {json.dumps(rule)}}}\n"
    (project / "mlplan.yaml").write_text(BASE_PLAN + scripted)
    result = cli("run", "-p", project, "--json")
    assert result.code == 0, result.err
    rows = {e["name"]: e for e in json.loads(result.out)["evaluations"]}
    assert rows["nan_rule"]["value"] is not None
