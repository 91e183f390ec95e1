"""Leakage guards: warnings, with the evidence, that a score may be too good to be true.

Every guard compares what it sees with what chance gives on the same rows, and
its severity follows that evidence: ``critical`` (the test score is probably
inflated), ``warning`` (check it), ``info`` (noted, with the numbers that clear it).

Codes (stable, for the advice engine):

``duplicate_rows``
    Test rows whose feature values appear identically in the training part, judged
    by how often they also share the label against rows with the same features
    (:mod:`~mlplan.core.baselines.leakage.rows`).
``id_like_column``
    A column that identifies rows (left out of the features), or a unique-per-row
    integer feature that counts the rows; both scored against the label
    (:mod:`~mlplan.core.baselines.leakage.columns`).
``single_feature``
    One feature that, on its own, nearly predicts the target, beyond chance.
``time_order``
    Training rows later than test rows when the plan names a time column.
``group_overlap``
    Groups found on both sides when the plan names a group column
    (:mod:`~mlplan.core.baselines.leakage.split`).
"""

from __future__ import annotations

from mlplan.core.baselines.leakage.columns import SINGLE_FEATURE_LIMITS, id_like, single_feature
from mlplan.core.baselines.leakage.rows import duplicates
from mlplan.core.baselines.leakage.split import group_overlap, time_order
from mlplan.core.data.dataset import Dataset
from mlplan.core.data.pixels import image_shape
from mlplan.core.data.split import Split
from mlplan.records.ladder import LeakageWarning

__all__ = ["LEAKAGE_CODES", "SINGLE_FEATURE_LIMITS", "LeakageWarning", "check_leakage"]

LEAKAGE_CODES = (
    "duplicate_rows",
    "id_like_column",
    "single_feature",
    "time_order",
    "group_overlap",
)


def check_leakage(dataset: Dataset, split: Split) -> tuple[LeakageWarning, ...]:
    """Run every guard that applies to this data and split.

    The time and group guards read the plan's split settings (``split.config``).
    Image pixels skip the per-column guards (no single pixel is a feature anyone
    chose). A column reported as a row counter is not reported again as a single
    feature.
    """
    train_pos, test_pos = split.positions(dataset)
    warnings: list[LeakageWarning] = []
    warnings += duplicates(dataset, train_pos, test_pos)
    if image_shape(dataset.features) is None:
        ids = id_like(dataset, train_pos)
        warnings += ids
        counters = {w.column for w in ids if w.column is not None}
        warnings += single_feature(dataset, train_pos, skip=counters)
    time_column = split.config.get("time")
    if time_column:
        warnings += time_order(dataset, str(time_column), train_pos, test_pos)
    group_column = split.config.get("group")
    if group_column:
        warnings += group_overlap(dataset, str(group_column), train_pos, test_pos)
    return tuple(warnings)
