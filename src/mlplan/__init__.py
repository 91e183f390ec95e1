"""mlplan: turn a machine-learning project idea into a measured plan.

Every command of the ``mlplan`` CLI is a function here with the same name and
arguments: :func:`init`, :func:`run`, :func:`baseline`, :func:`split`,
:func:`evaluate`, :func:`advise`, :func:`accept`, :func:`forecast`, :func:`gate`,
:func:`portfolio`, :func:`report`, :func:`stage`, :func:`status` and
:func:`history`.

The package is layered (``docs/architecture.md``): :mod:`mlplan.records` and
:mod:`mlplan.schema` at the bottom, the engines of :mod:`mlplan.core` above them,
the I/O of :mod:`mlplan.io` above those, the commands of :mod:`mlplan.app`, and the
command line :mod:`mlplan.cli` on top. Names are imported on first use, so
``import mlplan`` is quick and changes no global state (no plotting backend, no
thread settings).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → the module that defines it.
_EXPORTS = {
    "Advice": "mlplan.records.advice",
    "BaselineReport": "mlplan.records.ladder",
    "BudgetError": "mlplan.errors",
    "Context": "mlplan.app.context",
    "DataError": "mlplan.errors",
    "Dataset": "mlplan.core.data.dataset",
    "Evaluation": "mlplan.records.evaluation",
    "Forecast": "mlplan.records.forecast",
    "GateResult": "mlplan.records.gate",
    "HistoryEntry": "mlplan.records.lifecycle",
    "MetricError": "mlplan.errors",
    "MlplanError": "mlplan.errors",
    "Plan": "mlplan.schema.plan",
    "PlanError": "mlplan.errors",
    "PlanFile": "mlplan.io.plan.load",
    "PortfolioResult": "mlplan.records.portfolio",
    "RunResult": "mlplan.records.run",
    "Split": "mlplan.core.data.split",
    "StageMove": "mlplan.records.lifecycle",
    "Status": "mlplan.records.lifecycle",
    "Store": "mlplan.io.store.sqlite",
    "StoreError": "mlplan.errors",
    "accept": "mlplan.app.stage",
    "advise": "mlplan.app.advise",
    "baseline": "mlplan.app.baseline",
    "evaluate": "mlplan.app.evaluate",
    "forecast": "mlplan.app.forecast",
    "gate": "mlplan.app.gate",
    "history": "mlplan.app.status",
    "init": "mlplan.app.init",
    "load_plan": "mlplan.io.plan.load",
    "portfolio": "mlplan.app.portfolio",
    "report": "mlplan.app.report",
    "run": "mlplan.app.run",
    "split": "mlplan.app.split",
    "stage": "mlplan.app.stage",
    "status": "mlplan.app.status",
}

__all__ = [
    "Advice",
    "BaselineReport",
    "BudgetError",
    "Context",
    "DataError",
    "Dataset",
    "Evaluation",
    "Forecast",
    "GateResult",
    "HistoryEntry",
    "MetricError",
    "MlplanError",
    "Plan",
    "PlanError",
    "PlanFile",
    "PortfolioResult",
    "RunResult",
    "Split",
    "StageMove",
    "Status",
    "Store",
    "StoreError",
    "__version__",
    "accept",
    "advise",
    "baseline",
    "evaluate",
    "forecast",
    "gate",
    "history",
    "init",
    "load_plan",
    "portfolio",
    "report",
    "run",
    "split",
    "stage",
    "status",
]

if TYPE_CHECKING:
    from mlplan.app.advise import advise
    from mlplan.app.baseline import baseline
    from mlplan.app.context import Context
    from mlplan.app.evaluate import evaluate
    from mlplan.app.forecast import forecast
    from mlplan.app.gate import gate
    from mlplan.app.init import init
    from mlplan.app.portfolio import portfolio
    from mlplan.app.report import report
    from mlplan.app.run import run
    from mlplan.app.split import split
    from mlplan.app.stage import accept, stage
    from mlplan.app.status import history, status
    from mlplan.core.data.dataset import Dataset
    from mlplan.core.data.split import Split
    from mlplan.errors import (
        BudgetError,
        DataError,
        MetricError,
        MlplanError,
        PlanError,
        StoreError,
    )
    from mlplan.io.plan.load import PlanFile, load_plan
    from mlplan.io.store.sqlite import Store
    from mlplan.records.advice import Advice
    from mlplan.records.evaluation import Evaluation
    from mlplan.records.forecast import Forecast
    from mlplan.records.gate import GateResult
    from mlplan.records.ladder import BaselineReport
    from mlplan.records.lifecycle import HistoryEntry, StageMove, Status
    from mlplan.records.portfolio import PortfolioResult
    from mlplan.records.run import RunResult
    from mlplan.schema.plan import Plan


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mlplan' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
