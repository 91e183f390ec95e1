"""The forecast chart: learning curves with their forecast band, and data needed per target."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from mlplan.core.forecast.calibration import HORIZON_CAP
from mlplan.io.report.chart_text import literal, plain_text
from mlplan.io.report.figures import ImageFormat, new_figure, to_bytes
from mlplan.io.report.style import legend_below
from mlplan.records.forecast import Forecast

__all__ = ["forecast_chart"]

_COLOURS = ("#1f6feb", "#d1242f", "#2da44e", "#8250df")


def forecast_chart(result: Forecast, *, image_format: ImageFormat = "png") -> bytes:
    """Render the forecast (PNG or SVG bytes).

    Left: observed scores per size and fold, their means, the extrapolated mean
    and its 80 % band, the requirement, and where the band's pessimistic edge
    crosses it. Right: labelled examples needed per target level (the measured
    cost-vs-accuracy curve), with the labelling cost on a second axis when the
    plan prices labels.
    """
    with plain_text():
        fig = new_figure(12.0, 4.6)
        curves, needs = fig.subplots(1, 2)
        _curves(curves, result)
        _needs(needs, result)
        for ax in (curves, needs):  # one legend under both plots, never over the data
            legend = ax.get_legend()
            if legend is not None:
                legend.remove()
        legend_below(fig, curves, needs, columns=4)
        fig.suptitle(f"{literal(result.project)}: how much data for {literal(result.metric, 120)}?")
        return to_bytes(fig, image_format)


def _curves(ax: Axes, result: Forecast) -> None:
    for colour, rung in zip(_COLOURS, result.rungs, strict=False):
        ax.scatter(rung.curve.sizes, rung.curve.scores, s=10, alpha=0.3, color=colour)
        sizes, means = rung.curve.means()
        ax.plot(sizes, means, "o-", color=colour, label=f"{literal(rung.rung)} (measured)")
        ax.plot(
            rung.query_sizes,
            rung.mean,
            "--",
            color=colour,
            label=f"{literal(rung.rung)} (forecast)",
        )
        ax.fill_between(rung.query_sizes, rung.lo, rung.hi, color=colour, alpha=0.15, lw=0)
        if rung.today is not None and rung.today_lo is not None and rung.today_hi is not None:
            ax.errorbar(
                [result.n_train],
                [rung.today],
                yerr=[[rung.today - rung.today_lo], [rung.today_hi - rung.today]],
                fmt="s",
                color=colour,
                capsize=4,
                label=f"{literal(rung.rung)} forecast today",
            )
        if rung.test_score is not None:
            ax.plot([result.n_train], [rung.test_score], "x", color=colour, ms=9, mew=2)
        for need in rung.needs:
            crossing = need.target == result.requirement and need.reachable
            if crossing and np.isfinite(need.hi):
                ax.axvline(need.hi, color=colour, linestyle=":", linewidth=1)
    if result.requirement is not None:
        ax.axhline(result.requirement, color="#57606a", linestyle="-.", label="requirement")
    ax.set_xscale("log")
    ax.set_xlabel("training examples")
    ax.set_ylabel(literal(result.metric, 120))
    scores = "test" if any(r.test_score is not None for r in result.rungs) else "cross-validation"
    ax.set_title(f"learning curves, 80 % band of {scores} scores (x: test today)")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)


def _needs(ax: Axes, result: Forecast) -> None:
    for colour, rung in zip(_COLOURS, result.rungs, strict=False):
        reachable = [n for n in rung.needs if n.reachable and np.isfinite(n.n)]
        if not reachable:
            continue
        targets = np.array([x.target for x in reachable])
        needed = np.array([x.n for x in reachable])
        lo = np.array([x.lo for x in reachable])
        cap = HORIZON_CAP * result.n_train  # an open upper edge is drawn up to the horizon
        hi = np.array([min(x.hi, cap) for x in reachable])
        ax.errorbar(
            targets,
            needed,
            yerr=[needed - lo, hi - needed],
            fmt="o-",
            color=colour,
            capsize=3,
            label=literal(rung.rung),
        )
        open_ended = [x.target for x in reachable if not np.isfinite(x.hi)]
        if open_ended:  # the bar stops at the horizon; the answer's upper end lies beyond it
            ax.plot(open_ended, [cap] * len(open_ended), "^", color=colour, markersize=7,
                    label=f"upper end beyond {HORIZON_CAP:g}× today")  # fmt: skip
        unreachable = [x.target for x in rung.needs if not x.reachable]
        for target in unreachable:
            ax.axvline(target, color=colour, alpha=0.3, linestyle=":")
    ax.axhline(result.n_train, color="#57606a", linestyle="-.", label="training rows today")
    if result.requirement is not None:
        ax.axvline(result.requirement, color="#57606a", linestyle="--", label="requirement")
    ax.set_yscale("log")
    ax.set_xlabel(f"target {literal(result.metric, 120)}")
    ax.set_ylabel("training examples needed")
    ax.set_title(
        f"data needed per target, 80 % interval\n(▲: upper end beyond {HORIZON_CAP:g}× today; "
        "dotted line: target not reachable)"
    )
    ax.grid(alpha=0.3)
    price = result.cost_per_example
    if price:
        n_now = result.n_train

        def to_cost(examples: ArrayLike) -> ArrayLike:
            return np.maximum(np.asarray(examples, float) - n_now, 0.0) * price

        def to_examples(cost: ArrayLike) -> ArrayLike:
            return np.asarray(cost, float) / price + n_now

        axis = ax.secondary_yaxis("right", functions=(to_cost, to_examples))
        axis.set_ylabel("labelling cost to add")
    ax.legend(frameon=False, fontsize=8)
