"""The commands of ``mlplan``, registered on the root app when this package is imported.

Each module holds the commands of one concept: :mod:`.project` sets a project up,
:mod:`.measure` measures, :mod:`.verdicts` judges, :mod:`.read` reads the store and
:mod:`.portfolio` ranks projects. The commands are plain functions, registered here in
the order ``mlplan --help`` lists them (the modules' import order does not decide it).
Every command imports the application layer inside itself, so ``mlplan --help`` and the
commands that only read the store start without scikit-learn, scipy or matplotlib.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlplan.cli.app import app
from mlplan.cli.commands import measure, project, read, verdicts
from mlplan.cli.commands.portfolio import portfolio_app

__all__ = ["COMMANDS", "portfolio_app"]

#: The top-level commands, in the order of ``mlplan --help`` (``portfolio`` comes last).
COMMANDS: tuple[Callable[..., Any], ...] = (
    project.init,
    measure.run,
    measure.baseline,
    project.split,
    measure.evaluate,
    read.status,
    read.history,
    measure.forecast,
    verdicts.gate,
    verdicts.advise,
    project.stage,
    read.export,
    read.report,
)

for _command in COMMANDS:
    app.command()(_command)
app.add_typer(portfolio_app, name="portfolio")
