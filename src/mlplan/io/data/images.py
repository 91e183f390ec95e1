"""Images as tables: a folder per class, a table of paths and labels, or IDX arrays.

Every image becomes one row of pixel columns named ``px{H}x{W}x{C}_{i}`` (row-major,
channels last), so the tabular rungs read them as numbers and the CNN rung can
recover the shape from the names (:func:`image_shape`).
"""

from __future__ import annotations

import gzip
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlplan.core.data.pixels import image_columns
from mlplan.errors import DataError

__all__ = [
    "IMAGE_SUFFIXES",
    "MAX_IDX_BYTES",
    "MAX_IMAGE_BYTES",
    "MAX_IMAGE_PIXELS",
    "image_columns",
    "is_image_source",
    "read_idx",
    "read_image_folder",
    "read_image_table",
    "read_images",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")

_MAX_SIDE = 64
#: Largest image file read (bytes), checked before it is opened.
MAX_IMAGE_BYTES = 64 * 2**20
#: Most pixels an image may have (its header is read first; larger ones are never decoded).
MAX_IMAGE_PIXELS = 40_000_000
#: Most bytes of IDX data read (the header says how many follow).
MAX_IDX_BYTES = 2**31


def _pixels(images: np.ndarray, labels: Sequence[object] | np.ndarray) -> pd.DataFrame:
    if images.ndim == 3:
        images = images[..., None]
    n, height, width, depth = images.shape
    frame = pd.DataFrame(
        images.reshape(n, -1).astype(np.uint8), columns=image_columns((height, width, depth))
    )
    frame["label"] = np.asarray(labels)
    return frame


def read_idx(
    images_path: str | Path, labels_path: str | Path | None = None, *, limit: int | None = None
) -> pd.DataFrame:
    """Read IDX files (optionally gzipped), e.g. Fashion-MNIST's, into pixels + ``label``.

    ``labels_path`` defaults to the images file with ``images-idx3`` replaced by
    ``labels-idx1``.  ``limit`` keeps the first rows only.
    """
    images_file = Path(images_path)
    labels_file = (
        Path(labels_path)
        if labels_path is not None
        else images_file.with_name(images_file.name.replace("images-idx3", "labels-idx1"))
    )
    images = _read_idx_array(images_file)
    labels = _read_idx_array(labels_file)
    if images.ndim != 3 or labels.ndim != 1:
        raise DataError(
            f"IDX {images_file}: expected (n, rows, cols) images and (n,) labels; "
            f"got {images.shape} and {labels.shape}"
        )
    if len(images) != len(labels):
        raise DataError(f"IDX {images_file}: {len(images)} images but {len(labels)} labels")
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return _pixels(images, labels)


def _read_idx_array(path: Path) -> np.ndarray:
    if not path.is_file():
        raise DataError(f"IDX file not found: {path}")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(4)
            if len(head) < 4 or head[:3] != b"\x00\x00\x08" or head[3] == 0:
                raise DataError(
                    f"IDX file {path}: not an unsigned-byte IDX file (bad magic number)"
                )
            shape = handle.read(4 * head[3])
            if len(shape) < 4 * head[3]:
                raise DataError(f"IDX file {path}: the header is cut short")
            dims = tuple(int.from_bytes(shape[4 * i : 4 * i + 4], "big") for i in range(head[3]))
            size = int(np.prod(dims, dtype=object))
            if size > MAX_IDX_BYTES:
                raise DataError(
                    f"IDX file {path}: the header says {dims}, {size:,} values; "
                    f"at most {MAX_IDX_BYTES:,} are read"
                )
            raw = handle.read(size + 1)  # one more: a longer file is refused below
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"IDX file {path} cannot be read: {exc}") from exc
    if len(raw) != size:
        raise DataError(f"IDX file {path}: header says {size} values, file has {len(raw)}")
    return np.frombuffer(raw, dtype=np.uint8).reshape(dims)


