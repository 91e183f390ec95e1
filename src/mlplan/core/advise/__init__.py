"""Advice: coded rules that turn a run's evidence into next actions and stage moves.

Each rule (:class:`Rule`) has a stable code (``ADV001``...), a title, a severity
(``issue`` or ``tip``), the lifecycle stage it sends the project to, and one
``check(evidence)`` returning a :class:`~mlplan.records.advice.Finding` with the
numbers, or raising :class:`NotApplicable`. :func:`judge` runs them all on the
:class:`~mlplan.records.evidence.Evidence` that :func:`assemble_evidence` gathers,
then settles them into one diagnosis (:mod:`~mlplan.core.advise.consistency`: no
model sent to two stages). Rules that talk about fit share one diagnosis per rung
(:mod:`~mlplan.core.advise.diagnosis`), and data advice defers to the stored
learning curve (:mod:`~mlplan.core.advise.outlook`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it (imported on first use, so that
#: importing one light module of the package does not load its heavy ones).
_EXPORTS = {
    "RULES": "mlplan.core.advise.rules",
    "NotApplicable": "mlplan.core.advise.rule",
    "Rule": "mlplan.core.advise.rule",
    "assemble_evidence": "mlplan.core.advise.evidence",
    "check_mute": "mlplan.core.advise.engine",
    "judge": "mlplan.core.advise.engine",
    "paired_difference": "mlplan.core.advise.paired",
    "rule_by_code": "mlplan.core.advise.rules",
    "weak_slices": "mlplan.core.advise.slices",
}

__all__ = [
    "RULES",
    "NotApplicable",
    "Rule",
    "assemble_evidence",
    "check_mute",
    "judge",
    "paired_difference",
    "rule_by_code",
    "weak_slices",
]

if TYPE_CHECKING:
    from mlplan.core.advise.engine import check_mute, judge
    from mlplan.core.advise.evidence import assemble_evidence
    from mlplan.core.advise.paired import paired_difference
    from mlplan.core.advise.rule import NotApplicable, Rule
    from mlplan.core.advise.rules import RULES, rule_by_code
    from mlplan.core.advise.slices import weak_slices


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
