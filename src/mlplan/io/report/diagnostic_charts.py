"""Charts of the diagnostics records: PR and ROC curves, confusion, calibration, per class.

Each function draws a :class:`~mlplan.records.diagnostics.RunDiagnostics` (or a
model's :class:`~mlplan.records.diagnostics.Diagnostics`) as it is: curve points,
the operating point, the plan's constraint lines, counts. Nothing is recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from mlplan.io.report.chart_text import literal, plain_text
from mlplan.io.report.figures import ImageFormat, new_figure, to_bytes
from mlplan.io.report.style import GRID, INK, MUTED, colours, legend_below
from mlplan.records.diagnostics import Diagnostics, RunDiagnostics

__all__ = ["calibration_chart", "confusion_chart", "curves_chart", "per_class_chart", "scored"]

_CONSTRAINT = {"color": "#1a7f37", "linestyle": "--", "linewidth": 1.2}


def scored(run: RunDiagnostics) -> list[Diagnostics]:
    """Models with curves whose scores are not constant (a constant score has no curve)."""
    return [m for m in run.models if m.roc is not None and m.pr is not None and m.roc.n_points > 2]


def _palette(models: Sequence[Diagnostics]) -> dict[str, str]:
    shades = {"rung": colours("rung"), "model": colours("model")}
    return {m.name: next(shades["model" if m.source == "model" else "rung"]) for m in models}


@plain_text()
def curves_chart(run: RunDiagnostics, *, image_format: ImageFormat = "png") -> bytes:
    """Precision–recall (left) and ROC (right) curves of every scored model.

    Each curve carries its operating point (a filled circle at the chosen
    threshold); the plan's constraints are green dashed lines (the feasible side
    is shaded lightly); dotted grey lines are chance.
    """
    models = scored(run)
    palette = _palette(models)
    fig = new_figure(11.0, 4.8)
    pr, roc = fig.subplots(1, 2)
    for m in models:
        assert m.pr is not None and m.roc is not None
        colour = palette[m.name]
        areas = [
            f"{name} {value:.3f}"
            for name, value in (("AP", m.pr.average_precision), ("AUC", m.roc.auc))
            if value is not None
        ]
        label = literal(f"{m.name} ({', '.join(areas)})" if areas else m.name)
        pr.plot(m.pr.recall, m.pr.precision, color=colour, lw=1.6, label=label)
        roc.plot(m.roc.fpr, m.roc.tpr, color=colour, lw=1.6, label=label)
        mark = m.mark
        if mark is not None and mark.recall is not None:
            label = "operating point (chosen threshold)"
            if mark.precision is not None:
                pr.plot(mark.recall, mark.precision, "o", ms=8, color=colour, mec=INK, label=label)
            if mark.fpr is not None:
                roc.plot(mark.fpr, mark.recall, "o", ms=8, color=colour, mec=INK, label=label)
    if run.n_positive is not None and run.n_test:
        chance = run.n_positive / run.n_test
        pr.axhline(chance, color=MUTED, ls=":", lw=1, label=f"chance ({chance:.3f} positive)")
    roc.plot([0, 1], [0, 1], color=MUTED, ls=":", lw=1)
    for line in run.constraints:
        if line.pr is not None:
            (x0, y0), (x1, y1) = line.pr
            pr.plot([x0, x1], [y0, y1], label=literal(f"constraint: {line.text}"), **_CONSTRAINT)
        if line.roc is not None:
            (x0, y0), (x1, y1) = line.roc
            roc.plot([x0, x1], [y0, y1], label=literal(f"constraint: {line.text}"), **_CONSTRAINT)
    positive = f" (positive: {run.positive})" if run.positive else ""
    for ax, title, xlabel, ylabel in (
        (pr, "precision–recall", "recall", "precision"),
        (roc, "ROC", "false positive rate", "true positive rate (recall)"),
    ):
        ax.set_xlim(-0.01, 1.01)
        ax.set_ylim(-0.01, 1.01)
        ax.set_title(literal(title + positive), fontsize=10)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    legend_below(fig, pr, roc, columns=3)
    return to_bytes(fig, image_format)


@plain_text()
def confusion_chart(models: Sequence[Diagnostics], *, image_format: ImageFormat = "png") -> bytes:
    """One confusion matrix per model at its operating point: counts and row shares."""
    shown = [m for m in models if m.confusion]
    k = len(shown[0].labels) if shown else 2
    side = 2.6 if k <= 3 else min(0.55 * k + 1.5, 7.0)
    fig = new_figure(side * max(len(shown), 1) + 0.6, side + 0.6)
    axes = fig.subplots(1, max(len(shown), 1), squeeze=False)[0]
    for ax, m in zip(axes, shown, strict=False):
        _matrix(ax, m)
    return to_bytes(fig, image_format)


def _matrix(ax: Axes, m: Diagnostics) -> None:
    counts = np.asarray(m.confusion, dtype=np.int64)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    ax.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    k = counts.shape[0]
    small = k > 6
    for i in range(k):
        for j in range(k):
            colour = "white" if shares[i, j] > 0.6 else INK
            text = f"{counts[i, j]:,}" if small else f"{counts[i, j]:,}\n{shares[i, j]:.0%}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7 if small else 9, color=colour)
    names = [literal(label) for label in m.labels]
    ax.set_xticks(range(k), names, rotation=45 if k > 3 else 0, ha="right" if k > 3 else "center")
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    at = f" at threshold {m.threshold:.4g}" if m.threshold is not None else ""
    ax.set_title(literal(m.name + at), fontsize=9)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_color(GRID)


@plain_text()
def calibration_chart(run: RunDiagnostics, *, image_format: ImageFormat = "png") -> bytes:
    """Reliability curves (observed share of positives per bin vs mean predicted probability).

    The lower panel counts the test rows in each bin, so a point backed by few
    rows reads as such.
    """
    models = [m for m in scored(run) if m.calibration is not None]
    palette = _palette(models)
    fig = new_figure(6.6, 5.0)
    curve, counts = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    curve.plot([0, 1], [0, 1], color=MUTED, ls=":", lw=1, label="perfectly calibrated")
    n_bins = next((m.calibration.n_bins for m in models if m.calibration is not None), 10)
    width = 0.8 / n_bins / max(len(models), 1)
    for i, m in enumerate(models):
        bins = m.calibration
        assert bins is not None
        colour = palette[m.name]
        curve.plot(bins.mean_predicted, bins.observed, "o-", color=colour, label=literal(m.name))
        offset = (i - (len(models) - 1) / 2) * width
        counts.bar(np.asarray(bins.mean_predicted) + offset, bins.counts, width=width, color=colour)
    curve.set_xlim(0, 1)
    curve.set_ylim(0, 1)
    curve.set_ylabel("observed share of positives")
    curve.set_title("calibration (10 equal-width bins)", fontsize=10)
    curve.grid(alpha=0.3)
    counts.set_yscale("log")
    counts.set_ylabel("rows")
    counts.set_xlabel("mean predicted probability")
    counts.grid(alpha=0.3)
    legend_below(fig, curve, columns=3)
    return to_bytes(fig, image_format)


@plain_text()
def per_class_chart(model: Diagnostics, *, image_format: ImageFormat = "png") -> bytes:
    """Precision, recall and F1 of every class (multi-class), with each class's support."""
    classes = model.per_class
    fig = new_figure(max(6.0, 0.7 * len(classes) + 2.5), 4.2)
    ax = fig.subplots()
    x = np.arange(len(classes))
    for offset, (name, colour) in zip(
        (-0.27, 0.0, 0.27),
        (("precision", "#0969da"), ("recall", "#d4570e"), ("f1", "#1a7f37")),
        strict=True,
    ):
        values = [getattr(c, name) for c in classes]
        heights = [np.nan if v is None else v for v in values]
        ax.bar(x + offset, heights, width=0.26, color=colour, label=name)
        for xi, v in zip(x, values, strict=True):
            if v is None:
                ax.text(xi + offset, 0.02, "n/a", rotation=90, fontsize=7, color=MUTED, ha="center")
    ax.set_xticks(x, [literal(f"{c.label}\n(n={c.support:,})") for c in classes], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("at the operating point")
    ax.set_title(literal(f"{model.name}: per-class scores"), fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    legend_below(fig, ax, columns=3)
    return to_bytes(fig, image_format)
