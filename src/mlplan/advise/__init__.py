"""Advice: coded rules that turn a run's evidence into next actions and stage moves.

Each rule (:class:`Rule`) has a stable code (``ADV001``...), a title, a severity
(``issue`` or ``tip``), the lifecycle stage it sends the project to, and one
``check(evidence)`` returning a :class:`Finding` with the numbers, or raising
:class:`NotApplicable`. :func:`advise` judges the latest run of a plan.
"""

from mlplan.advise.engine import Advice, advise, advise_run, judge, record_advice
from mlplan.advise.evidence import DeclaredRung, Evidence, LeakageNote, build_evidence
from mlplan.advise.paired import PairedDifference, paired_difference
from mlplan.advise.render import advice_markdown, advice_rich
from mlplan.advise.rule import Finding, NotApplicable, Rule
from mlplan.advise.rules import RULES, rule_by_code
from mlplan.advise.slices import Slice, weak_slices

__all__ = [
    "RULES",
    "Advice",
    "DeclaredRung",
    "Evidence",
    "Finding",
    "LeakageNote",
    "NotApplicable",
    "PairedDifference",
    "Rule",
    "Slice",
    "advice_markdown",
    "advice_rich",
    "advise",
    "advise_run",
    "build_evidence",
    "judge",
    "paired_difference",
    "record_advice",
    "rule_by_code",
    "weak_slices",
]
