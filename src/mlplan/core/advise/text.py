"""How advice writes numbers: values, levels and intervals in messages."""

from __future__ import annotations

from mlplan.records.evaluation import Evaluation

__all__ = ["fmt", "interval_text", "pct"]


def fmt(value: float | None, digits: int = 3) -> str:
    """A number for a message ("–" when missing)."""
    return "–" if value is None else f"{value:.{digits}f}"


def pct(confidence: float) -> str:
    """``0.95`` -> ``"95%"``."""
    return f"{confidence * 100:g}%"


def interval_text(e: Evaluation) -> str:
    """``"0.138 [0.079, 0.220]"``: a value and its interval."""
    if e.lo is None or e.hi is None:
        return fmt(e.value)
    return f"{fmt(e.value)} [{fmt(e.lo)}, {fmt(e.hi)}]"
