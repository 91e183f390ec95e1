"""``mlplan gate`` end to end on real flights data, a real champion and the stored ladder."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from mlplan.io.store import Store, store_path

GateProject = Any  # the fixture record of tests/gate/conftest.py


def _accept_champion(gate_project: GateProject, cli: Callable[..., Any]) -> None:
    done = cli(
        "gate",
        "--candidate",
        gate_project.root / "champion.parquet",
        "-p",
        gate_project.root,
        "--accept",
        "--reason",
        "first model",
    )
    assert done.code == 0, done.out + done.err


def _json(done: Any) -> dict[str, Any]:
    return json.loads(done.out)


def _rule(payload: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in payload["rules"] if r["id"] == rule_id)


def _flip(gate_project: GateProject, share: float, seed: int = 0) -> np.ndarray:
    """Scores with ``share`` of the champion's correct predictions flipped."""
    score, y = gate_project.score, gate_project.y_test
    correct = np.flatnonzero((score >= 0.5) == y)
    rng = np.random.default_rng(seed)
    flip = rng.choice(correct, size=round(share * correct.size), replace=False)
    out = score.copy()
    out[flip] = 1.0 - out[flip]
    return out


def test_identical_candidate_passes(gate_project: GateProject, cli: Callable[..., Any]) -> None:
    """A candidate with the champion's very predictions passes with a zero-width interval."""
    _accept_champion(gate_project, cli)
    same = gate_project.write("same.parquet", gate_project.score)
    done = cli("gate", "--candidate", same, "-p", gate_project.root, "--json")
    assert done.code == 0, done.out + done.err
    payload = _json(done)
    assert payload["passed"] and payload["champion"] == "champion"
    rule = _rule(payload, "non_inferiority.metric")
    assert rule["status"] == "pass" and rule["difference"] == 0.0
    assert rule["lo"] == rule["hi"] == 0.0 and not rule["better"]


