"""Bad data through ``mlplan run``: infinite numbers, too many classes, image bombs, IDX lies.

Infinite numbers are *treated as missing, with a note* (documented in the README);
everything else here is refused with one line and exit 2 before a rung is trained.
"""

from __future__ import annotations

import gzip
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _robust import BASE_PLAN, assert_refused, store_rows, within
from PIL import Image


def _results(project: Path) -> dict:
    return json.loads((project / "mlplan-out" / "results.json").read_text())


def test_infinite_features_are_missing_values_with_a_note(cli, project: Path) -> None:
    """``inf`` and ``-inf`` in a feature used to crash the linear rung in scikit-learn."""
    table = pd.read_parquet(project / "flights.parquet")
    table["distance"] = table["distance"].astype(float)
    table.loc[:4, "distance"] = np.inf
    table.loc[5:7, "distance"] = -np.inf
    table.to_parquet(project / "flights.parquet", index=False)
    result = cli("run", "-p", project)
    assert result.code == 0, result.err
    results = _results(project)
    assert "8 infinite values treated as missing (distance: 8)" in results["notes"]
    assert {e["name"] for e in results["evaluations"]} >= {"dummy", "linear"}
    linear = next(e for e in results["evaluations"] if e["name"] == "linear")
    assert linear["value"] is not None


def test_an_infinite_regression_target_leaves_its_rows_out(cli, project: Path) -> None:
    """Rows whose target is infinite are left out like rows without a target, and said so."""
    table = pd.read_parquet(project / "flights.parquet")
    table["minutes"] = table["distance"] / 8.0 + table["sched_dep_time"] / 100.0
    table.loc[:2, "minutes"] = np.inf
    table.to_parquet(project / "flights.parquet", index=False)
    plan = (
        BASE_PLAN.replace("target: late", "target: minutes\n  drop: [late]")
        .replace("  positive: true\n", "")
        .replace("optimise: f1", "optimise: mae")
    )
    (project / "mlplan.yaml").write_text(plan)
    result = cli("run", "-p", project)
    assert result.code == 0, result.err
    results = _results(project)
    assert results["task"] == "regression"
    assert "3 infinite values treated as missing (minutes: 3)" in results["notes"]
    assert "3 rows without a target were left out" in results["notes"]
    assert (results["data"]["n_rows"], results["data"]["n_rows_total"]) == (597, 600)


def test_a_thousand_classes_are_checked_against_the_test_size(cli, tmp_path: Path) -> None:
    """``task: multiclass`` with 1,000 classes and a 600-row test set crashed in the split;
    now the message says which test_size would work."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=3000),
            "z": rng.normal(size=3000),
            "species": [f"s{i % 1000:03d}" for i in range(3000)],
        }
    )
    frame.to_parquet(tmp_path / "many.parquet", index=False)
    (tmp_path / "mlplan.yaml").write_text(
        "project: {name: Many classes}\n"
        "data: {path: many.parquet, target: species, task: multiclass}\n"
        "metric: {optimise: accuracy, resamples: 50}\n"
        "baselines: {ladder: [dummy, linear], cv_folds: 2}\n"
    )
    with within(20):
        result = cli("run", "-p", tmp_path)
    assert_refused(
        result,
        2,
        "mlplan.yaml:2: data.split.test_size: 0.2 of 3,000 rows puts 600 rows in the test set, "
        "fewer than the 1,000 classes of 'species'",
        "use a test_size from 0.334 to 0.666, or merge rare classes",
    )
    assert store_rows(tmp_path)["splits"] == 0


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width × height`` grey pixels (its data is a stub)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _image_project(root: Path, extra: dict[str, bytes]) -> Path:
    """Two class folders of small real images, plus the ``extra`` files in the first."""
    for label, shade in (("cats", 40), ("dogs", 200)):
        folder = root / "images" / label
        folder.mkdir(parents=True)
        for i in range(6):
            Image.new("L", (8, 8), color=shade + i).save(folder / f"{i}.png")
    for name, content in extra.items():
        (root / "images" / "cats" / name).write_bytes(content)
    (root / "mlplan.yaml").write_text(
        "project: {name: Pets}\n"
        "data: {path: images, target: label}\n"
        "metric: {optimise: accuracy, resamples: 50}\n"
        "baselines: {ladder: [dummy], cv_folds: 2}\n"
    )
    return root


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        (
            "bomb.png",
            _png_header(20_000, 20_000),
            ["bomb.png declares more than", "pixels; not decoded; fix or remove the file"],
        ),
        (
            "big.png",
            _png_header(8_000, 6_000),
            ["big.png is 8,000×6,000 pixels; at most 40,000,000 are decoded"],
        ),
        ("cut.png", _png_header(8, 8)[:30], ["cannot read image", "cut.png"]),
        ("text.png", b"not an image", ["cannot read image", "text.png", "fix or remove"]),
    ],
    ids=["20000x20000 decompression bomb", "48 megapixels", "truncated", "not an image"],
)
def test_images_are_checked_before_they_are_decoded(
    cli, tmp_path: Path, name: str, content: bytes, fragments: list[str]
) -> None:
    """An image folder with one bad file: refused with the file named, within seconds."""
    project = _image_project(tmp_path, {name: content})
    with within(15):
        result = cli("run", "-p", project)
    assert_refused(result, 2, "image folder", *fragments)


def test_an_image_file_larger_than_the_limit_is_not_opened(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file size is checked first (the limit lowered here instead of writing 64 MB)."""
    monkeypatch.setattr("mlplan.io.data.images.MAX_IMAGE_BYTES", 1_000)
    project = _image_project(tmp_path, {"huge.png": b"\0" * 5_000})
    assert_refused(cli("run", "-p", project), 2, "huge.png is 5,000 bytes; at most 1,000 are read")


def test_a_small_image_folder_still_runs(cli, tmp_path: Path) -> None:
    """The checks let good images through."""
    result = cli("run", "-p", _image_project(tmp_path, {}))
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    ("header", "fragments"),
    [
        (b"\x00\x00\x08\x03" + struct.pack(">III", 2**20, 2**20, 2**20), ["at most 2,147,483,648"]),
        (b"\x00\x00\x08\x03\x00\x00", ["the header is cut short"]),
        (b"\x00\x00\x0d\x03", ["not an unsigned-byte IDX file"]),
    ],
    ids=["a header claiming 2**60 values", "a cut header", "floats"],
)
def test_idx_headers_are_checked_before_reading(cli, tmp_path: Path, header, fragments) -> None:
    """A (gzipped) IDX file is read only as far as its checked header allows."""
    with gzip.open(tmp_path / "train-images-idx3-ubyte.gz", "wb") as handle:
        handle.write(header)
    (tmp_path / "mlplan.yaml").write_text(
        "project: {name: Digits}\n"
        "data: {path: train-images-idx3-ubyte.gz, target: label}\n"
        "metric: {optimise: accuracy}\n"
    )
    with within(10):
        result = cli("run", "-p", tmp_path)
    assert_refused(result, 2, "IDX file", *fragments)
