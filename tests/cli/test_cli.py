"""The command line, through the console script's entry point, on a real flights sample."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mlplan.io.store import Store


def test_init_writes_a_plan_and_says_what_it_inferred(cli, project_dir: Path) -> None:
    """init infers the task from the target and the written plan loads."""
    target = project_dir / "new"
    target.mkdir()
    result = cli(
        "init",
        "--data",
        project_dir / "flights.parquet",
        "--target",
        "late",
        "--metric",
        "recall",
        "--subject-to",
        "precision>=0.4",
        "--path",
        target,
    )
    assert result.code == 0, result.err
    assert "task binary (inferred: 2 distinct values)" in result.out
    assert "row id column flight_id" in result.out  # the one unique id-like column
    text = (target / "mlplan.yaml").read_text()
    assert "optimise: recall" in text and 'precision: ">= 0.4"' in text
    assert text.count("#") > 10  # commented for a human reader
    assert "ladder: [dummy, linear, gradient_boosting]" in text
    again = cli(
        "init", "--data", project_dir / "flights.parquet", "--target", "late", "--path", target
    )
    assert again.code == 2 and "already exists; pass --force" in again.err


def test_run_status_history_end_to_end(cli, project_dir: Path) -> None:
    """run stores and reports; status and history read the store back."""
    result = cli("run", "-p", project_dir)
    assert result.code == 0, result.err
    assert "linear" in result.out and "dummy" in result.out
    out = project_dir / "mlplan-out"
    results = json.loads((out / "results.json").read_text())
    assert {e["name"] for e in results["evaluations"]} == {"dummy", "linear"}
    assert results["task"] == "binary"
    assert (out / "report.html").read_text().startswith("<!doctype html>")
    assert "| linear" in (out / "report.md").read_text()

    status = cli("status", "-p", project_dir, "--json")
    state = json.loads(status.out)
    assert state["stage"] == "training" and state["n_runs"] == 1
    assert state["data_fingerprint"] == results["data"]["fingerprint"]

    cli("run", "-p", project_dir)
    history = json.loads(cli("history", "-p", project_dir, "--json").out)
    assert [h["kind"] for h in history] == ["run", "run"]
    assert history[0]["details"]["data_fingerprint"] == results["data"]["fingerprint"]


def test_the_frozen_split_is_reused_and_exported(cli, project_dir: Path) -> None:
    """Every run and every export uses the same test rows."""
    first = json.loads(cli("split", "-p", project_dir, "--json").out)
    assert cli("split", "-p", project_dir, "--export", project_dir / "ids").code == 0
    second = json.loads(cli("split", "-p", project_dir, "--json").out)
    assert first["test_fingerprint"] == second["test_fingerprint"]
    assert "reused" in second["note"]
    test_ids = pd.read_csv(project_dir / "ids" / "test_ids.csv", dtype=str)["id"]
    assert len(test_ids) == first["n_test"]


def _write_predictions(project_dir: Path, frame: pd.DataFrame) -> Path:
    path = project_dir / "preds.csv"
    frame.to_csv(path, index=False)
    return path


def _test_ids(cli, project_dir: Path) -> pd.Series:
    cli("split", "-p", project_dir, "--export", project_dir / "ids")
    return pd.read_csv(project_dir / "ids" / "test_ids.csv", dtype=str)["id"]


def test_evaluate_scores_a_predictions_file(cli, project_dir: Path) -> None:
    ids = _test_ids(cli, project_dir)
    path = _write_predictions(project_dir, pd.DataFrame({"flight_id": ids, "score": 0.3}))
    result = cli("evaluate", path, "-p", project_dir, "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["name"] == "preds" and record["source"] == "model"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.iloc[1:], "test ids are missing"),
        (lambda f: pd.concat([f, f.iloc[:1]]), "duplicate ids"),
        (lambda f: f.assign(score=float("nan")), "NaN or infinite values"),
        (
            lambda f: pd.concat([f, pd.DataFrame({"flight_id": ["nope"], "score": [0.1]})]),
            "ids are not rows of the data",
        ),
        (lambda f: f.rename(columns={"flight_id": "key"}), "no id column"),
    ],
)
def test_bad_predictions_files_get_one_line_and_exit_2(cli, project_dir: Path, mutate, message):
    ids = _test_ids(cli, project_dir)
    good = pd.DataFrame({"flight_id": ids, "score": 0.3})
    path = _write_predictions(project_dir, mutate(good))
    result = cli("evaluate", path, "-p", project_dir)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def _plan_with(project_dir: Path, old: str, new: str) -> None:
    plan = project_dir / "mlplan.yaml"
    plan.write_text(plan.read_text().replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("target: late", "target: lat", "column 'lat' not found in the data (did you mean 'late'"),
        ("optimise: f1", "optimise: f2", "f2"),
        ("cv_folds: 3", "cv_fold: 3", "unknown key 'baselines.cv_fold'"),
        ("cv_folds: 3", "cv_folds: three", "baselines.cv_folds"),
        ("path: flights.parquet", "path: missing.parquet", "data file not found"),
    ],
)
def test_bad_plans_get_one_line_and_exit_2(cli, project_dir: Path, old, new, message) -> None:
    _plan_with(project_dir, old, new)
    result = cli("run", "-p", project_dir)
    assert result.code == 2, result.out
    assert message in result.err
    assert "Traceback" not in result.err


def test_empty_data_file_is_bad_input(cli, project_dir: Path) -> None:
    (project_dir / "flights.csv").write_text("")
    _plan_with(project_dir, "flights.parquet", "flights.csv")
    result = cli("run", "-p", project_dir)
    assert result.code == 2 and "is empty" in result.err


def test_debug_shows_the_traceback(cli, project_dir: Path) -> None:
    _plan_with(project_dir, "target: late", "target: lat")
    result = cli("--debug", "run", "-p", project_dir)
    assert result.code == 2 and "Traceback" in result.err


def test_a_failed_run_leaves_the_store_as_it_was(cli, project_dir: Path) -> None:
    """A model file that fails mid-run writes no run."""
    assert cli("run", "-p", project_dir).code == 0
    plan = project_dir / "mlplan.yaml"
    plan.write_text(plan.read_text() + "models:\n  - {name: broken, predictions: nope.csv}\n")
    assert cli("run", "-p", project_dir).code == 2
    with Store(project_dir / ".mlplan" / "mlplan.db") as store:
        assert len(store.runs()) == 1


def test_the_installed_console_script_runs(project_dir: Path) -> None:
    """The real `mlplan` executable, as a user runs it."""
    script = Path(sys.executable).parent / "mlplan"
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run(
        [str(script), "run", "-p", str(project_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "run #1" in done.stdout
    bad = subprocess.run(
        [str(script), "status", "-p", str(project_dir / "nowhere")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: no plan file")


def test_run_with_forecast_feeds_the_advice(cli, project_dir: Path) -> None:
    """`run --forecast` measures learning curves before judging, and writes the chart."""
    plan = project_dir / "mlplan.yaml"
    plan.write_text(
        plan.read_text().replace("baselines:\n", "baselines:\n  requirement: {f1: 0.95}\n")
    )
    result = cli("run", "-p", project_dir, "--forecast", "--json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["forecast"]["rungs"][0]["rung"] == "linear"
    adv014 = next(f for f in payload["advice"]["findings"] if f["code"] == "ADV014")
    assert adv014["outcome"] in ("issue", "passed")  # judged, not "not applicable"
    assert (project_dir / "mlplan-out" / "forecast.png").exists()


def test_help_shows_each_option_s_default(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bracketed defaults in option help are printed, not eaten as Rich markup."""
    monkeypatch.setenv("COLUMNS", "250")  # one line per option
    result = cli("gate", "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "[default: file stem]" in text
    assert "[default: ./mlplan.yaml]" in text
