"""The baseline ladder: declared, scripted and trained rungs on one axis.

- :func:`run_ladder` -- cross-validate trained rungs (see :data:`RUNGS`), your own
  estimators (:class:`CustomRung`) and scripted rules on the training part, score
  them once on the test part; returns a :class:`~mlplan.records.ladder.LadderResult`
  with costs, budget decisions and leakage warnings;
- :func:`declared_evaluations` -- the plan's requirement, published and human
  baselines as evaluations with ``source="declared"``;
- :func:`parse_rule` -- the safe rule language of scripted baselines;
- :func:`parse_budget` -- ``"10m"`` → seconds;
- :func:`default_rungs` -- the trained rungs a new plan proposes for its columns.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it (imported on first use, so that
#: importing one light module of the package does not load its heavy ones).
_EXPORTS = {
    "LEAKAGE_CODES": "mlplan.core.baselines.leakage",
    "RUNGS": "mlplan.core.baselines.rungs",
    "CustomRung": "mlplan.core.baselines.resolve",
    "Rule": "mlplan.core.baselines.rules",
    "RungSpec": "mlplan.core.baselines.rungs",
    "build_estimator": "mlplan.core.baselines.rungs",
    "check_leakage": "mlplan.core.baselines.leakage",
    "declared_evaluations": "mlplan.core.baselines.declared",
    "default_rungs": "mlplan.core.baselines.rungs",
    "parse_budget": "mlplan.core.baselines.budget",
    "parse_rule": "mlplan.core.baselines.rules",
    "predict": "mlplan.core.baselines.jobs",
    "run_ladder": "mlplan.core.baselines.ladder",
    "rung_spec": "mlplan.core.baselines.rungs",
}

__all__ = [
    "LEAKAGE_CODES",
    "RUNGS",
    "CustomRung",
    "Rule",
    "RungSpec",
    "build_estimator",
    "check_leakage",
    "declared_evaluations",
    "default_rungs",
    "parse_budget",
    "parse_rule",
    "predict",
    "run_ladder",
    "rung_spec",
]

if TYPE_CHECKING:
    from mlplan.core.baselines.budget import parse_budget
    from mlplan.core.baselines.declared import declared_evaluations
    from mlplan.core.baselines.jobs import predict
    from mlplan.core.baselines.ladder import run_ladder
    from mlplan.core.baselines.leakage import LEAKAGE_CODES, check_leakage
    from mlplan.core.baselines.resolve import CustomRung
    from mlplan.core.baselines.rules import Rule, parse_rule
    from mlplan.core.baselines.rungs import (
        RUNGS,
        RungSpec,
        build_estimator,
        default_rungs,
        rung_spec,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
