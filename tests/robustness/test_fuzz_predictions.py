"""Fuzzing the predictions reader: any file, any columns, any ids, any values.

Allowed outcomes: the aligned ``(pred, score)`` arrays -- one entry per test row -- or a
one-line :class:`~mlplan.errors.MlplanError` (exit 2 on the command line). Whether
binary scores outside [0, 1] are refused is the honest-numbers issue's check; nothing
here depends on it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _robust import cpu_bounded, one_line
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mlplan.core.data.dataset import Dataset, build_dataset
from mlplan.errors import MlplanError
from mlplan.io.data.predictions import read_predictions
from mlplan.schema.plan import DataSection

#: ``MLPLAN_FUZZ_EXAMPLES=5000 pytest tests/robustness`` fuzzes deeper than CI does.
EXAMPLES = int(os.environ.get("MLPLAN_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # bounded by CPU time in the tests (`within`), not wall time
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CHARS = st.characters(
    min_codepoint=0, max_codepoint=0x10FFFF, categories=None, exclude_categories=()
)

N = 40
IDS = [f"r{i}" for i in range(N)]
TEST_IDS = IDS[::3]


def _dataset(task: str) -> Dataset:
    rng = np.random.default_rng(1)
    target: Any = {
        "binary": rng.choice(["yes", "no"], N),
        "multiclass": rng.choice(["a", "b", "c"], N),
        "regression": rng.normal(size=N),
    }[task]
    frame = pd.DataFrame({"key": IDS, "x": rng.normal(size=N), "y": target})
    return build_dataset(frame, DataSection(path="-", target="y", id="key", task=task))


DATASETS = {task: _dataset(task) for task in ("binary", "multiclass", "regression")}

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(0, 1),
    st.integers(-(2**63), 2**63 - 1),
)
cells = st.one_of(
    numbers,
    st.none(),
    st.booleans(),
    st.sampled_from(["yes", "no", "a", "b", "c", "0.5", "", "nan", "inf", "1e999", "r1"]),
    st.text(CHARS, max_size=6),
)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """A predictions table: an id column (right, shuffled, cut, doubled or junk) and values."""
    ids = draw(
        st.one_of(
            st.permutations(TEST_IDS),
            st.lists(st.sampled_from([*IDS, "r999", "", "1.0", "R1"]), max_size=20),
            st.permutations(TEST_IDS).map(lambda p: [*p, p[0]]),
            st.permutations(TEST_IDS).map(lambda p: list(p)[1:]),
        )
    )
    id_name = draw(st.sampled_from(["key", "id", "row_id", "ID", "x"]))
    columns: dict[str, list[Any]] = {id_name: list(ids)}
    names = draw(
        st.lists(
            st.sampled_from(["score", "label", "prediction", "a", "b", "c", "proba", "pred", "zz"]),
            min_size=0,
            max_size=4,
            unique=True,
        )
    )
    uniform = draw(st.booleans())
    for name in names:
        kind = numbers if uniform else cells
        columns[name] = draw(st.lists(kind, min_size=len(ids), max_size=len(ids)))
    return pd.DataFrame(columns)


def _write(frame: pd.DataFrame, path: Path) -> None:
    """Write the table in the suffix's format; tables the format cannot hold are skipped."""
    try:
        if path.suffix == ".parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False, sep="\t" if path.suffix == ".tsv" else ",")
    except (ValueError, TypeError, ArithmeticError, UnicodeError, ImportError, NotImplementedError):
        assume(False)  # not a file anyone could hand to mlplan


def _check(pred: np.ndarray, score: np.ndarray | None) -> None:
    assert len(pred) == len(TEST_IDS)
    if score is not None:
        assert len(score) == len(TEST_IDS)


def _read(path: Path, task: str, **columns: str) -> None:
    try:
        pred, score = read_predictions(path, DATASETS[task], TEST_IDS, id_name="key", **columns)
    except MlplanError as exc:
        assert exc.exit_code == 2
        assert str(exc) and "\n" not in str(exc), str(exc)
        return
    _check(pred, score)


@FUZZ
@given(
    frame=frames(),
    task=st.sampled_from(sorted(DATASETS)),
    suffix=st.sampled_from([".csv", ".parquet", ".tsv"]),
)
@cpu_bounded(5.0)
def test_any_predictions_table(frame: pd.DataFrame, task: str, suffix: str) -> None:
    """Tables written as CSV, TSV or Parquet (when pyarrow can hold them)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"preds{suffix}"
        _write(frame, path)
        _read(path, task)


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.text(CHARS, max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    ),
    suffix=st.sampled_from([".csv", ".parquet", ".tsv", ".pq", ".json", ""]),
    task=st.sampled_from(sorted(DATASETS)),
)
@cpu_bounded(5.0)
def test_any_bytes_as_a_predictions_file(content: bytes, suffix: str, task: str) -> None:
    """Random bytes with any suffix: refused in one line, never a parser's traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"preds{suffix}"
        path.write_bytes(content)
        _read(path, task)


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 10))
@given(
    frame=frames(),
    task=st.sampled_from(sorted(DATASETS)),
    score=st.sampled_from(["score", "proba", "zz", "key"]),
    label=st.sampled_from(["label", "pred", "zz", "x"]),
)
@cpu_bounded(5.0)
def test_column_options_name_any_column(frame, task: str, score: str, label: str) -> None:
    """``score_column`` / ``label_column`` / ``id_column`` naming present or absent columns."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "preds.csv"
        _write(frame, path)
        _read(path, task, score_column=score, label_column=label, id_column=frame.columns[0])


@pytest.fixture
def evaluated_project(cli, project: Path) -> tuple[Path, list[str]]:
    """The project with its split frozen; its test ids."""
    assert cli("split", "-p", project, "--export", project / "ids").code == 0
    ids = pd.read_csv(project / "ids" / "test_ids.csv", dtype=str)["id"].tolist()
    return project, ids


@settings(
    FUZZ,
    max_examples=max(EXAMPLES // 10, 8),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
@cpu_bounded(5.0)
def test_the_command_line_on_fuzzed_predictions(cli, evaluated_project, data) -> None:
    """``mlplan evaluate`` on mangled versions of a good file: exit 0, or exit 2 in one line."""
    project, ids = evaluated_project
    rows = data.draw(
        st.one_of(
            st.permutations(ids),
            st.permutations(ids).map(lambda p: list(p)[1:]),
            st.permutations(ids).map(lambda p: [*p, p[0]]),
        )
    )
    score = data.draw(st.lists(cells, min_size=len(rows), max_size=len(rows)) | st.just(None))
    values = score if score is not None else [0.3] * len(rows)
    path = project / "candidate.csv"
    # a lone surrogate is written as the invalid UTF-8 bytes a broken export would hold
    frame = pd.DataFrame({"flight_id": rows, "score": values})
    frame.to_csv(path, index=False, errors="surrogatepass")
    result = cli("evaluate", path, "-p", project)
    assert result.code in (0, 2), (result.code, result.err)
    if result.code:
        one_line(result.err)
