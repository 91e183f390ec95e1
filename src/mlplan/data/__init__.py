"""Loading tables, typing columns, fingerprints and splits."""

from mlplan.data.columns import ColumnKind, ColumnProfile, profile_columns
from mlplan.data.dataset import Dataset, build_dataset, infer_task, load_dataset, normalise_ids
from mlplan.data.fingerprint import fingerprint_frame, fingerprint_values
from mlplan.data.load import read_table
from mlplan.data.split import Split, cv_folds, export_split, make_split

__all__ = [
    "ColumnKind",
    "ColumnProfile",
    "Dataset",
    "Split",
    "build_dataset",
    "cv_folds",
    "export_split",
    "fingerprint_frame",
    "fingerprint_values",
    "infer_task",
    "load_dataset",
    "make_split",
    "normalise_ids",
    "profile_columns",
    "read_table",
]
