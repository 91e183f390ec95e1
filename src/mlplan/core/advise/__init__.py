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

from mlplan.core.advise.engine import check_mute, judge
from mlplan.core.advise.evidence import assemble_evidence
from mlplan.core.advise.paired import paired_difference
from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules import RULES, rule_by_code
from mlplan.core.advise.slices import weak_slices

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
