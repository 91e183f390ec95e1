"""Scoring maths on hand-checked cases: the cost model, the driver scores, the priority."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlplan.app.portfolio import portfolio
from mlplan.core.portfolio.cost import cost_factor, data_score, examples_needed, factor_score
from mlplan.core.portfolio.scoring import normalised_weights
from mlplan.schema.ideas import Weights


def test_cost_factor_by_hand() -> None:
    """Halving the error costs 2**exponent; a met target costs nothing extra."""
    assert float(cost_factor(0.9, 0.8, 2.0)) == pytest.approx(4.0)
    assert float(cost_factor(0.95, 0.8, 2.0)) == pytest.approx(16.0)
    assert float(cost_factor(0.9, 0.8, 3.0)) == pytest.approx(8.0)
    assert float(cost_factor(0.7, 0.8)) == 1.0
    assert float(examples_needed(0.9, 0.8, 1000, 2.0)) == pytest.approx(4000.0)


@given(
    baseline=st.floats(0.0, 0.9),
    step=st.floats(0.001, 0.04),
    exponent=st.floats(1.0, 5.0),
)
def test_cost_grows_faster_than_linearly_in_the_target(
    baseline: float, step: float, exponent: float
) -> None:
    """Each equal step of accuracy costs more than the one before (convex, increasing)."""
    t0 = baseline + 0.01
    t1, t2 = t0 + step, t0 + 2 * step
    if t2 >= 0.999:
        return
    c0, c1, c2 = (float(cost_factor(t, baseline, exponent)) for t in (t0, t1, t2))
    assert c1 > c0
    assert c2 - c1 > c1 - c0


def test_driver_scores_by_hand() -> None:
    """Factor 1 → 5, 1000 → 1, 10 → 5 - 4/3; ten times short of data of 100 → 3."""
    assert float(factor_score(1.0)) == 5.0
    assert float(factor_score(1000.0)) == 1.0
    assert float(factor_score(1e6)) == 1.0
    assert float(factor_score(10.0)) == pytest.approx(5 - 4 / 3)
    assert float(data_score(10_000, 1_000)) == pytest.approx(3.0)
    assert float(data_score(500, 1_000)) == 5.0
    assert float(data_score(1e9, 1_000)) == 1.0


def test_weights_are_normalised() -> None:
    """Weights in any unit are divided by their sum."""
    w = normalised_weights(Weights(impact=4, data=2, accuracy=2, difficulty=2))
    assert w == pytest.approx({"impact": 0.4, "data": 0.2, "accuracy": 0.2, "difficulty": 0.2})


def test_priority_of_a_point_idea_by_hand(
    write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """impact 4, data 3, accuracy 0.8→0.9 (factor 4), difficulty 2; weights .4/.2/.2/.2.

    accuracy = 5 - 4 log10(4)/3 = 4.19725; priority = 1.6 + 0.6 + 0.83945 + 0.4.
    """
    path = write_ideas(
        make_idea("A", impact="score: 4", data="3", target="0.9", baseline="0.8", difficulty="2")
    )
    (idea,) = portfolio(path, write=False, n_draws=200).ideas
    accuracy = 5 - 4 * math.log10(4) / 3
    assert idea.impact.value == pytest.approx(4.0)
    assert idea.driver("data").value == pytest.approx(3.0)
    assert idea.driver("accuracy").value == pytest.approx(accuracy)
    assert idea.driver("difficulty").value == pytest.approx(2.0)
    assert idea.score == pytest.approx(0.4 * 4 + 0.2 * 3 + 0.2 * accuracy + 0.2 * 2)
    contributions = idea.impact.contribution + sum(d.contribution for d in idea.drivers)
    assert contributions == pytest.approx(idea.score)
    assert idea.feasibility == pytest.approx((3 + accuracy + 2) / 3)
    assert idea.cost.factor == pytest.approx(4.0)
    assert idea.driver("accuracy").source == "modelled"
    # point inputs: no spread at all
    assert idea.score_band == pytest.approx((idea.score, idea.score))


def test_value_per_year_maps_to_impact_on_a_log_scale(
    write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """100k on a 10k–10M scale is one third of the way: 1 + 4/3; beyond the scale clips."""
    path = write_ideas(
        make_idea("A", impact="value_per_year: 100000"),
        make_idea("B", impact="value_per_year: 50000000"),
        make_idea("C", impact="value_per_year: 100"),
        settings="impact_scale: [10000, 10000000]\n",
    )
    scores = {i.name: i.impact.value for i in portfolio(path, write=False, n_draws=200).ideas}
    assert scores == pytest.approx({"A": 1 + 4 / 3, "B": 5.0, "C": 1.0})


def test_weights_change_the_order(
    write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """High impact but hard wins when impact dominates; easy but small wins otherwise."""
    ideas = (
        make_idea("big-hard", impact="score: 5", data="1", difficulty="1", target="0.99"),
        make_idea("small-easy", impact="score: 2", data="5", difficulty="5", target="0.8"),
    )
    heavy = write_ideas(
        *ideas, settings="weights: {impact: 10, data: 1, accuracy: 1, difficulty: 1}\n"
    )
    assert portfolio(heavy, write=False, n_draws=200).ideas[0].name == "big-hard"
    light = write_ideas(*ideas, name="light.yaml")
    assert portfolio(light, write=False, n_draws=200).ideas[0].name == "small-easy"


def test_ranges_use_their_central_value(
    write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """[2, 4] scores 3 at the centre; {likely} wins over the midpoint."""
    path = write_ideas(
        make_idea("A", data="[2, 4]", difficulty="{low: 1, likely: 4, high: 5}"),
    )
    (idea,) = portfolio(path, write=False, n_draws=500).ideas
    assert idea.driver("data").value == pytest.approx(3.0)
    assert idea.driver("difficulty").value == pytest.approx(4.0)
    lo, hi = idea.driver("data").lo, idea.driver("data").hi
    assert 2.0 <= lo < 2.3 and 3.7 < hi <= 4.0
    assert np.isfinite(idea.p_first)
