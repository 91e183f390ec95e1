"""Images as tables: IDX arrays, a folder per class, and unreadable files named."""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from mlplan.core.baselines import default_rungs
from mlplan.core.data.columns import profile_columns
from mlplan.core.data.pixels import image_shape
from mlplan.errors import DataError
from mlplan.io.data.images import read_idx, read_image_folder


def _folder(root: Path, fashion: pd.DataFrame, n: int = 12) -> Path:
    for i, row in fashion.head(n).iterrows():
        folder = root / f"class_{row['label']}"
        folder.mkdir(parents=True, exist_ok=True)
        pixels = row.drop("label").to_numpy(dtype=np.uint8).reshape(28, 28)
        Image.fromarray(pixels, mode="L").save(folder / f"img{i}.png")
    return root


def test_idx_and_folder_give_the_same_pixels(tmp_path: Path, fashion: pd.DataFrame) -> None:
    """Images written from the IDX file read back identically, with the class from the folder."""
    frame = read_image_folder(_folder(tmp_path, fashion))
    assert image_shape([c for c in frame.columns if c != "label"]) == (28, 28, 1)
    assert len(frame) == 12
    first = frame[frame["label"] == f"class_{fashion['label'][0]}"].iloc[0]
    pixels = fashion.drop(columns="label").iloc[0].to_numpy()
    assert set(frame.columns[:-1]) == set(fashion.columns[:-1])
    assert len(first) == len(pixels) + 1


def test_an_unreadable_image_is_named(tmp_path: Path, fashion: pd.DataFrame) -> None:
    """A corrupt file stops the load with its path, unless asked to skip it."""
    root = _folder(tmp_path, fashion)
    broken = next(root.iterdir()) / "broken.png"
    broken.write_bytes(b"not an image at all")
    with pytest.raises(DataError, match=r"cannot read image .*broken\.png"):
        read_image_folder(root)
    assert len(read_image_folder(root, skip_unreadable=True)) == 12


def test_bad_idx_file_is_refused(tmp_path: Path) -> None:
    """A file that is not IDX says so instead of producing garbage."""
    fake = tmp_path / "x-images-idx3-ubyte"
    fake.write_bytes(b"\x01\x02\x03\x04" * 10)
    (tmp_path / "x-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x00")
    with pytest.raises(DataError, match="bad magic number"):
        read_idx(fake)


def test_a_new_plan_on_pixels_proposes_the_neural_net_not_boosting(
    fashion: pd.DataFrame,
) -> None:
    """Image pixels get dummy, linear and the basic neural net; tables get boosting."""
    kinds = {c.name: c.kind for c in profile_columns(fashion.drop(columns="label"))}
    assert default_rungs(kinds) == ["dummy", "linear", "neural_net"]


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="the torch extra is not installed"
)
def test_the_cnn_is_reproducible_when_fits_run_in_parallel_threads(fashion: pd.DataFrame) -> None:
    """The ladder fits in threads; each CNN still starts from the weights its seed gives."""
    from mlplan.core.baselines.neural import SmallCNN

    X, y = fashion.drop(columns="label").head(120), fashion["label"].head(120).to_numpy()
    alone = SmallCNN(epochs=1).fit(X, y).predict_proba(X)
    with ThreadPoolExecutor(max_workers=2) as pool:
        fits = list(pool.map(lambda seed: SmallCNN(epochs=1, random_state=seed).fit(X, y), [0, 1]))
    np.testing.assert_array_equal(fits[0].predict_proba(X), alone)
    assert not np.array_equal(fits[1].predict_proba(X), alone)
