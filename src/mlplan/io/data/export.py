"""Exporting the frozen split: id files to train a model elsewhere on the same rows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from mlplan.core.data.dataset import Dataset
from mlplan.core.data.split import Split

__all__ = ["export_split"]


def export_split(dataset: Dataset, split: Split, folder: str | Path) -> tuple[Path, Path]:
    """Write ``train_ids.csv`` and ``test_ids.csv`` (one ``id`` column) into ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = out / "train_ids.csv", out / "test_ids.csv"
    for path, ids in zip(paths, (split.train_ids, split.test_ids), strict=True):
        pd.DataFrame({"id": list(ids)}).to_csv(path, index=False)
    (out / "split.json").write_text(
        json.dumps(
            {
                "strategy": split.strategy,
                "config": split.config,
                "test_fingerprint": split.test_fingerprint,
                "data_fingerprint": dataset.fingerprint,
                "n_train": len(split.train_ids),
                "n_test": len(split.test_ids),
            },
            indent=2,
        )
    )
    return paths
