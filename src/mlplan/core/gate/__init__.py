"""The regression gate: a candidate must not regress against the champion or the baselines.

:func:`evaluate_gate` runs the rules on arrays (:class:`~mlplan.records.gate.Contender`
records) and returns a :class:`~mlplan.records.gate.GateResult`.
"""

from mlplan.core.gate.engine import evaluate_gate

__all__ = ["evaluate_gate"]
