"""Monte Carlo: reproducible with a seed, stable across seeds, coherent shares."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlplan.app.portfolio import portfolio


@pytest.fixture
def close_race(write_ideas: Callable[..., Path], make_idea: Callable[..., str]) -> Path:
    """Three ideas whose ranges overlap, so the order is uncertain."""
    return write_ideas(
        make_idea("A", impact="score: [3, 5]", data="[2, 4]"),
        make_idea("B", impact="score: [3.2, 4.4]", data="[2.5, 3.5]"),
        make_idea("C", impact="score: [1, 3]", data="[4, 5]", difficulty="[3, 5]"),
        make_idea("D", impact="score: 1", data="1", difficulty="1"),
    )


def test_same_seed_same_answer(close_race: Path) -> None:
    """Equal seeds give identical shares and bands."""
    one = portfolio(close_race, seed=3, n_draws=2000, write=False)
    two = portfolio(close_race, seed=3, n_draws=2000, write=False)
    assert [(i.name, i.p_first, i.p_top_k, i.score_band) for i in one.ideas] == [
        (i.name, i.p_first, i.p_top_k, i.score_band) for i in two.ideas
    ]


def test_shares_are_stable_across_seeds(close_race: Path) -> None:
    """With 4000 draws, another seed moves each share by well under 0.05."""
    one = {i.name: i for i in portfolio(close_race, seed=1, n_draws=4000, write=False).ideas}
    two = {i.name: i for i in portfolio(close_race, seed=2, n_draws=4000, write=False).ideas}
    for name in one:
        assert abs(one[name].p_first - two[name].p_first) < 0.05
        assert abs(one[name].p_top_k - two[name].p_top_k) < 0.05
    assert [i for i in one] == [i for i in two]  # same central order


def test_shares_add_up(close_race: Path) -> None:
    """Exactly one idea is first and k ideas are in the top k in every draw."""
    result = portfolio(close_race, top_k=2, n_draws=1000, write=False)
    assert sum(i.p_first for i in result.ideas) == pytest.approx(1.0)
    assert sum(i.p_top_k for i in result.ideas) == pytest.approx(2.0)
    assert sum(i.mean_rank for i in result.ideas) == pytest.approx(1 + 2 + 3 + 4)
    ranks = {i.name: i for i in result.ideas}
    assert 0.0 < ranks["A"].p_first < 1.0 and 0.0 < ranks["B"].p_first < 1.0
    assert ranks["D"].p_first == 0.0 and ranks["D"].p_top_k == 0.0


def test_dominant_idea_is_always_first(
    write_ideas: Callable[..., Path], make_idea: Callable[..., str]
) -> None:
    """An idea better on every input ranks first in every draw."""
    path = write_ideas(
        make_idea("best", impact="score: [4.5, 5]", data="[4.5, 5]", difficulty="[4.5, 5]"),
        make_idea("worse", impact="score: [1, 4]", data="[1, 4]", difficulty="[1, 4]"),
    )
    best = portfolio(path, n_draws=1000, write=False).ideas[0]
    assert best.name == "best" and best.p_first == 1.0 and best.rank == 1
