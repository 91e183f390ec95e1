"""The advice rules, in code order. Codes are stable: never renumber, never reuse."""

from mlplan.core.advise.rule import Rule
from mlplan.core.advise.rules.baselines import (
    CloseToBestBaseline,
    PublishedFarAbove,
    ScriptedMatchesML,
    WorseThanBaseline,
)
from mlplan.core.advise.rules.data_size import DataWillNotCloseGap
from mlplan.core.advise.rules.fit import (
    LeakageSuspected,
    Overfitting,
    TestBelowValidation,
    Underfitting,
)
from mlplan.core.advise.rules.requirement import (
    ConstraintUnreachable,
    DummyMeetsRequirement,
    HumanBelowRequirement,
    RequirementMet,
    RequirementMetByPointOnly,
)
from mlplan.core.advise.rules.slices import WeakSlices

__all__ = ["RULES", "rule_by_code"]

RULES: tuple[Rule, ...] = (
    WorseThanBaseline(),
    CloseToBestBaseline(),
    Overfitting(),
    Underfitting(),
    RequirementMet(),
    RequirementMetByPointOnly(),
    DummyMeetsRequirement(),
    ScriptedMatchesML(),
    HumanBelowRequirement(),
    PublishedFarAbove(),
    ConstraintUnreachable(),
    LeakageSuspected(),
    WeakSlices(),
    DataWillNotCloseGap(),
    TestBelowValidation(),
)


def rule_by_code(code: str) -> Rule | None:
    """The rule with this code, if any."""
    return next((r for r in RULES if r.code == code.upper()), None)
