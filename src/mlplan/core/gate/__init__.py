"""The regression gate: a candidate must not regress against the champion or the baselines.

:func:`evaluate_gate` runs the rules on arrays (:class:`~mlplan.records.gate.Contender`
records) and returns a :class:`~mlplan.records.gate.GateResult`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it (imported on first use, so that
#: importing one light module of the package does not load its heavy ones).
_EXPORTS = {
    "evaluate_gate": "mlplan.core.gate.engine",
}

__all__ = [
    "evaluate_gate",
]

if TYPE_CHECKING:
    from mlplan.core.gate.engine import evaluate_gate


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
