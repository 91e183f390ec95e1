"""The I/O layer: plan files, data files, the SQLite store, and rendered reports."""
