"""ADV013: the slices of the test rows where the model is weakest -- collect data there.

Collecting data there is the advice only when the learning curve does not say
otherwise (:func:`~mlplan.core.advise.outlook.data_outlook`): with a flat curve, or
a requirement no amount of data reaches (ADV014), the weak slices point at
missing features instead, and the finding sends the project to training.
"""

from __future__ import annotations

from mlplan.core.advise.outlook import data_outlook
from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules._common import fmt
from mlplan.core.advise.slices import FAMILY_ALPHA, MIN_SLICE_ROWS
from mlplan.records.advice import Finding
from mlplan.records.evidence import Evidence, Slice
from mlplan.schema.plan import Stage

__all__ = ["WeakSlices"]

#: Slices named in a message.
SHOWN = 3


def _describe(s: Slice) -> str:
    text = (
        f"{s.column} = {s.label} ({s.n} rows): {s.metric} {fmt(s.value)} "
        f"[{fmt(s.lo)}, {fmt(s.hi)}] vs {fmt(s.overall)} overall"
    )
    if s.below_baseline and s.difference is not None:
        text += (
            f", below the baseline by {fmt(s.difference)} [{fmt(s.difference_lo)}, "
            f"{fmt(s.difference_hi)}]"
        )
    return text


class WeakSlices(Rule):
    """Values of input columns where the model is worst, or below the baseline."""

    code = "ADV013"
    title = "Weak slices"
    severity = "tip"
    stage = "data"
    close_when = "no slice significantly below the model's overall score or below the baseline"

    def check(self, evidence: Evidence) -> Finding:
        if not evidence.slices:
            raise NotApplicable(
                f"no slice of the test rows has {MIN_SLICE_ROWS}+ rows with a defined metric"
            )
        weak = [s for s in evidence.slices if s.weak or s.below_baseline]
        n = len(evidence.slices)
        if weak:
            shown = "; ".join(_describe(s) for s in weak[:SHOWN])
            more = f" (and {len(weak) - SHOWN} more)" if len(weak) > SHOWN else ""
            outlook = data_outlook(evidence, evidence.slice_model)
            stage: Stage
            if outlook.helps is False:
                stage, action = (
                    "training",
                    (
                        f"More data of this kind will not lift them ({outlook.reason}): look for "
                        "features that explain these slices, or a model for them, before "
                        "collecting data there."
                    ),
                )
            else:
                stage, action = "data", "Concentrate data collection and labelling there."
            return self.fire(
                f"{evidence.slice_model} is weakest on {len(weak)} of {n} slices of its input "
                f"columns ({evidence.slice_note}), with intervals corrected for testing {n} "
                f"slices (family error {FAMILY_ALPHA:g}): {shown}{more}. " + action,
                stage=stage,
                subject=evidence.slice_model,
                model=evidence.slice_model,
                baseline=evidence.slice_baseline,
                slices=[s.to_dict() for s in weak[:10]],
                learning_curve=outlook.trend,
            )
        worst = evidence.slices[0]
        return self.passed(
            f"no slice of {n} is significantly weak for {evidence.slice_model} "
            f"({evidence.slice_note}); the weakest is " + _describe(worst) + ".",
            model=evidence.slice_model,
        )
