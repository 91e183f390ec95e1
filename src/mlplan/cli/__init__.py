"""The ``mlplan`` command line (Typer + Rich): parsing, printing and exit codes only."""

from mlplan.cli.main import app, main

__all__ = ["app", "main"]
