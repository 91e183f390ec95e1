"""``assert_no_regression`` inside a pytest suite."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mlplan.app.gate import gate
from mlplan.testing import RegressionError, assert_no_regression


def test_assert_no_regression_passes_and_fails_with_rules(gate_project: Any) -> None:
    """Passes for the champion's predictions; a worse model raises listing the failed rules."""
    gate(gate_project.root / "champion.parquet", gate_project.root, accept=True)
    same = gate_project.write("same.parquet", gate_project.score)
    result = assert_no_regression(same, gate_project.root)
    assert result.passed
    worse_score = np.where(gate_project.score >= 0.5, 0.2, gate_project.score)
    worse = gate_project.write("worse.parquet", worse_score)
    with pytest.raises(AssertionError) as info:
        assert_no_regression(worse, gate_project.root)
    message = str(info.value)
    assert message.startswith("worse regressed:")
    assert "- non_inferiority.metric: f1" in message
    assert "- must_beat.linear" in message
    assert isinstance(info.value, RegressionError) and not info.value.result.passed
