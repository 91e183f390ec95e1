"""Using mlplan leaves the process as it found it: plotting backend, torch threads."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest


def test_drawing_a_chart_keeps_the_users_matplotlib_backend() -> None:
    """A notebook's backend survives a report chart (object API, no pyplot, no use("Agg"))."""
    code = (
        "import matplotlib; matplotlib.use('svg'); "
        "from mlplan.io.report.charts import ladder_chart; "
        "from mlplan.records.evaluation import Evaluation; "
        "png = ladder_chart([Evaluation(name='m', source='rung', metric='f1', value=0.5, "
        "lo=0.4, hi=0.6)], 'f1'); "
        "import sys; print(matplotlib.get_backend(), png[:4] == b'\\x89PNG', "
        "'matplotlib.pyplot' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["svg", "True", "False"]


def test_the_cnn_restores_torchs_thread_count() -> None:
    """The CNN fits and predicts on one torch thread, then gives the process its setting back."""
    torch = pytest.importorskip("torch")
    from mlplan.core.baselines.neural import SmallCNN

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        rng = np.random.default_rng(0)
        X = rng.integers(0, 255, size=(60, 16)).astype(float)
        model = SmallCNN(shape=(4, 4, 1), epochs=1).fit(X, np.arange(60) % 2)
        model.predict_proba(X)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
