"""The ladder chart: every rung and model with its test interval, references as lines.

Trained rungs (blue) and models trained elsewhere (orange) are rows, each with
its test value and 95 % interval, and its cross-validation mean and interval as
a hollow marker just under it. The requirement, published and human results and
scripted rules are *references*: vertical lines across every row (a scripted
rule's interval as a light band), never model rows. A rung without a value (a
dummy that cannot meet a constraint) keeps its row, with a note saying why.
Nothing is computed here; every number comes from the evaluation records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes

from mlplan.io.report.chart_text import literal, plain_text
from mlplan.io.report.figures import ImageFormat, new_figure, to_bytes
from mlplan.io.report.style import MUTED, REFERENCE_STYLE, colours, legend_below
from mlplan.records.evaluation import Evaluation

__all__ = ["ladder_chart", "reference_kind"]


def reference_kind(evaluation: Evaluation, kinds: Mapping[str, str]) -> str | None:
    """``requirement``, ``published``, ``human``, ``scripted`` (references) or None (a row)."""
    kind = kinds.get(evaluation.name)
    if kind in REFERENCE_STYLE:
        return kind
    if evaluation.source == "declared":
        return "requirement" if evaluation.name == "requirement" else "declared"
    return None


@plain_text()
def ladder_chart(
    evaluations: Sequence[Evaluation],
    metric: str,
    *,
    requirement: float | None = None,
    kinds: Mapping[str, str] | None = None,
    best: str | None = None,
    image_format: ImageFormat = "png",
) -> bytes:
    """Draw the ladder (PNG or SVG bytes).

    Parameters
    ----------
    evaluations : sequence of Evaluation
        Declared, scripted and trained rungs and external models, in report order.
    metric : str
        The plan's metric (axis label).
    requirement : float, optional
        The requirement line when no ``requirement`` evaluation carries it.
    kinds : mapping, optional
        Name → ``published``, ``human`` or ``scripted``, from the plan.
    best : str, optional
        The best model's name, shown in bold.
    """
    kinds = kinds or {}
    rows = [e for e in evaluations if reference_kind(e, kinds) is None]
    references = [e for e in evaluations if reference_kind(e, kinds) is not None]
    if requirement is not None and not any(e.name == "requirement" for e in references):
        references.append(
            Evaluation(name="requirement", source="declared", metric=metric, value=requirement)
        )
    fig = new_figure(8.0, 1.3 + 0.5 * max(len(rows), 1))
    ax = fig.subplots()
    _rows(ax, rows)
    missing = _references(ax, references, kinds)
    ax.set_yticks(range(len(rows)), [literal(e.name) for e in rows])
    for label, e in zip(ax.get_yticklabels(), rows, strict=True):
        if e.name == best:
            label.set_fontweight("bold")
    ax.set_ylim(len(rows) - 0.5, -0.7)
    ax.set_xlabel(f"{literal(metric, 120)} on the test rows")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(
        "rungs are lower bounds: what simple models reach on this data", fontsize=9, color=MUTED
    )
    for text in missing:  # a reference without a value still gets its line in the legend
        ax.plot([], [], " ", label=literal(text))
    legend_below(fig, ax, columns=3)
    return to_bytes(fig, image_format)


def _rows(ax: Axes, rows: Sequence[Evaluation]) -> None:
    role = {"rung": next(colours("rung")), "model": next(colours("model"))}
    for row, e in enumerate(rows):
        colour = role["model" if e.source == "model" else "rung"]
        label = "trained elsewhere (test, 95 %)" if e.source == "model" else "rung (test, 95 %)"
        if e.value is None:
            reason = (e.note or "no value").split(";")[0]
            ax.annotate(
                literal(f"no value: {reason}"),
                (0.01, row),
                xycoords=("axes fraction", "data"),
                fontsize=7.5,
                color=MUTED,
                va="center",
                style="italic",
            )
            continue
        value = float(e.value)
        lo = value if e.lo is None else float(e.lo)
        hi = value if e.hi is None else float(e.hi)
        ax.errorbar(
            value, row, xerr=[[value - lo], [hi - value]], fmt="o", color=colour,
            capsize=4, markersize=7, label=label,
        )  # fmt: skip
        if e.cv_mean is not None:
            cv = float(e.cv_mean)
            cv_lo = cv if e.cv_lo is None else float(e.cv_lo)
            cv_hi = cv if e.cv_hi is None else float(e.cv_hi)
            ax.errorbar(
                cv, row + 0.28, xerr=[[max(cv - cv_lo, 0.0)], [max(cv_hi - cv, 0.0)]],
                fmt="o", mfc="white", color=colour, alpha=0.7, capsize=2, markersize=5,
                linewidth=1, label="cross-validation mean (95 %)",
            )  # fmt: skip


def _references(ax: Axes, references: Sequence[Evaluation], kinds: Mapping[str, str]) -> list[str]:
    missing = []
    for e in references:
        kind = reference_kind(e, kinds) or "declared"
        colour, style = REFERENCE_STYLE[kind]
        if e.value is None:
            why = (e.note or "not stated").split(";")[0]
            missing.append(f"{e.name} ({kind}): no value, {why}")
            continue
        options: dict[str, Any] = {"color": colour, "linestyle": style, "linewidth": 1.6}
        label = e.name if e.name == kind else f"{e.name} ({kind})"
        ax.axvline(float(e.value), label=literal(label), **options)
        if e.lo is not None and e.hi is not None and e.hi > e.lo:
            ax.axvspan(float(e.lo), float(e.hi), color=colour, alpha=0.08, linewidth=0)
    return missing
