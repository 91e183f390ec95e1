"""``mlplan gate`` end to end on real flights data, a real champion and the stored ladder.

Each outcome through the real entry point: pass, regression, inconclusive (failing by
default, passing with ``gate.on_inconclusive: pass``), a failed check (changed test
set), the first champion, and the bad inputs.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

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


def _gate(gate_project: GateProject, cli: Callable[..., Any], path: Any, *extra: Any) -> Any:
    """Gate a candidate at the champion's threshold (declared, so never optimistic)."""
    return cli(
        "gate",
        "--candidate",
        path,
        "-p",
        gate_project.root,
        "--threshold",
        repr(gate_project.threshold),
        *extra,
    )


def _json(done: Any) -> dict[str, Any]:
    return json.loads(done.out)


def _rule(payload: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in payload["rules"] if r["id"] == rule_id)


def _text(done: Any) -> str:
    return " ".join(done.out.split())


def _set_gate(gate_project: GateProject, extra: str) -> None:
    plan = gate_project.root / "mlplan.yaml"
    plan.write_text(plan.read_text() + extra)


def test_first_champion_is_accepted_when_not_worse_than_the_best_baseline(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """No champion: floors and the best rung decide; the threshold chosen on the test rows is
    marked optimistic in the terminal, the JSON and the stored champion keeps it."""
    done = cli(
        "gate",
        "--candidate",
        gate_project.root / "champion.parquet",
        "-p",
        gate_project.root,
        "--accept",
    )
    assert done.code == 0, done.out + done.err
    text = _text(done)
    assert text.startswith("gate PASSED: champion")
    assert "optimistic (threshold chosen on the test rows)" in text
    assert "skip non_inferiority.metric: no champion yet" in text
    with Store(store_path(gate_project.root)) as store:
        event = store.events("champion")[-1]["payload"]
    assert abs(event["threshold"] - gate_project.threshold) < 1e-12
    assert event["gate"]["outcome"] == "pass"
    same = gate_project.write("same.parquet", gate_project.score)
    payload = _json(cli("gate", "--candidate", same, "-p", gate_project.root, "--json"))
    assert payload["threshold_source"] == "test_rows"
    assert payload["threshold_note"] == "optimistic (threshold chosen on the test rows)"
    best = _rule(payload, "best_baseline")
    assert best["status"] == "pass" and best["against"] == "linear"
    assert best["hi"] > 0 and best["null"] == 0.0


def test_identical_candidate_passes(gate_project: GateProject, cli: Callable[..., Any]) -> None:
    """The champion's very predictions pass with a zero-width interval and p = 0 at -margin."""
    _accept_champion(gate_project, cli)
    same = gate_project.write("same.parquet", gate_project.score)
    done = _gate(gate_project, cli, same, "--json")
    assert done.code == 0, done.out + done.err
    payload = _json(done)
    assert payload["outcome"] == "pass" and payload["champion"] == "champion"
    assert payload["threshold_source"] == "declared" and payload["threshold_note"] == ""
    rule = _rule(payload, "non_inferiority.metric")
    assert rule["status"] == "pass" and rule["difference"] == 0.0
    assert rule["lo"] == rule["hi"] == 0.0 and not rule["better"]
    assert rule["resolution"] == 0.0 and rule["rows_needed"] == 0
    assert rule["margin"] == 0.02 and rule["null"] == -0.02 and rule["p_value"] == 0.0


def test_within_noise_passes_and_is_not_called_better(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """Ten late flights newly caught, ten newly missed: non-inferiority shown, not 'better'."""
    _accept_champion(gate_project, cli)
    path = gate_project.write("noisy.parquet", gate_project.swapped(10))
    done = _gate(gate_project, cli, path, "--json")
    assert done.code == 0, done.out
    rule = _rule(_json(done), "non_inferiority.metric")
    assert rule["status"] == "pass" and rule["better"] is False
    assert rule["lo"] < 0 < rule["hi"] and rule["lo"] >= -0.02
    assert rule["p_value"] < 0.05  # decided: p of "change = -0.02" below 1 - confidence
    assert "pass: not worse than champion by more than the margin 0.0200" in rule["message"]


def test_ten_percent_flipped_is_a_regression_naming_metric_interval_and_p(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """10 % of the correct predictions flipped: exit 1, the whole interval below -margin."""
    _accept_champion(gate_project, cli)
    worse = gate_project.write("worse.parquet", gate_project.flipped(0.10))
    done = _gate(gate_project, cli, worse)
    assert done.code == 1
    text = _text(done)
    assert text.startswith("gate REGRESSION: worse vs champion champion")
    assert "REGRESSION non_inferiority.metric: f1" in text
    assert "95% paired bootstrap interval [-0.0" in text
    assert "regression: worse than champion by more than the margin 0.0200" in text
    payload = _json(_gate(gate_project, cli, worse, "--json"))
    assert payload["outcome"] == "regression" and payload["exit_code"] == 1
    rule = _rule(payload, "non_inferiority.metric")
    assert rule["status"] == "regression" and rule["metric"] == "f1"
    assert rule["hi"] < -0.02 and rule["p_value"] < 0.05 and rule["difference"] < 0
    assert "better" not in rule["message"].split("; regression:")[1]


def test_inconclusive_fails_by_default_and_says_what_would_decide_it(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """Forty flights swapped each way: the interval straddles -margin; exit 1 by default,
    with the rows an equally good candidate needs and the margin these rows decide."""
    _accept_champion(gate_project, cli)
    path = gate_project.write("noisy.parquet", gate_project.swapped(40))
    done = _gate(gate_project, cli, path)
    assert done.code == 1
    text = _text(done)
    assert text.startswith("gate INCONCLUSIVE (fails: gate.on_inconclusive is fail)")
    assert "INCONCLUSIVE non_inferiority.metric" in text
    assert "test rows to show non-inferiority at this margin (90% power)" in text
    assert "would be decided on these rows" in text
    payload = _json(_gate(gate_project, cli, path, "--json"))
    rule = _rule(payload, "non_inferiority.metric")
    assert rule["status"] == "inconclusive" and rule["lo"] < -0.02 < rule["hi"]
    assert rule["p_value"] >= 0.05
    assert rule["rows_needed"] > payload["n_test"]
    assert "worse" not in rule["message"].split("inconclusive:")[1].split(";")[0]


def test_inconclusive_passes_when_the_plan_says_so(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """gate.on_inconclusive: pass -> exit 0; JUnit marks the rule skipped with its reason."""
    _set_gate(gate_project, "  on_inconclusive: pass\n")
    _accept_champion(gate_project, cli)
    path = gate_project.write("noisy.parquet", gate_project.swapped(40))
    junit = gate_project.root / "out/gate.xml"
    done = _gate(gate_project, cli, path, "--junit-xml", junit)
    assert done.code == 0, done.out
    assert "gate INCONCLUSIVE (passes: gate.on_inconclusive is pass)" in _text(done)
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    case = next(
        c for c in suite.findall("testcase") if "non_inferiority.metric" in c.get("name", "")
    )
    skipped = case.find("skipped")
    assert skipped is not None and skipped.get("message", "").startswith("inconclusive: ")


def test_junit_and_markdown_files_per_outcome(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """The JUnit file parses with a real XML parser: failures typed by outcome."""
    _accept_champion(gate_project, cli)
    for name, score, outcome in (
        ("worse", gate_project.flipped(0.10), "regression"),
        ("noisy", gate_project.swapped(40), "inconclusive"),
    ):
        path = gate_project.write(f"{name}.parquet", score)
        junit, markdown = (
            gate_project.root / f"out/{name}.xml",
            gate_project.root / f"out/{name}.md",
        )
        payload = _json(
            _gate(gate_project, cli, path, "--junit-xml", junit, "--markdown", markdown, "--json")
        )
        assert payload["outcome"] == outcome
        suite = ET.parse(junit).getroot().find("testsuite")
        assert suite is not None
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests", "-1")) == len(payload["rules"])
        failures = [c.find("failure") for c in cases if c.find("failure") is not None]
        assert len(failures) == int(suite.get("failures", "-1"))
        assert outcome in {f.get("type") for f in failures if f is not None}
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["outcome"] == outcome and props["threshold_source"] == "declared"
        text = markdown.read_text()
        assert text.startswith(f"### mlplan gate {'❌' if outcome == 'regression' else '❔'}")
        assert f" {outcome} | f1: candidate - champion >= -0.0200 |" in text


def test_changed_test_set_fails_until_accepted(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """Relabelled test rows change the fingerprint: a failed check, then a pass once accepted."""
    _accept_champion(gate_project, cli)
    data = pd.read_parquet(gate_project.root / "flights.parquet")
    relabel = data["flight_id"].isin(gate_project.test_ids[:20])
    data.loc[relabel, "late"] = ~data.loc[relabel, "late"]
    data.to_parquet(gate_project.root / "flights.parquet", index=False)
    same = gate_project.write("same.parquet", gate_project.score)
    done = _gate(gate_project, cli, same)
    assert done.code == 1
    text = _text(done)
    assert text.startswith("gate FAILED")
    assert "the test set changed since the champion 'champion' was accepted" in text
    done = _gate(
        gate_project, cli, same, "--accept-new-test-set", "--reason", "relabelled 20 flights"
    )
    assert done.code == 0, done.out
    with Store(store_path(gate_project.root)) as store:
        decision = store.events("decision")[-1]["payload"]
    assert decision["decision"] == "accept_new_test_set"
    assert decision["why"] == "relabelled 20 flights"
    payload = _json(_gate(gate_project, cli, same, "--json"))
    assert _rule(payload, "test_set")["status"] == "pass"
    assert _rule(payload, "non_inferiority.metric")["status"] == "skip"


def test_accept_stores_champion_and_refuses_an_undecided_one(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """--accept writes a champion event; an inconclusive candidate is not promoted."""
    _accept_champion(gate_project, cli)
    with Store(store_path(gate_project.root)) as store:
        event = store.events("champion")[-1]["payload"]
        gates = store.events("gate")
    assert event["name"] == "champion" and event["why"] == "first model"
    assert event["who"] and event["when"] and len(event["predictions_fingerprint"]) == 16
    assert gates[-1]["payload"]["accepted"] is True
    path = gate_project.write("noisy.parquet", gate_project.swapped(40))
    done = _gate(gate_project, cli, path, "--accept")
    assert done.code == 1
    assert "noisy was not promoted: the gate's outcome is inconclusive" in _text(done)
    with Store(store_path(gate_project.root)) as store:
        assert store.events("champion")[-1]["payload"]["name"] == "champion"


def test_must_beat_asks_for_significant_superiority_only_when_listed(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """must_beat: [dummy, linear, bag_of_words]: beaten, not shown better, and missing."""
    _set_gate(gate_project, "  must_beat: [dummy, linear, bag_of_words]\n")
    path = gate_project.write("cand.parquet", gate_project.score)
    done = _gate(
        gate_project,
        cli,
        path,
        "--champion",
        gate_project.root / "champion.parquet",
        "--json",
    )
    assert done.code == 1
    payload = _json(done)
    assert _rule(payload, "non_inferiority.metric")["status"] == "pass"
    assert _rule(payload, "must_beat.dummy")["status"] == "pass"
    linear = _rule(payload, "must_beat.linear")
    assert linear["status"] == "inconclusive" and linear["lo"] < 0 < linear["hi"]
    assert "a gain is not shown" in linear["message"]
    missing = _rule(payload, "must_beat.bag_of_words")
    assert missing["status"] == "fail" and "cannot be computed" in missing["message"]


def test_bad_input_exits_2_with_one_line(
    gate_project: GateProject, cli: Callable[..., Any]
) -> None:
    """Missing files, a champion file from another test set, a negative margin, a misspelt
    on_inconclusive, a threshold outside [0, 1], a malformed --cost: one line, exit 2."""
    root = gate_project.root
    champion = root / "champion.parquet"
    done = cli("gate", "--candidate", root / "nope.parquet", "-p", root)
    assert done.code == 2 and "nope.parquet" in done.err
    other = pd.DataFrame({"flight_id": list(gate_project.test_ids[:300]), "score": 0.5})
    other.to_parquet(root / "other.parquet")
    done = cli("gate", "--candidate", champion, "--champion", root / "other.parquet", "-p", root)
    assert done.code == 2 and len(done.err.strip().splitlines()) == 1
    assert "--champion: not scored on this test set" in done.err
    assert "1700 of 2000 test ids are missing" in done.err
    done = cli("gate", "--candidate", champion, "-p", root, "--threshold", "1.5")
    assert done.code == 2 and "the threshold must lie in [0, 1]; got 1.5" in done.err
    done = cli("gate", "--candidate", champion, "-p", root, "--cost", "latency")
    assert done.code == 2 and "--cost" in done.err
    plan = root / "mlplan.yaml"
    original = plan.read_text()
    for extra, message in (
        ("  on_inconclusive: pas\n", "gate.on_inconclusive: Input should be 'fail' or 'pass'"),
        (
            "  non_inferiority: {metric: -0.01}\n",
            "non_inferiority.metric: margin must be >= 0",
        ),
    ):
        plan.write_text(
            original.replace("  non_inferiority: {metric: 0.02, precision: 0.03}\n", "") + extra
        )
        done = cli("gate", "--candidate", champion, "-p", root)
        assert done.code == 2, done.out
        assert len(done.err.strip().splitlines()) == 1 and message in done.err, done.err
