"""``assert_no_regression`` inside a pytest suite."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mlplan.app.gate import gate
from mlplan.testing import RegressionError, assert_no_regression


def test_assert_no_regression_passes_and_fails_with_rules(gate_project: Any) -> None:
    """Passes for the champion's predictions; a worse model raises listing the blocking rules;
    an inconclusive one raises too, as the command's exit code would."""
    gate(gate_project.root / "champion.parquet", gate_project.root, accept=True)
    same = gate_project.write("same.parquet", gate_project.score)
    result = assert_no_regression(same, gate_project.root)
    assert result.passed and result.outcome == "pass"
    worse_score = np.where(gate_project.score >= gate_project.threshold, 0.0, gate_project.score)
    worse = gate_project.write("worse.parquet", worse_score)
    with pytest.raises(AssertionError) as info:
        assert_no_regression(worse, gate_project.root, threshold=gate_project.threshold)
    message = str(info.value)
    assert message.startswith("worse regressed:")
    assert "- non_inferiority.metric: f1" in message
    assert "- best_baseline: f1" in message
    assert isinstance(info.value, RegressionError) and not info.value.result.passed
    noisy = gate_project.write("noisy.parquet", gate_project.swapped(40))
    with pytest.raises(RegressionError, match=r"^noisy is inconclusive"):
        assert_no_regression(noisy, gate_project.root, threshold=gate_project.threshold)
