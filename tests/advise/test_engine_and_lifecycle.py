"""The advice engine (groups, muting, rendering) and the lifecycle record (CLI and Python)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

import mlplan
from mlplan.core.advise import judge
from mlplan.core.advise.consistency import conflicts
from mlplan.core.advise.evidence import leakage_notes
from mlplan.core.lifecycle import loop_backs
from mlplan.errors import PlanError
from mlplan.io.report.advice import advice_markdown
from mlplan.records.advice import Advice


def test_every_rule_reports_once_in_code_order(advice_project):
    """Each rule gives exactly one finding; codes are unique and sorted."""
    advice = judge(advice_project.evidence)
    codes = [f.code for f in advice.findings]
    assert codes == sorted(set(codes))
    assert codes == [f"ADV{i:03d}" for i in range(1, 16)]


def test_muted_rules_show_as_muted_not_as_issues(advice_project):
    """Muting ADV003 in the plan keeps the finding visible but out of the open advice."""
    advice = judge(advice_project.evidence, mute=["adv003"])
    assert advice.finding("ADV003").outcome == "muted"
    assert "ADV003" not in [f.code for f in advice.open]


def test_unknown_muted_code_is_a_plan_error(advice_project):
    """A typo in advice.mute names the allowed codes."""
    with pytest.raises(PlanError, match=r"advice\.mute: unknown rule code .ADV03."):
        judge(advice_project.evidence, mute=["ADV03"])


def test_markdown_json_round_trip(advice_project):
    """Markdown has one section per group; JSON round-trips to the same findings."""
    advice = judge(advice_project.evidence)
    text = advice_markdown(advice)
    assert text.startswith("## Advice")
    assert "### Issues" in text and "### Not applicable" in text
    again = Advice.from_dict(json.loads(json.dumps(advice.to_dict())))
    assert again.findings == advice.findings


def test_run_stores_advice_and_status_shows_it(advice_project, cli):
    """`mlplan run` stored the advice; `mlplan status` lists the open findings and
    what evidence would close each."""
    state = mlplan.status(advice_project.folder)
    assert state.advice is not None and state.advice["run_id"] == advice_project.run_id
    done = cli("status", "-p", advice_project.folder)
    assert done.code == 0
    assert "ADV003" in done.out and "closes when" in done.out


def test_accept_loops_back_and_history_counts_it(advice_project, cli, tmp_path):
    """With ADV008 muted (the team keeps ML), the overfitting finding decides: accepting it
    records a decision and moves training → data; the history shows the move with its
    reason and one loop-back to data; a manual move forward returns to training."""
    folder = tmp_path / "project"
    shutil.copytree(advice_project.folder, folder)
    plan = folder / "mlplan.yaml"
    plan.write_text(plan.read_text() + "advice: {mute: [ADV008]}\n")
    done = cli("advise", "-p", folder, "--accept", "ADV003", "--json")
    assert done.code == 0, done.err
    payload = json.loads(done.out)
    assert payload["accepted"]["stage_move"]["to"] == "data"
    with mlplan.Context(folder) as project:
        assert project.stage == "data"
        assert loop_backs(e["payload"] for e in project.store.events("stage"))["data"] == 1
    moved = cli("stage", "training", "--why", "collected 3 more months", "-p", folder)
    assert moved.code == 0 and "data → training" in moved.out
    shown = cli("history", "-p", folder)
    assert "loop-backs per stage" in shown.out and "data 1" in shown.out
    entries = json.loads(cli("history", "-p", folder, "--json").out)
    assert any(e["summary"].startswith("accepted ADV003") for e in entries)
    assert any(e["details"].get("why") == "collected 3 more months" for e in entries)
    kinds = [e.kind for e in mlplan.history(folder)]
    assert kinds.count("stage") == 2 and "decision" in kinds


def test_bad_stage_and_bad_accept_exit_2(advice_project, cli):
    """A stage that does not exist, or accepting a rule that did not fire, is bad input."""
    bad = cli("stage", "deploy", "--why", "x", "-p", advice_project.folder)
    assert bad.code == 2 and "did you mean 'deployment'" in bad.err
    mlplan_advice = mlplan.advise(advice_project.folder)
    passed = next(f.code for f in mlplan_advice.findings if f.outcome == "not_applicable")
    with pytest.raises(PlanError, match="nothing to accept"):
        mlplan.accept(passed, advice_project.folder, advice=mlplan_advice)


def test_the_plan_schema_knows_every_advice_code() -> None:
    """Muted codes are checked at load against the rules' codes, without importing the rules."""
    from mlplan.core.advise.rules import RULES
    from mlplan.schema.plan import ADVICE_CODES

    assert tuple(r.code for r in RULES) == ADVICE_CODES


def _stages_per_model(advice: Advice) -> dict[str, set[str]]:
    """Every model an open finding decides for, and the stages it is sent to (a finding
    about the whole run sends every model)."""
    models = {f.subject for f in advice.open if f.subject} | {"(run)"}
    run_stages = {f.stage for f in advice.open if f.subject is None}
    return {m: {f.stage for f in advice.open if f.subject == m} | run_stages for m in models}


@pytest.mark.parametrize(
    "fixture", ["advice_project", "churn_evidence", "diamonds_evidence", "forecast_evidence"]
)
def test_no_model_is_sent_to_two_stages(fixture, request):
    """On real runs the open findings send each model to one stage: on churn, linear was
    sent to training (ADV002: tune harder) and to data (ADV013: collect data there)."""
    evidence = request.getfixturevalue(fixture)
    evidence = getattr(evidence, "evidence", evidence)
    advice = judge(evidence)
    assert conflicts(advice.findings) == []
    assert all(len(stages) <= 1 for stages in _stages_per_model(advice).values())


def test_the_overruled_finding_says_what_it_waits_for(churn_evidence):
    """Churn: ADV013 asked to collect data for linear while ADV002 (tune harder) decides
    linear's stage; ADV013 keeps its slices, takes training and says why."""
    advice = judge(churn_evidence)
    slices = advice.finding("ADV013")
    assert slices.outcome == "tip" and slices.subject == "linear"
    assert slices.stage == advice.finding("ADV002").stage == "training"
    assert slices.numbers["proposed_stage"] == "data" and slices.numbers["deferred_to"] == "ADV002"
    assert "On hold: ADV002" in slices.message


def test_a_finding_about_the_whole_run_decides_first(advice_project):
    """Flights: a scripted rule matches every ML model (ADV008: planning). Until that is
    settled, nothing else moves a model to another stage."""
    advice = judge(advice_project.evidence)
    assert advice.finding("ADV008").outcome == "issue"
    assert {f.stage for f in advice.open} == {"planning"}
    assert advice.next_stage == "planning"
    assert "On hold: ADV008" in advice.finding("ADV003").message


def test_no_deployment_while_leakage_is_suspected(advice_project):
    """A requirement the linear rung meets with confidence would send it to deployment; a
    critical leakage warning on the same run holds that move back at data."""
    note = {
        "code": "single_feature",
        "column": "arr_delay",
        "severity": "critical",
        "evidence": "alone reaches ROC AUC 0.999",
    }
    evidence = replace(
        advice_project.evidence,
        requirement={"balanced_accuracy": 0.55},
        leakage=leakage_notes([note]),
    )
    advice = judge(evidence, mute=["ADV008"])
    deploy = advice.finding("ADV005")
    assert deploy.outcome == "tip" and deploy.numbers["proposed_stage"] == "deployment"
    assert deploy.stage == "data" and "On hold: ADV012" in deploy.message
