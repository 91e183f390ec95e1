"""Data as records: typed columns, the Dataset, fingerprints, splits and folds (no file I/O)."""
