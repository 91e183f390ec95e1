"""A linked mlplan project's measurements replace the judgements, and say so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlplan.app.context import Context
from mlplan.app.portfolio import portfolio
from mlplan.app.portfolio_evidence import read_project
from mlplan.core.portfolio.cost import data_score, factor_score
from mlplan.io.store import Store, store_path

LINK = "links:\n  - {{kind: project, path: {path}}}\n"


def _forecast(folder: Path, targets: list[dict[str, object]]) -> None:
    """Store a forecast event the way the forecast command does."""
    with Store(store_path(folder)) as store, store.transaction() as tx:
        tx.add_event("forecast", {"summary": "forecast", "targets": targets})


def test_read_project_reports_best_baseline_against_requirement(measured_project: Path) -> None:
    """The best model of the latest run, its interval, the requirement and the gap."""
    measured = read_project(measured_project)
    with Context(measured_project) as project:
        run = project.store.latest_run()
        assert run is not None
        records = {e["name"]: e for e in project.store.evaluations(run.id)}
    measured_rows = [r for r in records.values() if r["source"] != "declared"]
    best = max(measured_rows, key=lambda r: r["value"])  # declared rows are not measurements
    assert measured.run_id == run.id and measured.best == best["name"]
    assert (
        measured.value == best["value"] and measured.lo == best["lo"] and measured.hi == best["hi"]
    )
    assert measured.primary == "f1" and measured.target == 0.6
    assert measured.gap == pytest.approx(0.6 - best["value"])
    assert measured.n_train == run.summary["n_train"]
    assert measured.n_available == 3000
    assert measured.forecast is None
    assert {b["name"] for b in measured.baselines} >= {"dummy", "linear", "requirement"}


def test_measured_numbers_override_the_judgement(
    linked_copy: Path, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """Judged 'data 5, baseline 0.99' gives way to the measured baseline and data need."""
    path = write_ideas(
        make_idea(
            "linked", data="5", target="0.9", baseline="0.99", extra=LINK.format(path=linked_copy)
        ),
        make_idea("judged", data="5", target="0.9", baseline="0.99"),
    )
    ideas = {i.name: i for i in portfolio(path, n_draws=300, write=False).ideas}
    linked, judged = ideas["linked"], ideas["judged"]
    measured = read_project(linked_copy)
    assert measured.value is not None and measured.n_train is not None
    assert linked.driver("accuracy").source == "measured"
    assert linked.driver("data").source == "measured"
    assert linked.cost.source == "measured"
    assert linked.cost.baseline == pytest.approx(measured.value)
    assert linked.cost.target == pytest.approx(0.6)  # the project's requirement, not 0.9
    factor = ((1 - measured.value) / (1 - 0.6)) ** 2
    assert linked.cost.factor == pytest.approx(max(factor, 1.0))
    assert linked.driver("accuracy").value == pytest.approx(float(factor_score(max(factor, 1))))
    need = measured.n_train * max(factor, 1.0)
    assert linked.driver("data").value == pytest.approx(float(data_score(need, 3000)))
    assert linked.is_measured and linked.measured is not None
    # the judged twin keeps its judgements
    assert judged.driver("data").value == 5.0 and judged.driver("accuracy").value == 5.0
    assert not judged.is_measured


def test_a_stored_forecast_replaces_the_cost_model(
    linked_copy: Path, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """The forecast's examples for the requirement set the factor and the data need."""
    measured = read_project(linked_copy)
    assert measured.n_train is not None
    n = measured.n_train * 10.0
    _forecast(
        linked_copy,
        [
            {"target": 0.55, "n": 100.0, "lo": 50.0, "hi": 200.0, "reachable": True},
            {"target": 0.6, "n": n, "lo": n / 2, "hi": n * 2, "reachable": True},
            {"target": 0.8, "n": None, "lo": None, "hi": None, "reachable": False},
        ],
    )
    path = write_ideas(make_idea("linked", extra=LINK.format(path=linked_copy)))
    (idea,) = portfolio(path, n_draws=300, write=False).ideas
    assert idea.measured is not None and idea.measured.forecast is not None
    assert idea.measured.forecast.target == 0.6
    assert idea.cost.factor == pytest.approx(10.0)
    assert idea.cost.examples == pytest.approx(n)
    assert idea.driver("accuracy").value == pytest.approx(5 - 4 / 3)
    assert "forecast" in idea.driver("accuracy").detail


def test_an_unreachable_forecast_scores_the_lowest(
    linked_copy: Path, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """When the forecast says the requirement cannot be reached, accuracy scores 1."""
    _forecast(linked_copy, [{"target": 0.6, "n": None, "lo": 1e6, "hi": None, "reachable": False}])
    path = write_ideas(make_idea("linked", extra=LINK.format(path=linked_copy)))
    (idea,) = portfolio(path, n_draws=300, write=False).ideas
    assert idea.driver("accuracy").value == 1.0
    assert idea.driver("accuracy").source == "measured"
    assert any("not reachable" in note for note in idea.notes)


def test_a_project_that_never_ran_leaves_the_judgement(
    project_dir: Path, write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """No store yet: judgements stand, a note says why, and nothing is created there."""
    path = write_ideas(make_idea("linked", data="4", extra=LINK.format(path=project_dir)))
    (idea,) = portfolio(path, n_draws=200, write=False).ideas
    assert idea.driver("data").source == "judged" and idea.driver("data").value == 4.0
    assert idea.driver("accuracy").source == "modelled"
    assert any("mlplan run" in note for note in idea.notes)
    assert not (project_dir / ".mlplan").exists()
