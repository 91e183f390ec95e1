"""ADV013: the slices of the test rows where the model is weakest -- collect data there."""

from __future__ import annotations

from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules._common import fmt
from mlplan.core.advise.slices import FAMILY_ALPHA, MIN_SLICE_ROWS
from mlplan.records.advice import Finding
from mlplan.records.evidence import Evidence, Slice

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
    """Column values or score ranges where the model is worst, or below the baseline."""

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
            return self.fire(
                f"{evidence.slice_model} is weakest on {len(weak)} of {n} slices, with "
                f"intervals corrected for testing {n} slices (family error "
                f"{FAMILY_ALPHA:g}): {shown}{more}. Concentrate data collection and "
                "labelling there.",
                model=evidence.slice_model,
                baseline=evidence.slice_baseline,
                slices=[s.to_dict() for s in weak[:10]],
            )
        worst = evidence.slices[0]
        return self.passed(
            f"no slice of {n} is significantly weak for {evidence.slice_model}; the weakest is "
            + _describe(worst)
            + ".",
            model=evidence.slice_model,
        )
