"""Rules on the data-size forecast: ADV014."""

from __future__ import annotations

from mlplan.core.advise.outlook import requirement_need
from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules._common import fmt
from mlplan.records.advice import Finding
from mlplan.records.evidence import Evidence

__all__ = ["DataWillNotCloseGap"]


class DataWillNotCloseGap(Rule):
    """The forecast says how much labelled data the requirement needs, or that none will do.

    Fires as an issue (back to training: another model family, or re-scope) when
    the requirement is beyond the forecast ceiling of the best measured rung at
    any size; passes with the examples needed, their interval and their cost when
    more data reaches it.
    """

    code = "ADV014"
    title = "More data will not reach the requirement"
    severity = "issue"
    stage = "training"
    close_when = "a forecast (mlplan forecast) in which the requirement is reachable"

    def check(self, evidence: Evidence) -> Finding:
        forecast = evidence.forecast
        if not forecast:
            raise NotApplicable("no data-size forecast yet for this metric (mlplan forecast)")
        target = evidence.requirement_target()
        if target is None:
            raise NotApplicable(f"the plan states no requirement on its metric {evidence.metric}")
        name, level = target
        need = requirement_need(evidence)
        if need is None:
            raise NotApplicable(f"the latest forecast has no target {fmt(level)}; rerun it")
        rung, ceiling = forecast.get("rung"), forecast.get("ceiling")
        numbers = {"rung": rung, "target": level, "ceiling": ceiling, **need}
        if not need["reachable"]:
            return self.fire(
                f"the learning curve of {rung} levels off at {fmt(ceiling)} ({name}), short of "
                f"the requirement {fmt(level)}: no amount of data of this kind gets this rung "
                "there. Try a stronger model family or better features, or re-scope the "
                "requirement, before paying for labels.",
                subject=rung,
                **numbers,
            )
        cost = "" if not need.get("cost") else f", about {need['cost']:,.0f} in labelling"
        upper = "an open upper end" if need.get("hi") is None else f"{need['hi']:,.0f}"
        today = forecast.get("n_train", 0)
        if need.get("met_now"):
            return self.passed(
                f"{rung}'s forecast at today's {today:,} training examples already reaches the "
                f"requirement {name} {fmt(level)}; its 80% interval for the examples needed runs "
                f"from {need['lo']:,.0f} to {upper}, so more data is insurance, not a must.",
                **numbers,
            )
        chance = need.get("chance")
        odds = (
            f" Only {chance:.0%} of the forecast's curves reach it within 100x today's data: "
            "treat the size as what it takes if it is reachable at all."
            if chance is not None and chance < 0.5
            else ""
        )
        return self.passed(
            f"{rung} reaches the requirement {name} {fmt(level)} at about {need['n']:,.0f} "
            f"training examples (80% interval {need['lo']:,.0f} to {upper}; "
            f"{today:,} today{cost}).{odds}",
            **numbers,
        )
