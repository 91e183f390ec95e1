"""Choosing projects: impact × feasibility scoring, ranking and one-page justifications.

:func:`portfolio` reads an ``ideas.yaml`` (see :func:`init` for a commented
example), scores each idea's impact and its three feasibility drivers (data
availability, accuracy requirement, problem difficulty), propagates the ranges
by Monte Carlo, takes measured numbers from linked mlplan projects, and writes
the chart and one one-pager per idea.
"""

from mlplan.portfolio.evidence import ForecastPoint, Measured, read_project
from mlplan.portfolio.init import init
from mlplan.portfolio.rank import CostEstimate, PortfolioResult, RankedIdea, portfolio
from mlplan.portfolio.schema import IdeasFile, IdeasSpec, load_ideas
from mlplan.portfolio.scoring import DriverScore

__all__ = [
    "CostEstimate",
    "DriverScore",
    "ForecastPoint",
    "IdeasFile",
    "IdeasSpec",
    "Measured",
    "PortfolioResult",
    "RankedIdea",
    "init",
    "load_ideas",
    "portfolio",
    "read_project",
]
