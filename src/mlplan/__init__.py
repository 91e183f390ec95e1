"""mlplan: turn a machine-learning project idea into a measured plan.

Every command of the ``mlplan`` CLI is a function with the same name and
arguments: here :func:`init`, :func:`run`, :func:`baseline`, :func:`split`,
:func:`evaluate`, :func:`stage`, :func:`status` and :func:`history`; the commands
whose name is also a subpackage live one level down, so that the subpackage stays
importable: ``mlplan.advise.advise``, ``mlplan.forecast.forecast``,
``mlplan.gate.gate`` and ``mlplan.portfolio.portfolio``.
"""

from mlplan.advise import Advice
from mlplan.api import Status, evaluate, history, split, status
from mlplan.baselines.command import BaselineReport, baseline
from mlplan.data.dataset import Dataset
from mlplan.data.split import Split
from mlplan.errors import BudgetError, DataError, MetricError, MlplanError, PlanError, StoreError
from mlplan.evaluation import Evaluation
from mlplan.lifecycle import StageMove, stage
from mlplan.plan.init import init
from mlplan.plan.load import PlanFile, load_plan
from mlplan.plan.schema import Plan
from mlplan.project import HistoryEntry, Project
from mlplan.run import RunResult, run
from mlplan.store import Store

__version__ = "0.1.0"

__all__ = [
    "Advice",
    "BaselineReport",
    "BudgetError",
    "DataError",
    "Dataset",
    "Evaluation",
    "HistoryEntry",
    "MetricError",
    "MlplanError",
    "Plan",
    "PlanError",
    "PlanFile",
    "Project",
    "RunResult",
    "Split",
    "StageMove",
    "Status",
    "Store",
    "StoreError",
    "__version__",
    "baseline",
    "evaluate",
    "history",
    "init",
    "load_plan",
    "run",
    "split",
    "stage",
    "status",
]
