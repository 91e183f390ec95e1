"""The regression gate: a candidate must not regress against the champion or the baselines.

- :func:`gate` -- the ``mlplan gate`` command as a function (files and store);
- :func:`evaluate_gate` -- the same rules on arrays (:class:`Contender` records);
- :class:`GateResult` / :class:`RuleResult` -- the verdict and each rule behind it;
- :mod:`mlplan.gate.render` -- Rich table, JSON, JUnit XML and Markdown.
"""

from mlplan.gate.api import gate
from mlplan.gate.engine import Contender, GateResult, TestSetCheck, evaluate_gate
from mlplan.gate.rules import RuleResult

__all__ = ["Contender", "GateResult", "RuleResult", "TestSetCheck", "evaluate_gate", "gate"]
