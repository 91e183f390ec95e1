"""``mlplan portfolio init``: write a commented example ``ideas.yaml``."""

from __future__ import annotations

from pathlib import Path

from mlplan.errors import PlanError
from mlplan.io.report.templating import packaged_text

__all__ = ["EXAMPLE", "init"]

EXAMPLE = "ideas.yaml"


def example_text() -> str:
    """The commented example ideas file shipped with mlplan."""
    return packaged_text(EXAMPLE)


def init(path: str | Path = EXAMPLE, *, force: bool = False) -> Path:
    """Write a commented example ``ideas.yaml``.

    Parameters
    ----------
    path : str or Path, default "ideas.yaml"
        The file to write, or a folder to write ``ideas.yaml`` into.
    force : bool, default False
        Overwrite an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    PlanError
        When the file exists and ``force`` is False.
    """
    target = Path(path)
    if target.is_dir():
        target = target / EXAMPLE
    if target.exists() and not force:
        raise PlanError(f"{target} exists; pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(example_text(), encoding="utf-8")
    return target
