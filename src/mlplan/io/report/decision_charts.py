"""Charts of decisions: the weak slices, the gate's rules, the plan's metric over runs.

They draw the numbers the records hold (the ADV013 finding's slices, a gate
result's rules, the stored runs' best values) and compute nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes

from mlplan.io.report.chart_text import literal, plain_text
from mlplan.io.report.figures import ImageFormat, new_figure, to_bytes
from mlplan.io.report.style import MUTED, REFERENCE_STYLE, STATUS_COLOURS, colours, legend_below

__all__ = ["PAIRED_KINDS", "gate_chart", "history_chart", "slices_chart"]

#: Gate rules whose interval is of a paired difference (candidate minus opponent).
PAIRED_KINDS = frozenset({"non_inferiority", "must_beat", "best_baseline"})


def _interval(ax: Axes, row: float, value: float, lo: Any, hi: Any, **style: Any) -> None:
    low = value if lo is None else float(lo)
    high = value if hi is None else float(hi)
    ax.errorbar(
        value, row, xerr=[[max(value - low, 0.0)], [max(high - value, 0.0)]], fmt="o",
        capsize=4, markersize=6, **style,
    )  # fmt: skip


@plain_text()
def slices_chart(
    slices: Sequence[Mapping[str, Any]], model: str, *, image_format: ImageFormat = "png"
) -> bytes:
    """The weak slices' metric with its corrected interval, against the model's overall value."""
    fig = new_figure(8.0, 1.4 + 0.42 * max(len(slices), 1))
    ax = fig.subplots()
    overall = next((s.get("overall") for s in slices if s.get("overall") is not None), None)
    metric = next((s.get("metric") for s in slices), "metric")
    for row, s in enumerate(slices):
        below = bool(s.get("below_baseline"))
        colour = STATUS_COLOURS["regression"] if below else "#0969da"
        label = "below the baseline here" if below else "weak slice (corrected interval)"
        _interval(ax, row, float(s["value"]), s.get("lo"), s.get("hi"), color=colour, label=label)
    if overall is not None:
        ax.axvline(float(overall), color=MUTED, ls="--", lw=1.2, label=f"overall {overall:.3f}")
    names = [literal(f"{s['column']} = {s['label']}  ({int(s['n']):,} rows)") for s in slices]
    ax.set_yticks(range(len(slices)), names, fontsize=8)
    ax.set_ylim(len(slices) - 0.5, -0.5)
    ax.set_xlabel(literal(f"{metric} of {model} on the slice", 120))
    ax.grid(axis="x", alpha=0.3)
    legend_below(fig, ax, columns=3)
    return to_bytes(fig, image_format)


@plain_text()
def gate_chart(result: Mapping[str, Any], *, image_format: ImageFormat = "png") -> bytes:
    """The gate's rules: paired differences against 0 and the margin, floors against the value.

    ``result`` is a gate result's JSON form (``GateResult.to_dict()``, or the
    ``rules`` a stored gate event holds). Rules without numbers are left out.
    """
    rules = [r for r in result.get("rules", []) if r.get("lo") is not None]
    paired = [r for r in rules if r.get("kind") in PAIRED_KINDS]
    levels = [r for r in rules if r.get("kind") not in PAIRED_KINDS]
    panels = [p for p in (paired, levels) if p]
    height = 1.6 + 0.42 * max((len(p) for p in panels), default=1)
    fig = new_figure(6.0 * max(len(panels), 1), height)
    axes = fig.subplots(1, max(len(panels), 1), squeeze=False)[0]
    if paired:
        _paired(axes[0], paired)
    if levels:
        _levels(axes[-1], levels)
    outcome = result.get("outcome") or ("pass" if result.get("passed") else "fail")
    fig.suptitle(
        literal(f"gate {outcome}: {result.get('candidate')}"
                + (f" vs {result['champion']}" if result.get("champion") else "")),
        fontsize=10,
        color=STATUS_COLOURS.get(str(outcome), MUTED),
    )  # fmt: skip
    legend_below(fig, *axes, columns=4)
    return to_bytes(fig, image_format)


def _paired(ax: Axes, rules: Sequence[Mapping[str, Any]]) -> None:
    for row, r in enumerate(rules):
        status = str(r.get("status"))
        colour = STATUS_COLOURS.get(status, MUTED)
        value = float(r["difference"]) if r.get("difference") is not None else float(r["lo"])
        _interval(ax, row, value, r.get("lo"), r.get("hi"), color=colour, label=status)
        margin = r.get("margin")
        if margin is not None:
            ax.plot([-float(margin)] * 2, [row - 0.35, row + 0.35], color=STATUS_COLOURS["regression"],
                    lw=2, label="largest drop allowed (margin)")  # fmt: skip
    ax.axvline(0.0, color=MUTED, lw=1, label="no difference")
    ax.set_yticks(range(len(rules)), [literal(_rule_label(r)) for r in rules], fontsize=8)
    ax.set_ylim(len(rules) - 0.5, -0.5)
    ax.set_xlabel("candidate minus opponent (positive: better), paired interval")
    ax.grid(axis="x", alpha=0.3)


def _levels(ax: Axes, rules: Sequence[Mapping[str, Any]]) -> None:
    for row, r in enumerate(rules):
        status = str(r.get("status"))
        colour = STATUS_COLOURS.get(status, MUTED)
        value = float(r["candidate"]) if r.get("candidate") is not None else float(r["lo"])
        _interval(ax, row, value, r.get("lo"), r.get("hi"), color=colour, label=status)
        if r.get("reference") is not None:
            ax.plot([float(r["reference"])] * 2, [row - 0.35, row + 0.35], color=INK_BOUND, lw=2,
                    label="floor or bound")  # fmt: skip
    ax.set_yticks(range(len(rules)), [literal(_rule_label(r)) for r in rules], fontsize=8)
    ax.set_ylim(len(rules) - 0.5, -0.5)
    ax.set_xlabel("candidate's value, interval")
    ax.grid(axis="x", alpha=0.3)


INK_BOUND = REFERENCE_STYLE["requirement"][0]


def _rule_label(rule: Mapping[str, Any]) -> str:
    against = f" vs {rule['against']}" if rule.get("against") else ""
    return f"{rule.get('id')}{against}"


@plain_text()
def history_chart(
    runs: Sequence[Mapping[str, Any]],
    metric: str,
    *,
    requirement: float | None = None,
    image_format: ImageFormat = "png",
) -> bytes:
    """The plan's metric over its runs: each run's best model with its interval.

    ``runs`` are index rows (``run_id``, ``value``, ``lo``, ``hi``, ``best``) of the
    runs that measured ``metric``, oldest first; a run without a value keeps its
    place on the axis.
    """
    fig = new_figure(max(6.0, 0.6 * len(runs) + 3.0), 3.8)
    ax = fig.subplots()
    colour = next(colours("rung"))
    shown = [r for r in runs if r.get("value") is not None]
    for i, r in enumerate(shown):
        x, y = float(r["run_id"]), float(r["value"])
        lo = y if r.get("lo") is None else float(r["lo"])
        hi = y if r.get("hi") is None else float(r["hi"])
        ax.errorbar(x, y, yerr=[[max(y - lo, 0.0)], [max(hi - y, 0.0)]], fmt="o", color=colour,
                    capsize=4, label="best model of the run (test, 95 %)")  # fmt: skip
        ax.annotate(literal(str(r.get("best") or "")), (x, y), xytext=(6, 6 if i % 2 else -12),
                    textcoords="offset points", fontsize=7, color=MUTED)  # fmt: skip
    ax.plot([float(r["run_id"]) for r in shown], [float(r["value"]) for r in shown],
            color=colour, alpha=0.4, lw=1)  # fmt: skip
    if requirement is not None:
        line, style = REFERENCE_STYLE["requirement"]
        ax.axhline(requirement, color=line, ls=style, lw=1.4, label=f"requirement {requirement:g}")
    ax.set_xticks([float(r["run_id"]) for r in runs], [f"#{r['run_id']}" for r in runs])
    ax.set_xlim(
        min(float(r["run_id"]) for r in runs) - 0.6, max(float(r["run_id"]) for r in runs) + 0.9
    )
    ax.set_xlabel("run")
    ax.set_ylabel(literal(metric))
    ax.grid(alpha=0.3)
    legend_below(fig, ax, columns=2)
    return to_bytes(fig, image_format)
