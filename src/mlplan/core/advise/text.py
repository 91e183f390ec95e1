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
    """``"0.138 [0.079, 0.220]"``: a value and its interval, with what it cannot show.

    A value whose threshold was chosen on the test rows says it is optimistic, and
    a constraint missed on the test rows is named with its interval, wherever a
    rule quotes the value.
    """
    text = fmt(e.value)
    if e.lo is not None and e.hi is not None:
        text += f" [{fmt(e.lo)}, {fmt(e.hi)}]"
    marks = []
    if e.optimistic and e.value is not None:
        marks.append("optimistic: threshold chosen on the test rows")
    marks += [f"misses {c.name} {c.op} {c.bound:g} on the test rows: {c}" for c in e.violated]
    return text + (f" ({'; '.join(marks)})" if marks else "")
