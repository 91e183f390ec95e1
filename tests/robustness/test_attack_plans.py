"""Bad plans through ``mlplan run``: refused at load with one line and exit 2, before any work.

Each case is the valid plan of ``conftest.py`` with one change. "Before any work"
is checked by the store: it is opened only after the plan has loaded, so a plan
refused at load leaves no ``.mlplan`` folder behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _robust import BASE_PLAN, assert_refused, store_rows, within

MODELS = "models:\n  - {name: tuned, predictions: a.csv}\n"

# (id, old, new, fragments of the one line[, a second (old, new)]) -- "" as old appends.
LOAD_CASES = [
    (
        "two models with one name",
        "",
        MODELS + "  - {name: tuned, predictions: b.csv}\n",
        [
            "mlplan.yaml:15: models.1.name: 'tuned' is already the name of a model",
            "mlplan.yaml:14)",
        ],
    ),
    (
        "a model named like a rung of the ladder",
        "",
        "models:\n  - {name: dummy, predictions: a.csv}\n",
        ["mlplan.yaml:14: models.0.name: 'dummy' is already the name of a ladder rung"],
    ),
    (
        "a model named like a rung outside the ladder",
        "",
        "models:\n  - {name: gradient_boosting, predictions: a.csv}\n",
        ["'gradient_boosting' is the name of a ladder rung; give a model its own name"],
    ),
    (
        "a scripted rule named like a published baseline",
        "baselines:\n",
        "baselines:\n  published: [{name: paper, f1: 0.7}]\n"
        "  scripted: [{name: paper, rule: 'distance > 1000'}]\n",
        ["baselines.published.0.name: 'paper' is already the name of a scripted baseline"],
    ),
    (
        "a duplicate key keeps neither value",
        "  optimise: f1\n",
        "  optimise: f1\n  optimise: recall\n",
        ["mlplan.yaml:9: duplicate key 'optimise' (first on line 8)"],
    ),
    (
        "a duplicate section",
        "",
        "metric: {optimise: recall}\n",
        ["mlplan.yaml:13: duplicate key 'metric' (first on line 7)"],
    ),
    (
        "misspelt optimise",
        "optimise: f1",
        "optimise: recal",
        ["mlplan.yaml:8: metric.optimise: unknown metric 'recal' (did you mean 'recall'?)"],
    ),
    (
        "misspelt subject_to",
        "optimise: f1",
        "optimise: recall\n  subject_to: {precison: '>= 0.5'}",
        ["metric.subject_to.precison: unknown metric 'precison' (did you mean 'precision'"],
    ),
    (
        "misspelt requirement",
        "baselines:\n",
        "baselines:\n  requirement: {accurracy: 0.7}\n",
        ["mlplan.yaml:11: baselines.requirement.accurracy: unknown metric 'accurracy'"],
    ),
    (
        "misspelt gate.non_inferiority",
        "",
        "gate:\n  non_inferiority: {accurracy: 0.01}\n",
        ["mlplan.yaml:14: gate.non_inferiority.accurracy: unknown metric", "'accuracy'"],
    ),
    (
        "misspelt gate.floors",
        "",
        "gate:\n  floors: {accurracy: 0.5}\n",
        ["gate.floors.accurracy: unknown metric 'accurracy' (did you mean 'accuracy'"],
    ),
    (
        "misspelt published metric",
        "baselines:\n",
        "baselines:\n  published: [{name: paper, accurracy: 0.8}]\n",
        ["baselines.published.0.accurracy: unknown metric", "(or a key of published"],
    ),
    (
        "misspelt human metric",
        "baselines:\n",
        "baselines:\n  human: [{name: crowd, recal: 0.8, n_examples: 100}]\n",
        ["baselines.human.0.recal: unknown metric 'recal' (did you mean 'recall'"],
    ),
    (
        "a constraint above the metric's range",
        "optimise: f1",
        "optimise: recall\n  subject_to: {precision: '>= 1.5'}",
        ["metric.subject_to.precision: '>= 1.5' can never hold: precision lies in [0, 1]"],
    ),
    (
        "a constraint below the metric's range",
        "optimise: f1",
        "optimise: recall\n  subject_to: {precision: '<= -0.5'}",
        ["'<= -0.5' can never hold: precision lies in [0, 1]"],
    ),
    (
        "a requirement of 1.5",
        "baselines:\n",
        "baselines:\n  requirement: {f1: 1.5}\n",
        ["baselines.requirement.f1: 1.5 is outside the range of f1, [0, 1]"],
    ),
    (
        "a floor of 1.5",
        "",
        "gate:\n  floors: {f1: 1.5}\n",
        ["gate.floors.f1: 1.5 is outside the range of f1, [0, 1]"],
    ),
    (
        "a published score in percent",
        "baselines:\n",
        "baselines:\n  published: [{name: paper, f1: 81}]\n",
        ["baselines.published.0.f1: 81 is outside the range of f1, [0, 1]"],
    ),
    (
        "a metric of another task, the task declared",
        "  positive: true\n",
        "  positive: true\n  task: binary\n",
        ["baselines.requirement.mae: 'mae' is not a metric of a binary task"],
        ("  cv_folds: 2\n", "  cv_folds: 2\n  requirement: {mae: 3.0}\n"),
    ),
    (
        "an unknown rung",
        "[dummy, linear]",
        "[dummy, lineer]",
        ["mlplan.yaml:11: baselines.ladder: unknown rung 'lineer' (did you mean 'linear'?)"],
    ),
    (
        "an unknown muted advice code",
        "",
        "advice: {mute: [ADV999]}\n",
        ["mlplan.yaml:13: advice.mute: unknown rule code 'ADV999'"],
    ),
    (
        "a budget that is not a duration",
        "  cv_folds: 2\n",
        "  cv_folds: 2\n  budget: ten minutes\n",
        ["baselines.budget: 'ten minutes' is not a duration"],
    ),
    (
        "a scripted rule that does not parse",
        "  cv_folds: 2\n",
        "  cv_folds: 2\n  scripted: [{name: far, rule: 'distance >'}]\n",
        [
            "mlplan.yaml:13: baselines.scripted 'far': rule 'distance >', syntax error at character 11"
        ],
    ),
    (
        "a seed numpy cannot take",
        "  positive: true\n",
        "  positive: true\n  split: {seed: -1}\n",
        ["data.split.seed: a seed is between 0 and 4294967295; got -1"],
    ),
    (
        "a billion resamples",
        "resamples: 50",
        "resamples: 1000000000",
        ["metric.resamples: at most 100,000 resamples; got 1,000,000,000"],
    ),
    (
        "output: /dev/null",
        "",
        "output: /dev/null\n",
        ["mlplan.yaml:13: output: /dev/null is not a folder"],
    ),
    (
        "a second document",
        "",
        "---\nproject: {name: other}\n",
        ["mlplan.yaml:13: a second YAML document"],
    ),
    (
        "a Python tag",
        "",
        "output: !!python/object/apply:os.system ['echo owned']\n",
        ["mlplan.yaml:13: not valid YAML", "python/object/apply:os.system"],
    ),
    (
        "a date that does not exist",
        "name: Robustness",
        "name: Robustness, description: 2001-02-30",
        ["mlplan.yaml:1: cannot read the value '2001-02-30'", "day is out of range"],
    ),
    (
        "a recursive alias",
        "name: Robustness",
        "name: Robustness, description: &loop [*loop]",
        ["alias '*loop' is inside the collection it names"],
    ),
    (
        "20,000-deep nesting",
        "",
        "deep: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n",
        ["mlplan.yaml:13: nesting deeper than 50 levels"],
    ),
    (
        "20,000-deep lists",
        "",
        "deep: " + "[" * 20_000 + "]" * 20_000 + "\n",
        ["mlplan.yaml:13: ", "nesting"],  # libyaml's scanner may refuse it first, in its words
    ),
]


def _alias_bomb(levels: int = 12) -> str:
    """The "billion laughs" inside a published baseline, where extra keys are allowed."""
    lines = ["      l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"      l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    return "baselines:\n  published:\n    - name: paper\n" + "\n".join(lines) + "\n"


LOAD_CASES.append(
    (
        "an alias bomb in a published baseline",
        "baselines:\n",
        _alias_bomb() + "  x: 1\n",
        ["more than 50,000 values once its aliases are expanded"],
    )
)


@pytest.mark.parametrize(
    ("old", "new", "fragments", "also"),
    [(*case[1:4], case[4] if len(case) > 4 else ("", "")) for case in LOAD_CASES],
    ids=[case[0] for case in LOAD_CASES],
)
def test_bad_plans_are_refused_at_load(cli, project: Path, old, new, fragments, also) -> None:
    """One line with the file, line and key, exit 2, fast, and nothing opened or trained."""
    text = BASE_PLAN + new if not old else BASE_PLAN.replace(old, new, 1)
    text = text.replace(*also, 1) if also[0] else text
    assert text != BASE_PLAN
    (project / "mlplan.yaml").write_text(text)
    with within(10):
        result = cli("run", "-p", project)
    assert_refused(result, 2, *fragments)
    assert not (project / ".mlplan").exists()  # the store opens after the plan has loaded
    assert not (project / "mlplan-out").exists()


def test_an_output_that_is_a_file_is_refused(cli, project: Path) -> None:
    """An existing file as the report folder, or a folder inside one, is refused at load."""
    (project / "notes.txt").write_text("mine")
    for output in ("notes.txt", "notes.txt/reports"):
        (project / "mlplan.yaml").write_text(BASE_PLAN + f"output: {output}\n")
        assert_refused(cli("run", "-p", project), 2, "mlplan.yaml:13: output:", "not a folder")
    (project / "mlplan-out").write_text("a file where the default folder goes")
    (project / "mlplan.yaml").write_text(BASE_PLAN)
    assert_refused(cli("run", "-p", project), 2, "the default report folder", "not a folder")
    assert not (project / ".mlplan").exists()
    assert (project / "notes.txt").read_text() == "mine"


def test_a_50_mb_plan_is_refused_without_reading_it(cli, project: Path) -> None:
    """The size is checked before the text is parsed (at most 1,000,000 bytes are read)."""
    plan = project / "mlplan.yaml"
    with plan.open("r+b") as handle:
        handle.truncate(50 * 2**20)  # sparse: 50 MB on paper, nothing on disk
    with within(5):
        result = cli("run", "-p", project)
    assert_refused(result, 2, "the plan file is 52,428,800 bytes; at most 1,000,000 are allowed")


def test_a_long_but_valid_plan_still_loads_quickly(cli, project: Path) -> None:
    """A 900 kB description is within the limit and is parsed once, fast."""
    description = "x" * 900_000
    (project / "mlplan.yaml").write_text(
        BASE_PLAN.replace("name: Robustness,", f"name: Robustness, description: {description},")
    )
    with within(10):
        result = cli("status", "-p", project)
    assert result.code == 0, result.err


def test_a_metric_of_another_task_is_refused_once_the_data_tells_the_task(
    cli, project: Path
) -> None:
    """Without ``data.task`` the task comes from the data; the names are checked right then,
    before the split is drawn or a rung trained."""
    (project / "mlplan.yaml").write_text(
        BASE_PLAN.replace("baselines:\n", "baselines:\n  requirement: {mae: 3.0}\n")
    )
    result = cli("run", "-p", project)
    assert_refused(
        result, 2, "mlplan.yaml:11: baselines.requirement.mae: 'mae' is not a metric of a binary"
    )
    assert store_rows(project) == {
        "runs": 0,
        "splits": 0,
        "evaluations": 0,
        "predictions": 0,
        "events": 0,
        "champions": 0,
    }


@pytest.mark.parametrize(
    ("split", "fragments"),
    [
        (
            "{test_size: 0.999}",
            ["data.split.test_size: 0.999 of 600 rows puts every row in the test"],
        ),
        ("{test_size: 0.001}", ["puts 1 row in the test set, fewer than the 2 classes of 'late'"]),
    ],
)
def test_a_test_size_that_empties_a_side_is_refused(cli, project: Path, split, fragments) -> None:
    """Both sides of the split need rows (and, stratified, a row of every class)."""
    (project / "mlplan.yaml").write_text(
        BASE_PLAN.replace("  positive: true\n", f"  positive: true\n  split: {split}\n")
    )
    assert_refused(cli("run", "-p", project), 2, "mlplan.yaml:", *fragments)
    assert store_rows(project)["splits"] == 0