def test_three_percent_flipped_fails_naming_metric_and_interval(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """Flipping 3 % of the correct predictions is a regression: exit 1, metric and interval named."""
    _accept_champion(gate_project, cli)
    worse = gate_project.write("worse.parquet", _flip(gate_project, 0.03))
    done = cli("gate", "--candidate", worse, "-p", gate_project.root)
    assert done.code == 1
    text = " ".join(done.out.split())
    assert "FAIL non_inferiority.metric: f1" in text
    assert "95% paired bootstrap interval [-0.0" in text
    payload = _json(cli("gate", "--candidate", worse, "-p", gate_project.root, "--json"))
    rule = _rule(payload, "non_inferiority.metric")
    assert rule["status"] == "fail" and rule["metric"] == "f1"
    assert rule["hi"] < 0 and rule["lo"] < -0.02
    assert "lower bound" in rule["decided_by"] and rule["p_value"] < 0.001


def test_within_noise_passes_but_is_not_better(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """Six late flights newly caught, five newly missed: non-inferior, not 'better'."""
    _accept_champion(gate_project, cli)
    score, y = gate_project.score, gate_project.y_test
    pred = score >= 0.5
    caught = np.flatnonzero(y.astype(bool) & ~pred)[:6]
    missed = np.flatnonzero(y.astype(bool) & pred)[:5]
    noisy = score.copy()
    noisy[caught] = 0.9
    noisy[missed] = 0.1
    path = gate_project.write("noisy.parquet", noisy)
    payload = _json(cli("gate", "--candidate", path, "-p", gate_project.root, "--json"))
    rule = _rule(payload, "non_inferiority.metric")
    assert payload["passed"], [r["message"] for r in payload["rules"] if r["status"] == "fail"]
    assert rule["difference"] > 0 and rule["lo"] < 0 < rule["hi"]
    assert rule["status"] == "pass" and rule["better"] is False


def test_changed_test_set_fails_until_accepted(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """Relabelled test rows change the fingerprint: fail, then pass once accepted (stored)."""
    _accept_champion(gate_project, cli)
    data = pd.read_parquet(gate_project.root / "flights.parquet")
    relabel = data["flight_id"].isin(gate_project.test_ids[:20])
    data.loc[relabel, "late"] = ~data.loc[relabel, "late"]
    data.to_parquet(gate_project.root / "flights.parquet", index=False)
    same = gate_project.write("same.parquet", gate_project.score)
    done = cli("gate", "--candidate", same, "-p", gate_project.root)
    assert done.code == 1
    assert "the test set changed since the champion 'champion' was accepted" in " ".join(
        done.out.split()
    )
    done = cli(
        "gate",
        "--candidate",
        same,
        "-p",
        gate_project.root,
        "--accept-new-test-set",
        "--reason",
        "relabelled 20 flights",
    )
    assert done.code == 0, done.out
    with Store(store_path(gate_project.root)) as store:
        decision = store.events("decision")[-1]["payload"]
    assert decision["decision"] == "accept_new_test_set"
    assert decision["why"] == "relabelled 20 flights"
    payload = _json(cli("gate", "--candidate", same, "-p", gate_project.root, "--json"))
    assert _rule(payload, "test_set")["status"] == "pass"
    assert _rule(payload, "non_inferiority.metric")["status"] == "skip"


def test_junit_and_markdown_files(gate_project: GateProject, cli: Callable[..., Any]) -> None:
    """The JUnit file parses with a real XML parser and counts rules, failures and skips."""
    _accept_champion(gate_project, cli)
    worse = gate_project.write("worse.parquet", _flip(gate_project, 0.03))
    junit, markdown = gate_project.root / "out/gate.xml", gate_project.root / "out/gate.md"
    done = cli(
        "gate",
        "--candidate",
        worse,
        "-p",
        gate_project.root,
        "--junit-xml",
        junit,
        "--markdown",
        markdown,
        "--json",
    )
    assert done.code == 1
    payload = _json(done)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", "-1")) == len(payload["rules"]) == 6
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == int(suite.get("failures", "-1")) == payload["counts"]["fail"] == 2
    assert int(suite.get("skipped", "-1")) == 0
    assert {c.get("name", "").split(":")[0] for c in failures} == {
        "non_inferiority.metric",
        "non_inferiority.precision",
    }
    text = markdown.read_text()
    assert text.startswith("### mlplan gate ❌ failed")
    assert "| ❌ | f1: candidate - champion >= -0.02 |" in text


def test_accept_stores_champion_with_who_when_why(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """--accept writes a champion event and the predictions; the next gate compares with it."""
    _accept_champion(gate_project, cli)
    with Store(store_path(gate_project.root)) as store:
        event = store.events("champion")[-1]["payload"]
        gates = store.events("gate")
    assert event["name"] == "champion" and event["why"] == "first model"
    assert event["who"] and event["when"] and len(event["predictions_fingerprint"]) == 16
    assert gates[-1]["payload"]["accepted"] is True


def test_first_gate_without_champion_skips_non_inferiority(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """Before any champion the gate still checks floors and baselines."""
    path = gate_project.write("first.parquet", gate_project.score)
    payload = _json(cli("gate", "--candidate", path, "-p", gate_project.root, "--json"))
    assert payload["passed"]
    assert _rule(payload, "non_inferiority.metric")["status"] == "skip"
    assert _rule(payload, "must_beat.linear")["better"] is True
    assert _rule(payload, "floor.recall")["status"] == "pass"


def test_explicit_champion_file_and_missing_baseline(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """--champion FILE is compared on the frozen rows; an unknown must_beat rung fails."""
    plan = gate_project.root / "mlplan.yaml"
    plan.write_text(plan.read_text() + "  must_beat: [linear, bag_of_words]\n")
    path = gate_project.write("cand.parquet", gate_project.score)
    done = cli(
        "gate",
        "--candidate",
        path,
        "--champion",
        gate_project.root / "champion.parquet",
        "-p",
        gate_project.root,
        "--json",
    )
    assert done.code == 1
    payload = _json(done)
    assert _rule(payload, "non_inferiority.metric")["status"] == "pass"
    missing = _rule(payload, "must_beat.bag_of_words")
    assert missing["status"] == "fail" and "cannot be computed" in missing["message"]


def test_bad_input_exits_2(gate_project: GateProject, cli: Callable[..., Any]) -> None:
    """Missing files and predictions without the test ids are bad input, one line, exit 2."""
    done = cli("gate", "--candidate", gate_project.root / "nope.parquet", "-p", gate_project.root)
    assert done.code == 2 and "nope.parquet" in done.err
    partial = pd.DataFrame({"flight_id": list(gate_project.test_ids[:10]), "score": 0.5})
    partial.to_parquet(gate_project.root / "partial.parquet")
    done = cli(
        "gate", "--candidate", gate_project.root / "partial.parquet", "-p", gate_project.root
    )
    assert done.code == 2 and "test ids are missing" in done.err
    done = cli(
        "gate",
        "--candidate",
        gate_project.root / "champion.parquet",
        "-p",
        gate_project.root,
        "--cost",
        "latency",
    )
    assert done.code == 2 and "--cost" in done.err
