"""'What changed' between two runs lists only the lines that differ."""

from __future__ import annotations

from dataclasses import replace

from mlplan.core.history import changes, value_text
from mlplan.records.report import IndexRow

RUN = IndexRow(
    run_id=1,
    finished_at="2026-01-01T10:00:00+00:00",
    stage="training",
    metric="recall s.t. precision >= 0.5",
    best="linear",
    value=0.46,
    lo=0.41,
    hi=0.5,
    requirement={"recall": 0.45},
    plan_hash="a" * 64,
    data_fingerprint="d1",
    test_fingerprint="t1",
    git_sha="abc1234567890",
    n_train=48_000,
    n_test=12_000,
    models={
        "linear": {"value": 0.46, "lo": 0.41, "hi": 0.5, "threshold": 0.31},
        "dummy": {"value": None, "lo": None, "hi": None, "threshold": None},
    },
    advice=("ADV003", "ADV006"),
)


def test_identical_runs_have_nothing_to_show() -> None:
    assert changes(RUN, replace(RUN, run_id=2, finished_at="later")) == ()


def test_only_the_lines_that_differ_are_listed_with_both_values() -> None:
    after = replace(
        RUN,
        run_id=2,
        plan_hash="b" * 64,
        requirement={"recall": 0.5},
        best="blend",
        models={
            **RUN.models,
            "linear": {"value": 0.46, "lo": 0.41, "hi": 0.5, "threshold": 0.29},
            "blend": {"value": 0.47, "lo": 0.43, "hi": 0.51, "threshold": 0.3},
        },
        advice=("ADV006", "ADV013"),
    )
    rows = {c.what: (c.before, c.after) for c in changes(RUN, after)}
    assert rows == {
        "plan file": ("aaaaaaaaaaaa", "bbbbbbbbbbbb"),
        "requirement recall": ("0.45", "0.5"),
        "linear: threshold": ("0.31", "0.29"),
        "blend: recall s.t. precision >= 0.5": ("–", "0.470 [0.430, 0.510]"),
        "blend: threshold": ("–", "0.3"),
        "best model": ("linear", "blend"),
        "open advice": ("ADV003, ADV006", "ADV006, ADV013 (new: ADV013) (closed: ADV003)"),
    }


def test_a_value_reads_with_its_interval_on_one_line() -> None:
    assert value_text(0.4612, 0.41, 0.5) == "0.461 [0.410, 0.500]"
    assert value_text(0.4612) == "0.461"
    assert value_text(None, 0.1, 0.2) == "–"
