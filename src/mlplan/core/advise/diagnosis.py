"""One bias/variance diagnosis per rung, shared by every rule that talks about fit.

A trained rung that scores much better on its fitting folds than on validation
has a *gap*. Flexible learners (boosting, trees, bag-of-words) always have one;
it is overfitting worth acting on only when it hurts:

* the rung's standing: a rung with a smaller gap does better, both in validation
  and on the test rows (two measurements agreeing, not one noisy difference);
* validation and test disagree: the test interval lies below validation.

When neither holds (the rung is the best, its test score agrees with CV) the gap
is benign. The remedy, and so the stage, follows the learning curve
(:func:`~mlplan.core.advise.outlook.data_outlook`): more data when it still
rises (or, for a gap that hurts, when no curve says otherwise), regularising or
tuning when it is flat or the requirement is out of reach. ADV002, ADV003 and
ADV004 all read :func:`diagnose`, so one rung never gets two diagnoses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mlplan.core.advise.outlook import Outlook, data_outlook
from mlplan.core.advise.text import fmt, interval_text
from mlplan.records.evaluation import Evaluation
from mlplan.records.evidence import Evidence
from mlplan.schema.plan import Stage

__all__ = ["GAP_SHARE", "FitDiagnosis", "diagnose", "fit_gap"]

#: A train/validation gap of this share of the train score, outside the validation
#: interval, is a gap worth judging (whether it hurts decides what it means).
GAP_SHARE = 0.10

Verdict = Literal["no_gap", "benign", "variance"]


def fit_gap(e: Evaluation, higher_is_better: bool) -> tuple[float, float] | None:
    """``(gap, relative gap)`` of train over validation, oriented (positive = train better)."""
    if e.cv_train_mean is None or e.cv_mean is None:
        return None
    gap = e.cv_train_mean - e.cv_mean
    if not higher_is_better:
        gap = -gap
    scale = max(abs(e.cv_train_mean), abs(e.cv_mean), 1e-12)
    return gap, gap / scale


@dataclass(frozen=True, slots=True)
class FitDiagnosis:
    """How one rung fits, and what that means for the next step.

    Attributes
    ----------
    rung : str
    relative_gap : float
        Train over validation, as a share of the larger (positive = train better).
    gap : bool
        The gap is at least :data:`GAP_SHARE` and outside the validation interval.
    hurts, clears : tuple of str
        The evidence that the gap hurts, and the evidence that it does not.
    outlook : Outlook
        What the learning curve says more data would do for this rung.
    numbers : str
        ``"gb scores 0.895 on its fitting folds and 0.749 [0.724, 0.773] on validation
        (gap 16% of the train score)"``.
    """

    rung: str
    relative_gap: float
    gap: bool
    hurts: tuple[str, ...]
    clears: tuple[str, ...]
    outlook: Outlook
    numbers: str

    @property
    def verdict(self) -> Verdict:
        """``variance`` (a gap that hurts), ``benign`` (a gap that does not) or ``no_gap``."""
        if not self.gap:
            return "no_gap"
        return "variance" if self.hurts else "benign"

    @property
    def stage(self) -> Stage:
        """Data when more data helps: variance it can close (or might: no curve), or a
        learning curve that still rises; training otherwise."""
        if self.verdict == "variance" and self.outlook.helps is not False:
            return "data"
        return "data" if self.outlook.helps else "training"

    @property
    def action(self) -> str:
        """The next step, in words, with the evidence that chose it."""
        if self.verdict == "variance":
            why = "; ".join(self.hurts)
            if self.outlook.helps:
                return (
                    f"The gap hurts ({why}), and {self.outlook.reason}: collect more labelled "
                    "data (back to the data stage), then regularise or simplify the model."
                )
            if self.outlook.helps is False:
                return (
                    f"The gap hurts ({why}), but more data will not close it "
                    f"({self.outlook.reason}): regularise or simplify {self.rung}, or keep the "
                    "simpler rung."
                )
            return (
                f"The gap hurts ({why}): collect more labelled data (back to the data stage), "
                "then regularise or simplify the model."
            )
        if self.verdict == "benign":
            clears = "; ".join(self.clears)
            if self.outlook.helps:
                return (
                    f"The gap does not hurt ({clears}), and {self.outlook.reason}: collect more "
                    "labelled data; the gap needs no regularising."
                )
            curve = "" if self.outlook.trend == "unknown" else f"; {self.outlook.reason}"
            return (
                f"The gap does not hurt ({clears}{curve}): more data is not the next step; "
                "tune harder or try a bigger model family."
            )
        if self.outlook.helps:
            return (
                f"The gap is no sign of variance, but {self.outlook.reason}: collect more "
                "labelled data, and tune harder or try a bigger model family."
            )
        if self.relative_gap < GAP_SHARE:
            return (
                f"The gap is small (below {GAP_SHARE:.0%} of the train score), so more data "
                "will not help much; tune harder or try a bigger model family."
            )
        return (
            "The gap lies inside the validation interval (the folds vary as much), so it is no "
            "clear sign of variance; tune harder or try a bigger model family."
        )


def diagnose(evidence: Evidence, e: Evaluation) -> FitDiagnosis | None:
    """The fit diagnosis of evaluation ``e`` (None without train and validation scores)."""
    hib = evidence.higher_is_better
    found = fit_gap(e, hib)
    if found is None or e.cv_mean is None or e.cv_train_mean is None:
        return None
    relative = found[1]
    edge = e.cv_hi if hib else e.cv_lo
    outside = edge is None or (edge < e.cv_train_mean if hib else edge > e.cv_train_mean)
    gap = relative >= GAP_SHARE and outside
    outlook = data_outlook(evidence, e.name)
    hurts, clears = _evidence(evidence, e, relative, outlook)
    numbers = (
        f"{e.name} scores {fmt(e.cv_train_mean)} on its fitting folds and {fmt(e.cv_mean)} "
        f"[{fmt(e.cv_lo)}, {fmt(e.cv_hi)}] on validation (gap {relative:.0%} of the train "
        "score)"
    )
    return FitDiagnosis(
        rung=e.name,
        relative_gap=relative,
        gap=gap,
        hurts=hurts,
        clears=clears,
        outlook=outlook,
        numbers=numbers,
    )


def _ahead(evidence: Evidence, value: float, other: float) -> bool:
    """``value`` is strictly better than ``other`` in the metric's direction."""
    return value != other and evidence.beats(value, other)


