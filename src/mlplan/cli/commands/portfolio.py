"""``mlplan portfolio``: rank candidate projects (``rank``, the default) and ``init`` an ideas file.

The sub-app is added to the root app in :mod:`mlplan.cli.commands`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mlplan.cli.app import JsonOption, out, print_json

__all__ = ["portfolio_app", "portfolio_init", "portfolio_rank"]


class _PortfolioGroup(typer.core.TyperGroup):
    """``mlplan portfolio FILE ...`` means ``mlplan portfolio rank FILE ...``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["rank", *args]
        return super().parse_args(ctx, args)


portfolio_app = typer.Typer(
    cls=_PortfolioGroup,
    help="Rank candidate projects by impact × feasibility; one-pager per project.",
)


@portfolio_app.command("rank")
def portfolio_rank(
    ideas: Annotated[Path, typer.Argument(help="The ideas file.")] = Path("ideas.yaml"),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder (default: portfolio-out beside the file)."),
    ] = None,
    top_k: Annotated[int | None, typer.Option("--top-k", help="k of P(top k).", min=1)] = None,
    seed: Annotated[int | None, typer.Option(help="Monte-Carlo seed.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Score and rank the ideas (the default: 'mlplan portfolio ideas.yaml')."""
    from mlplan.app.portfolio import portfolio as run_portfolio
    from mlplan.cli.portfolio import rich_report

    result = run_portfolio(ideas, top_k=top_k, seed=seed, out=out_dir)
    if as_json:
        print_json(result.to_dict())
    else:
        out.print(rich_report(result))


@portfolio_app.command("init")
def portfolio_init(
    path: Annotated[Path, typer.Argument(help="File to write.")] = Path("ideas.yaml"),
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented example ideas.yaml."""
    from mlplan.app.portfolio_init import init as write_ideas

    out.print(f"wrote {write_ideas(path, force=force)}")
