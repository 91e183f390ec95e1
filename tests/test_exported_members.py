"""The public API is what __all__ says, sorted, and nothing disappears silently."""

import mlplan


def test_public_names_are_pinned() -> None:
    assert mlplan.__all__ == [
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
    assert sorted(mlplan.__all__) == mlplan.__all__
    for name in mlplan.__all__:
        assert hasattr(mlplan, name), name


def test_subpackages_stay_importable() -> None:
    """A command named like its subpackage must not shadow it (mlplan.advise.rules ...)."""
    import mlplan.advise.rules
    import mlplan.forecast.extrapolate
    import mlplan.gate.engine
    import mlplan.portfolio.scoring

    assert callable(mlplan.advise.advise)
    assert callable(mlplan.forecast.forecast)
    assert callable(mlplan.gate.gate)
    assert callable(mlplan.portfolio.portfolio)


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
