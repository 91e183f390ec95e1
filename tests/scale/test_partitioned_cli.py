"""`mlplan evaluate` and `mlplan gate` on a Parquet folder or glob, read part by part."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlplan.core.metrics import policy_from_section

CONSTRAINED = """\
metric:
  optimise: recall
  subject_to:
    precision: ">= 0.5"
  resamples: 300
"""


def _write_parts(folder: Path, n: int = 6000, parts: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    late = rng.random(n) < 0.3
    score = np.round(np.clip(0.35 * late + rng.random(n) * 0.65, 0, 1), 3)  # ties
    folder.mkdir()
    for i, rows in enumerate(np.array_split(np.arange(n), parts)):
        pd.DataFrame({"late": late[rows], "score": score[rows]}).to_parquet(
            folder / f"part-{i}.parquet", index=False
        )
    return late.astype(int), score


def _constrained(project: Path) -> None:
    plan = project / "mlplan.yaml"
    text = plan.read_text()
    start = text.index("metric:")
    end = text.index("baselines:")
    plan.write_text(text[:start] + CONSTRAINED + text[end:])


def test_evaluate_a_folder_equals_in_memory(project_dir: Path, cli) -> None:
    _constrained(project_dir)
    y, s = _write_parts(project_dir / "preds")
    result = cli("evaluate", project_dir / "preds", "-p", project_dir, "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    policy = policy_from_section(
        {"optimise": "recall", "subject_to": {"precision": ">= 0.5"}, "resamples": 300}, "binary"
    )
    expected = policy.evaluate(y, y_score=s, rechoose=False)
    assert (record["value"], record["lo"], record["hi"], record["threshold"]) == (
        expected.value,
        expected.lo,
        expected.hi,
        expected.threshold,
    )
    assert "out of core: 6000 rows in 4 parts, 2 passes" in record["note"]
    glob = cli("evaluate", f"{project_dir}/preds/part-*.parquet", "-p", project_dir, "--json")
    assert json.loads(glob.out)["value"] == record["value"]


def test_gate_a_folder_judges_constraints_and_floors(project_dir: Path, cli) -> None:
    _constrained(project_dir)
    plan = project_dir / "mlplan.yaml"
    plan.write_text(plan.read_text() + "gate:\n  floors:\n    recall: 0.2\n")
    _write_parts(project_dir / "preds")
    result = cli("gate", "--candidate", project_dir / "preds", "-p", project_dir, "--json")
    assert result.out, result.err
    payload = json.loads(result.out)
    status = {r["id"]: r["status"] for r in payload["rules"]}
    assert status["constraint.precision"] == "pass"
    assert status["floor.recall"] == "pass"
    assert status["non_inferiority.metric"] == "skip"
    assert result.code == 0


def test_mismatched_schemas_are_one_line_exit_2(project_dir: Path, cli) -> None:
    _write_parts(project_dir / "preds")
    pd.DataFrame({"late": [True], "score": ["0.5"]}).to_parquet(
        project_dir / "preds" / "part-9.parquet", index=False
    )
    result = cli("evaluate", project_dir / "preds", "-p", project_dir)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    assert "the parts have different schemas" in lines[0]
    assert "score: double" in lines[0] and "string" in lines[0]


@pytest.mark.parametrize("optimise", ["mcc"])
def test_a_non_monotone_objective_is_refused_in_one_line(
    project_dir: Path, cli, optimise: str
) -> None:
    plan = project_dir / "mlplan.yaml"
    plan.write_text(
        plan.read_text().replace(
            "  optimise: f1\n", f"  optimise: {optimise}\n  subject_to:\n    recall: '>= 0.1'\n"
        )
    )
    _write_parts(project_dir / "preds")
    result = cli("evaluate", project_dir / "preds", "-p", project_dir)
    assert result.code == 2
    assert "need every row in memory" in result.err
