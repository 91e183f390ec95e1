"""Choosing projects: impact × feasibility scoring and ranking with Monte-Carlo robustness."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it (imported on first use, so that
#: importing one light module of the package does not load its heavy ones).
_EXPORTS = {
    "build_model": "mlplan.core.portfolio.scoring",
    "rank_ideas": "mlplan.core.portfolio.rank",
}

__all__ = [
    "build_model",
    "rank_ideas",
]

if TYPE_CHECKING:
    from mlplan.core.portfolio.rank import rank_ideas
    from mlplan.core.portfolio.scoring import build_model


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
