"""Reading data: tables, image folders and IDX files, predictions files; exporting splits."""

from mlplan.io.data.dataset import load_dataset
from mlplan.io.data.export import export_split
from mlplan.io.data.load import read_table
from mlplan.io.data.predictions import align_predictions, read_predictions

__all__ = ["align_predictions", "export_split", "load_dataset", "read_predictions", "read_table"]
