"""Loading the plan's data into a Dataset record, checked against the plan."""

from __future__ import annotations

from dataclasses import replace

from mlplan.core.data.dataset import Dataset, build_dataset
from mlplan.core.data.fingerprint import fingerprint_frame
from mlplan.io.data.checks import check_split_sizes, infinite_as_missing
from mlplan.io.data.images import is_image_source, read_images
from mlplan.io.data.load import read_table
from mlplan.io.plan.load import PlanFile
from mlplan.io.plan.validate import validate_for_task

__all__ = ["load_dataset"]


def load_dataset(plan_file: PlanFile) -> Dataset:
    """Load the plan's data file, type its columns and encode its target.

    Infinite numbers are treated as missing (with a note); once the task is known,
    the plan's metric names are checked against it, and the split's ``test_size``
    against the rows and classes (:mod:`mlplan.io.data.checks`).

    Raises
    ------
    DataError
        Missing/unreadable/empty file, target or id column not found, duplicate
        ids, a target with fewer than two classes, a ``test_size`` that leaves a
        side of the split empty or short of a class.
    PlanError
        A metric name of the plan that does not exist for the data's task.
    """
    section = plan_file.plan.data
    source = plan_file.resolve(section.path)
    raw = read_images(source) if is_image_source(source) else read_table(source)
    finite, note = infinite_as_missing(raw)
    dataset = build_dataset(finite, section)
    if note is not None:
        dataset = replace(dataset, fingerprint=fingerprint_frame(raw), notes=(note, *dataset.notes))
    validate_for_task(plan_file.plan, dataset.task, plan_file.where)
    check_split_sizes(dataset, section.split, plan_file.where(("data", "split", "test_size")))
    return dataset