def read_image_folder(
    folder: str | Path, *, size: tuple[int, int] | None = None, skip_unreadable: bool = False
) -> pd.DataFrame:
    """Read ``folder/<class>/<image>`` into pixels + ``label`` (the sub-folder's name).

    Images are resized to ``size`` (default: the first image's size, longest side
    at most 64) and converted to grayscale when every image is grayscale, else RGB.

    Raises
    ------
    DataError
        No class folders or no images; an unreadable image (named) unless
        ``skip_unreadable``.
    """
    root = Path(folder)
    if not root.is_dir():
        raise DataError(f"image folder not found: {root}")
    classes = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    files = [
        (path, cls.name)
        for cls in classes
        for path in sorted(cls.rglob("*"))
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES
    ]
    if len(classes) < 2 or not files:
        raise DataError(
            f"image folder {root}: expected one sub-folder per class with images "
            f"({', '.join(IMAGE_SUFFIXES)}); found {len(classes)} folders, {len(files)} images"
        )
    table = pd.DataFrame({"path": [str(p) for p, _ in files], "label": [c for _, c in files]})
    return read_image_table(
        table, "path", size=size, skip_unreadable=skip_unreadable, where=f"image folder {root}"
    )


def read_image_table(
    table: pd.DataFrame,
    path_column: str,
    *,
    root: str | Path | None = None,
    size: tuple[int, int] | None = None,
    skip_unreadable: bool = False,
    where: str = "image table",
) -> pd.DataFrame:
    """Replace a column of image paths by pixel columns (other columns are kept).

    Relative paths are read from ``root``.  An unreadable image raises a
    :class:`DataError` naming it, unless ``skip_unreadable`` drops its row.
    """
    if path_column not in table.columns:
        raise DataError(f"{where}: no column '{path_column}' of image paths")
    base = Path(root) if root is not None else Path()
    images: list[np.ndarray] = []
    keep: list[int] = []
    mode: str | None = None
    shape: tuple[int, int] | None = size
    for i, value in enumerate(table[path_column].astype(str)):
        path = Path(value) if Path(value).is_absolute() else base / value
        try:
            image = _open_checked(path)
        except DataError as exc:
            if skip_unreadable:
                continue
            raise DataError(f"{where}: {exc}; fix or remove the file") from None
        with image:
            if mode is None:
                mode = "L" if image.mode in ("L", "1", "I;16", "I") else "RGB"
                shape = shape or _default_size(image.size)
            assert shape is not None
            try:
                pixels = np.asarray(image.convert(mode).resize(shape))
            except Exception as exc:  # decoders raise many types on a broken file
                if skip_unreadable:
                    continue
                raise DataError(
                    f"{where}: cannot read image {path}: {_reason(exc)}; fix or remove the file"
                ) from None
        images.append(pixels)
        keep.append(i)
    if not images:
        raise DataError(f"{where}: none of {len(table)} images could be read")
    frame = _pixels(np.stack(images), np.zeros(len(images))).drop(columns="label")
    rest = table.iloc[keep].drop(columns=path_column).reset_index(drop=True)
    return pd.concat([frame, rest], axis=1)


def _open_checked(path: Path) -> Any:
    """Open an image after checking its file size, and its pixel count before decoding.

    Raises
    ------
    DataError
        The file is missing, larger than :data:`MAX_IMAGE_BYTES`, not an image, or
        declares more than :data:`MAX_IMAGE_PIXELS` pixels (a decompression bomb).
    """
    from PIL import Image

    try:
        nbytes = path.stat().st_size
    except OSError as exc:
        raise DataError(f"cannot read image {path}: {exc.strerror or exc}") from None
    if nbytes > MAX_IMAGE_BYTES:
        raise DataError(f"image {path} is {nbytes:,} bytes; at most {MAX_IMAGE_BYTES:,} are read")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)  # reads the header only
    except Image.DecompressionBombError:
        raise DataError(
            f"image {path} declares more than {MAX_IMAGE_PIXELS:,} pixels; not decoded"
        ) from None
    except Exception as exc:  # PIL's plugins raise many types on a broken header
        raise DataError(f"cannot read image {path}: {_reason(exc)}") from None
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise DataError(
            f"image {path} is {width:,}×{height:,} pixels; at most {MAX_IMAGE_PIXELS:,} "
            "are decoded (images are resized to at most 64 a side)"
        )
    return image


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _default_size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, _MAX_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def is_image_source(path: str | Path) -> bool:
    """Whether a plan's ``data.path`` names images (a folder, or an IDX file)."""
    file = Path(path)
    return file.is_dir() or "-idx" in file.name


def read_images(path: str | Path) -> pd.DataFrame:
    """Read a folder per class or an IDX images file into pixels + ``label``."""
    file = Path(path)
    if file.is_dir():
        return read_image_folder(file)
    return read_idx(file)
