"""The public API is what __all__ says, sorted, and nothing disappears silently."""

import mlplan


def test_public_names_are_pinned() -> None:
    assert mlplan.__all__ == [
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
    assert sorted(mlplan.__all__) == mlplan.__all__
    for name in mlplan.__all__:
        assert hasattr(mlplan, name), name


def test_commands_are_functions_and_subpackages_stay_importable() -> None:
    """Every command is a function at the top (``mlplan.gate(...)``); importing the engines
    of the same name (``mlplan.core.gate``) never shadows it."""
    import mlplan.core.advise.rules
    import mlplan.core.forecast.extrapolate
    import mlplan.core.gate.engine
    import mlplan.core.portfolio.scoring

    for name in ("advise", "forecast", "gate", "portfolio", "run", "stage", "accept"):
        assert callable(getattr(mlplan, name)), name
    assert mlplan.gate.__module__ == "mlplan.app.gate"


def test_import_changes_no_global_state() -> None:
    """``import mlplan`` loads no engine and no plotting library, in a fresh interpreter."""
    import subprocess
    import sys

    code = (
        "import sys, mlplan; "
        "heavy = [m for m in ('sklearn', 'scipy', 'matplotlib', 'torch', 'pandas') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_errors_are_also_builtin_errors() -> None:
    """Callers can catch ValueError / RuntimeError without knowing mlplan."""
    assert issubclass(mlplan.PlanError, ValueError)
    assert issubclass(mlplan.DataError, ValueError)
    assert issubclass(mlplan.MetricError, ValueError)
    assert issubclass(mlplan.StoreError, RuntimeError)
    assert all(
        issubclass(getattr(mlplan, n), mlplan.MlplanError)
        for n in ("PlanError", "DataError", "MetricError", "StoreError", "BudgetError")
    )


def test_lazy_packages_export_functions_not_their_submodules() -> None:
    """A package's exported function stays a function when its submodule of the same name has
    been imported (the engines' packages load their names on first use)."""
    import mlplan.core.expr as expr
    import mlplan.core.forecast as forecast
    import mlplan.core.forecast.extrapolate
    import mlplan.core.metrics as metrics
    import mlplan.core.metrics.operating_point  # noqa: F401

    assert callable(metrics.operating_point)
    assert callable(forecast.extrapolate)
    assert callable(expr.evaluate)
