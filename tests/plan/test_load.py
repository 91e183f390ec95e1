"""Loading plan files: typos and wrong types point at the key and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlplan import PlanError, load_plan
from mlplan.io.plan import parse_plan

GOOD = """\
project:
  name: Churn
data:
  path: churn.csv
  target: churned
metric:
  optimise: recall
  subject_to: {precision: ">= 0.9"}
"""


def test_a_minimal_plan_loads_with_defaults() -> None:
    """Only project.name, data.path/target and the metric are required."""
    plan = parse_plan(GOOD)
    assert plan.project.stage == "planning"
    assert plan.data.split.test_size == 0.2
    assert plan.baselines.ladder == ["dummy", "linear"]
    assert plan.metric.subject_to == {"precision": ">= 0.9"}


def test_unknown_key_names_key_line_and_suggestion() -> None:
    """A typo is an error that names the key, its line and the closest allowed key."""
    text = GOOD.replace("  target: churned", "  target: churned\n  targte: x")
    with pytest.raises(PlanError) as info:
        parse_plan(text, source="mlplan.yaml")
    message = str(info.value)
    assert message.startswith("mlplan.yaml:6: unknown key 'data.targte'")
    assert "did you mean 'target'" in message


def test_a_misspelt_required_key_is_named_as_the_typo() -> None:
    """``metrik:`` for ``metric:`` said "missing required key 'metric'", hiding the typo."""
    with pytest.raises(PlanError) as info:
        parse_plan(GOOD.replace("metric:", "metrik:"), source="mlplan.yaml")
    message = str(info.value)
    assert "unknown key 'metrik' (did you mean 'metric'?)" in message
    assert "\n" not in message


def test_wrong_type_points_at_the_line() -> None:
    """A value of the wrong type names the key, the line and what was given."""
    text = GOOD + "baselines:\n  cv_folds: many\n"
    with pytest.raises(PlanError, match=r"mlplan\.yaml:10: baselines\.cv_folds: .*'many'"):
        parse_plan(text, source="mlplan.yaml")


def test_two_metric_styles_at_once_are_refused() -> None:
    """The metric section builds exactly one number."""
    text = GOOD.replace("  optimise: recall", "  optimise: recall\n  fbeta: 2")
    with pytest.raises(PlanError, match="exactly one of optimise, average, weighted"):
        parse_plan(text)


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(PlanError, match=r"plan:\d+: not valid YAML"):
        parse_plan("project: [unclosed\n", source="plan")


def test_missing_plan_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="run 'mlplan init'"):
        load_plan(tmp_path)


def test_plan_hash_ignores_comments_and_order(tmp_path: Path) -> None:
    """Equal plans hash equal; the hash identifies what the plan says, not how."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "mlplan.yaml").write_text(GOOD)
    reordered = (
        "# the same plan, metric first\n"
        "metric:\n  subject_to: {precision: '>= 0.9'}\n  optimise: recall\n"
        + GOOD.split("metric:")[0]
    )
    (tmp_path / "b" / "mlplan.yaml").write_text(reordered)
    assert load_plan(tmp_path / "a").sha256 == load_plan(tmp_path / "b").sha256
