"""Loading the plan's data into a Dataset record."""

from __future__ import annotations

from mlplan.core.data.dataset import Dataset, build_dataset
from mlplan.io.data.images import is_image_source, read_images
from mlplan.io.data.load import read_table
from mlplan.io.plan.load import PlanFile

__all__ = ["load_dataset"]


def load_dataset(plan_file: PlanFile) -> Dataset:
    """Load the plan's data file, type its columns and encode its target.

    Raises
    ------
    DataError
        Missing/unreadable/empty file, target or id column not found, duplicate
        ids, a target with fewer than two classes.
    """
    section = plan_file.plan.data
    source = plan_file.resolve(section.path)
    raw = read_images(source) if is_image_source(source) else read_table(source)
    return build_dataset(raw, section)
