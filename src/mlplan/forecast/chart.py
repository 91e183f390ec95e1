"""The forecast chart: observed points, fitted curve, interval band, requirement line."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from mlplan.forecast.datasize import Forecast

__all__ = ["forecast_chart"]

_COLOURS = ("#1f6feb", "#d1242f", "#2da44e", "#8250df")


def forecast_chart(result: Forecast, *, image_format: str = "png") -> bytes:
    """Render the learning curves and their extrapolations (PNG or SVG bytes)."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5), dpi=110)
    for colour, rung in zip(_COLOURS, result.rungs, strict=False):
        sizes = np.asarray(rung.curve.sizes, float)
        scores = np.asarray(rung.curve.scores, float)
        ax.scatter(sizes, scores, s=10, alpha=0.35, color=colour)
        means_x, means_y = rung.curve.means()
        ax.plot(means_x, means_y, "o-", color=colour, label=f"{rung.rung} (measured)")
        query = np.asarray(rung.query_sizes)
        ax.plot(query, rung.mean, "--", color=colour, label=f"{rung.rung} (forecast)")
        ax.fill_between(query, rung.lo, rung.hi, color=colour, alpha=0.15, linewidth=0)
        for need in rung.needs:
            crossing = need.target == result.requirement and need.reachable
            if crossing and np.isfinite(need.hi):
                ax.axvline(need.hi, color=colour, linestyle=":", linewidth=1)
    if result.requirement is not None:
        ax.axhline(result.requirement, color="#57606a", linestyle="-.", label="requirement")
    ax.set_xscale("log")
    ax.set_xlabel("training examples")
    ax.set_ylabel(result.metric)
    ax.set_title(f"{result.project}: learning curves and 80 % forecast band")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=image_format)
    plt.close(fig)
    return buffer.getvalue()