def _evidence(
    evidence: Evidence, e: Evaluation, relative: float, outlook: Outlook
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    hib = evidence.higher_is_better
    hurts, clears = [], []
    assert e.cv_mean is not None
    steadier = [
        o
        for o in evidence.ml
        if o.name != e.name
        and o.cv_mean is not None
        and (g := fit_gap(o, hib)) is not None
        and g[1] < relative
        and _ahead(evidence, o.cv_mean, e.cv_mean)
        and (o.value is None or e.value is None or _ahead(evidence, o.value, e.value))
    ]
    if steadier:
        o = max(steadier, key=lambda r: (1 if hib else -1) * float(r.cv_mean))  # type: ignore[arg-type]
        test = (
            "" if o.value is None or e.value is None else f", test {fmt(o.value)} vs {fmt(e.value)}"
        )
        hurts.append(
            f"{o.name}, with a smaller gap, does better both in validation ({fmt(o.cv_mean)} vs "
            f"{fmt(e.cv_mean)}{test})"
        )
    else:
        clears.append(
            f"no rung with a smaller gap does better than {e.name} both in validation and on "
            "the test rows"
        )
    if e.value is not None and e.lo is not None and e.hi is not None:
        below = (e.hi < e.cv_lo) if hib and e.cv_lo is not None else False
        if not hib and e.cv_hi is not None:
            below = e.lo > e.cv_hi
        if below:
            hurts.append(f"its test score {interval_text(e)} lies below validation")
        else:
            clears.append(f"its test score {interval_text(e)} agrees with validation")
    return tuple(hurts), tuple(clears)
