"""Charts for reports: rendered with matplotlib to PNG bytes, computing kept elsewhere."""

from __future__ import annotations

from collections.abc import Sequence

from mlplan.io.report.figures import new_figure, to_bytes
from mlplan.records.evaluation import Evaluation

__all__ = ["ladder_chart"]


def ladder_chart(
    evaluations: Sequence[Evaluation],
    metric: str,
    *,
    requirement: float | None = None,
) -> bytes:
    """A horizontal interval plot: each model's test value with its interval (PNG bytes)."""
    shown = [e for e in evaluations if e.value is not None]
    fig = new_figure(7.0, 0.5 + 0.45 * max(len(shown), 1))
    ax = fig.subplots()
    for row, evaluation in enumerate(shown):
        value = float(evaluation.value)  # type: ignore[arg-type]
        lo = evaluation.lo if evaluation.lo is not None else value
        hi = evaluation.hi if evaluation.hi is not None else value
        colour = "#1f6feb" if evaluation.source == "rung" else "#d1242f"
        ax.errorbar(value, row, xerr=[[value - lo], [hi - value]], fmt="o", color=colour, capsize=4)
    if requirement is not None:
        ax.axvline(requirement, color="#2da44e", linestyle="--", label="requirement")
        ax.legend(loc="lower right", frameon=False)
    ax.set_yticks(range(len(shown)), [e.name for e in shown])
    ax.invert_yaxis()
    ax.set_xlabel(f"{metric} on the test rows (95 % interval)")
    ax.grid(axis="x", alpha=0.3)
    return to_bytes(fig, "png")
