"""The baseline ladder: declared, scripted and trained rungs on one axis.

- :func:`run_ladder` -- cross-validate trained rungs (see :data:`RUNGS`), your own
  estimators (:class:`CustomRung`) and scripted rules on the training part, score
  them once on the test part; returns a :class:`LadderResult` with costs, budget
  decisions and leakage warnings (:class:`LeakageWarning`);
- :func:`declared_evaluations` -- the plan's requirement, published and human
  baselines as evaluations with ``source="declared"``;
- :func:`parse_rule` -- the safe rule language of scripted baselines;
- :func:`parse_budget` -- ``"10m"`` → seconds;
- :func:`default_rungs` -- the trained rungs a new plan proposes for its columns.
"""

from mlplan.baselines.budget import BudgetDecision, parse_budget
from mlplan.baselines.external import declared_evaluations
from mlplan.baselines.ladder import (
    CustomRung,
    LadderResult,
    Predictions,
    RungResult,
    SkippedRung,
    fold_interval,
    predict,
    run_ladder,
)
from mlplan.baselines.leakage import LEAKAGE_CODES, LeakageWarning, check_leakage
from mlplan.baselines.rules import Rule, parse_rule
from mlplan.baselines.rungs import RUNGS, RungSpec, build_estimator, default_rungs, rung_spec

__all__ = [
    "LEAKAGE_CODES",
    "RUNGS",
    "BudgetDecision",
    "CustomRung",
    "LadderResult",
    "LeakageWarning",
    "Predictions",
    "Rule",
    "RungResult",
    "RungSpec",
    "SkippedRung",
    "build_estimator",
    "check_leakage",
    "declared_evaluations",
    "default_rungs",
    "fold_interval",
    "parse_budget",
    "parse_rule",
    "predict",
    "run_ladder",
    "rung_spec",
]
