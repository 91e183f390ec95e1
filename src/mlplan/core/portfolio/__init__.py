"""Choosing projects: impact × feasibility scoring and ranking with Monte-Carlo robustness."""

from mlplan.core.portfolio.rank import rank_ideas
from mlplan.core.portfolio.scoring import build_model

__all__ = ["build_model", "rank_ideas"]
