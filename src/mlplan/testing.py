"""Helpers for a team's own pytest suite.

>>> from mlplan.testing import assert_no_regression
>>> def test_new_model_does_not_regress():                 # doctest: +SKIP
...     assert_no_regression("preds/new_model.parquet", plan="mlplan.yaml")
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from mlplan.app.gate import PredictionsInput, gate
from mlplan.io.plan.load import PlanFile
from mlplan.records.gate import GateResult

__all__ = ["RegressionError", "assert_no_regression"]

_VERB = {
    "regression": "regressed",
    "fail": "failed a check",
    "inconclusive": "is inconclusive (gate.on_inconclusive: fail)",
    "pass": "passed",
}


class RegressionError(AssertionError):
    """The gate did not pass (regression, failed check, or inconclusive).  ``result`` holds
    every rule."""

    def __init__(self, message: str, result: GateResult) -> None:
        super().__init__(message)
        self.result = result


def assert_no_regression(
    candidate: PredictionsInput,
    plan: str | Path | PlanFile | None = None,
    *,
    champion: PredictionsInput | None = None,
    name: str | None = None,
    threshold: float | None = None,
    costs: Mapping[str, float] | None = None,
    record: bool = False,
) -> GateResult:
    """Fail the calling test when the gate does not pass; return the gate's result otherwise.

    Runs the same rules as ``mlplan gate`` (non-inferiority against the champion,
    floors, not worse than the best baseline, ``must_beat`` rungs, constraints,
    test-set integrity) without touching the store unless ``record`` is True.  An
    inconclusive gate fails the test unless the plan says ``gate.on_inconclusive:
    pass``, exactly as the command's exit code does.

    Parameters
    ----------
    candidate : str, Path or DataFrame
        The candidate's predictions on the frozen test rows.
    plan : str or Path, optional
        The plan file or its folder (default ``./mlplan.yaml``).
    champion : str, Path or DataFrame, optional
        Compare with these predictions instead of the stored champion.
    name : str, optional
    threshold : float, optional
        The candidate's operating threshold (see :func:`mlplan.gate`).
    costs : mapping, optional
        The candidate's measured latency_ms / model_mb / fit_seconds.
    record : bool, default False
        Store a ``gate`` event.

    Returns
    -------
    GateResult

    Raises
    ------
    RegressionError
        An ``AssertionError`` whose message names the outcome and lists every blocking
        rule with its numbers.
    """
    result = gate(
        candidate,
        plan,
        champion=champion,
        name=name,
        threshold=threshold,
        costs=costs,
        record=record,
    )
    if result.passed:
        return result
    lines = [
        f"{result.candidate} {_VERB[result.outcome]}: {len(result.failed)} of "
        f"{len(result.rules)} rules block"
    ]
    lines += [f"  - {rule.id}: {rule.message}" for rule in result.failed]
    raise RegressionError("\n".join(lines), result)
