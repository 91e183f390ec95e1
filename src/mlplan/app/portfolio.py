"""``mlplan portfolio``: score, rank and justify candidate projects."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mlplan.app.portfolio_evidence import read_project
from mlplan.core.portfolio.rank import rank_ideas
from mlplan.io.plan.ideas import load_ideas
from mlplan.io.report.portfolio import write_outputs
from mlplan.records.portfolio import Measured, PortfolioResult

__all__ = ["OUTPUT_FOLDER", "portfolio"]

OUTPUT_FOLDER = "portfolio-out"


def portfolio(
    path: str | Path = "ideas.yaml",
    *,
    top_k: int | None = None,
    seed: int | None = None,
    n_draws: int | None = None,
    out: str | Path | None = None,
    write: bool = True,
) -> PortfolioResult:
    """Score and rank the ideas of an ``ideas.yaml``, and write their justifications.

    Reads the ideas file, reads the stores of linked mlplan projects (never writing
    to them), ranks the ideas, and writes the chart, one one-pager per idea
    (Markdown and HTML) and ``portfolio.json``.

    Parameters
    ----------
    path : str or Path, default "ideas.yaml"
        The ideas file (or its folder).
    top_k : int, optional
        The ``k`` of "probability of ranking in the top k"; default from the file (2).
    seed : int, optional
        Monte-Carlo seed; default from the file (0).
    n_draws : int, optional
        Monte-Carlo draws; default from the file (4000).
    out : str or Path, optional
        Output folder; default ``portfolio-out`` beside the ideas file.
    write : bool, default True
        Write the chart (PNG, SVG), the one-pagers (Markdown, HTML) and
        ``portfolio.json``.

    Returns
    -------
    PortfolioResult

    Raises
    ------
    PlanError
        When the ideas file is invalid or links a folder without a plan.

    Examples
    --------
    >>> result = portfolio("examples/portfolio/ideas.yaml", write=False)  # doctest: +SKIP
    >>> [(i.rank, i.name, round(i.p_first, 2)) for i in result.ideas]     # doctest: +SKIP
    """
    ideas_file = load_ideas(path)
    measured: dict[str, Measured | None] = {}
    for idea in ideas_file.spec.ideas:
        link = idea.project_link
        measured[idea.name] = (
            None
            if link is None or link.path is None
            else read_project(
                ideas_file.resolve(link.path), target=idea.feasibility.accuracy.target.central
            )
        )
    result = rank_ideas(
        ideas_file.spec,
        source=str(ideas_file.path),
        measured=measured,
        top_k=top_k,
        seed=seed,
        n_draws=n_draws,
    )
    if write:
        folder = Path(out) if out is not None else ideas_file.path.parent / OUTPUT_FOLDER
        result = replace(result, outputs=write_outputs(result, folder))
    return result
