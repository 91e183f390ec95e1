"""The gate's rules on arrays: real breast-cancer and wine models, exact against the engine."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    f1_score,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    precision_score,
    r2_score,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlplan.core.gate import evaluate_gate
from mlplan.core.metrics import compare, paired_table, policy_from_section
from mlplan.records.gate import Contender, RuleResult, TestSetCheck
from mlplan.records.paired import PairedModel
from mlplan.schema.plan import GateSection


def _scores(load, c_values=(1.0, 0.01)):  # type: ignore[no-untyped-def]
    x, y = load(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)
    out = []
    for c in c_values:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
        model.fit(x_tr, y_tr)
        out.append(model.predict_proba(x_te))
    return y_te, out


@pytest.fixture(scope="module")
def cancer() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, (strong, weak) = _scores(load_breast_cancer)
    return y, strong[:, 1], weak[:, 1]


def test_shared_resamples_equal_the_engines_compare(cancer) -> None:  # type: ignore[no-untyped-def]
    """One table per opponent gives compare()'s values, interval and p-value exactly."""
    y, a, b = cancer
    policy = policy_from_section({"optimise": "f1"}, "binary")
    metrics = ("f1", "precision", "recall", "accuracy", "mcc")
    table = paired_table(
        y,
        PairedModel(name="b", pred=b >= 0.5),
        [PairedModel(name="a", pred=a >= 0.5)],
        metrics=[*metrics, policy],
        n_resamples=500,
        seed=3,
        confidence=0.9,
    )
    for metric, found in zip(metrics, table, strict=False):
        ours = found
        theirs = compare(
            y,
            (a >= 0.5).astype(int),
            (b >= 0.5).astype(int),
            metric=metric,
            n_resamples=500,
            seed=3,
            confidence=0.9,
        )
        assert (ours.value_a, ours.value_b, ours.lo, ours.hi, ours.p_value) == (
            theirs.value_a,
            theirs.value_b,
            theirs.lo,
            theirs.hi,
            theirs.p_value,
        )
    f1 = table[-1]
    assert abs(f1.value_b - f1_score(y, b >= 0.5)) < 1e-12
    assert abs(f1.value_a - f1_score(y, a >= 0.5)) < 1e-12


def test_constrained_policy_uses_the_candidates_operating_point(cancer) -> None:  # type: ignore[no-untyped-def]
    """recall s.t. precision >= 0.95: the candidate's own threshold, constraint checked there."""
    y, a, b = cancer
    policy = policy_from_section(
        {"optimise": "recall", "subject_to": {"precision": ">= 0.95"}}, "binary"
    )
    result = evaluate_gate(
        y,
        Contender(name="b", pred=(b >= 0.5).astype(int), score=b),
        policy=policy,
        section=GateSection(),
        champion=Contender(name="a", pred=(a >= 0.5).astype(int), score=a),
        floors={"recall": 0.5},
    )
    assert result.threshold is not None and result.threshold != 0.5
    assert result.threshold_source == "test (optimistic)" and result.optimistic
    assert any("optimistic (threshold chosen on the test rows)" in n for n in result.notes)
    constraint = next(r for r in result.rules if r.id == "constraint.precision")
    assert constraint.status == "pass"
    assert abs(constraint.candidate - precision_score(y, b >= result.threshold)) < 1e-12
    assert constraint.candidate >= 0.95


def test_unreachable_constraint_and_uncomputable_metrics_fail(cancer) -> None:  # type: ignore[no-untyped-def]
    """An unmeetable constraint is a regression; roc_auc from labels and a missing cost cannot
    be computed (status fail): none of them passes."""
    y, a, b = cancer
    policy = policy_from_section(
        {"optimise": "recall", "subject_to": {"precision": ">= 1.5"}}, "binary"
    )
    section = GateSection(non_inferiority={"metric": 0.01, "roc_auc": 0.01})
    result = evaluate_gate(
        y,
        Contender(name="b", pred=(b >= 0.5).astype(int)),
        policy=policy,
        section=section,
        champion=Contender(name="a", pred=(a >= 0.5).astype(int), score=a),
        floors={"latency_ms": 50},
    )
    status = {r.id: r.status for r in result.rules}
    assert not result.passed and result.exit_code == 1
    assert status == {
        "constraint.precision": "regression",
        "non_inferiority.metric": "fail",
        "non_inferiority.roc_auc": "fail",
        "floor.latency_ms": "fail",
        "best_baseline": "skip",
    }
    assert result.outcome == "regression"
    messages = {r.id: r.message for r in result.rules if r.status != "skip"}
    assert "violates precision >= 1.5" in messages.pop("constraint.precision")
    assert all(m.startswith("cannot be computed") for m in messages.values()), messages


def test_roc_auc_is_decided_by_delong(cancer) -> None:  # type: ignore[no-untyped-def]
    """ROC AUC rules use the engine's DeLong test and say so."""
    y, a, b = cancer
    policy = policy_from_section({"optimise": "roc_auc"}, "binary")
    result = evaluate_gate(
        y,
        Contender(name="b", pred=(b >= 0.5).astype(int), score=b),
        policy=policy,
        section=GateSection(),
        champion=Contender(name="a", pred=(a >= 0.5).astype(int), score=a),
    )
    rule = result.rules[0]
    assert rule.id == "non_inferiority.metric" and "DeLong" in rule.decided_by
    assert "DeLong 95% interval" in rule.message and "for change = -0.0" in rule.message
    assert rule.null == -rule.margin


def test_test_set_check_and_multiclass_wine() -> None:
    """Multiclass macro-F1 comparisons (K^3 cells) and a changed fingerprint failing."""
    y, (strong, weak) = _scores(load_wine)
    policy = policy_from_section({"optimise": "f1", "averaging": "macro"}, "multiclass")
    cand = Contender(name="weak", pred=weak.argmax(axis=1), score=weak)
    champ = Contender(name="strong", pred=strong.argmax(axis=1), score=strong)
    result = evaluate_gate(
        y,
        cand,
        policy=policy,
        section=GateSection(),
        champion=champ,
        test_set=TestSetCheck(current="new", reference="old"),
        n_classes=3,
    )
    rules = {r.id: r for r in result.rules}
    assert rules["test_set"].status == "fail" and "old -> new" in rules["test_set"].message
    ni = rules["non_inferiority.metric"]
    assert abs(ni.candidate - f1_score(y, weak.argmax(axis=1), average="macro")) < 1e-12
    accepted = evaluate_gate(
        y,
        cand,
        policy=policy,
        section=GateSection(),
        champion=champ,
        test_set=TestSetCheck(current="new", reference="old", accepted=True),
        n_classes=3,
    )
    assert accepted.rules[0].status == "pass"


def test_gate_section_rejects_negative_margins() -> None:
    """A negative margin is a plan error naming the key."""
    for bad in (-0.1, "-2%", "two percent"):
        with pytest.raises(ValueError, match=r"non_inferiority.f1: margin must be >= 0"):
            GateSection(non_inferiority={"f1": bad})
    assert GateSection().margin("metric") == (0.02, True)
    assert GateSection(non_inferiority={"f1": "0.5%"}).margin("f1") == (0.005, True)
    with pytest.raises(ValueError, match="on_inconclusive"):
        GateSection(on_inconclusive="pas")  # type: ignore[arg-type]


def test_default_margin_is_two_percent_of_the_champions_value(cancer) -> None:  # type: ignore[no-untyped-def]
    """The default margin is relative: 2 % of the champion's F1, explained in the rule."""
    y, a, b = cancer
    policy = policy_from_section({"optimise": "f1"}, "binary")
    result = evaluate_gate(
        y,
        Contender(name="b", pred=(b >= 0.5).astype(int), score=b, threshold=0.5),
        policy=policy,
        section=GateSection(),
        champion=Contender(name="a", pred=(a >= 0.5).astype(int), score=a, threshold=0.5),
    )
    rule = result.rules[0]
    champion_f1 = f1_score(y, a >= 0.5)
    assert rule.margin == pytest.approx(0.02 * champion_f1, rel=1e-12)
    assert rule.margin_note == f"2% of a's {champion_f1:.4f}, the default margin"
    assert result.threshold_source == "declared" and not result.optimistic


def test_best_baseline_is_the_best_rung_and_only_a_shown_drop_fails(cancer) -> None:  # type: ignore[no-untyped-def]
    """Against the rungs the question is "shown worse than the best?": the strong model is
    the best rung, a flipped candidate is a regression against it, a tie passes."""
    y, strong, _ = cancer
    policy = policy_from_section({"optimise": "f1"}, "binary")
    prior = np.full(y.size, y.mean())
    rungs = [
        Contender(name="dummy", pred=(prior >= 0.5).astype(int), score=prior, threshold=0.5),
        Contender(name="strong", pred=(strong >= 0.5).astype(int), score=strong, threshold=0.5),
    ]

    def best(score: np.ndarray) -> RuleResult:
        result = evaluate_gate(
            y,
            Contender(name="c", pred=(score >= 0.5).astype(int), score=score, threshold=0.5),
            policy=policy,
            section=GateSection(),
            baselines=rungs,
        )
        return next(r for r in result.rules if r.id == "best_baseline")

    tie = best(strong)
    assert tie.against == "strong" and tie.status == "pass" and tie.difference == 0.0
    flipped = np.where(np.arange(y.size) % 5 == 0, 1 - strong, strong)
    shown = best(flipped)
    assert shown.status == "regression" and shown.hi is not None and shown.hi < 0
    assert shown.p_value is not None and shown.p_value < 0.05


def test_regression_task_values_equal_sklearn_and_lower_is_better() -> None:
    """RMSE, MAE, R² and a formula over them on diabetes: the gate's values are scikit-learn's,
    a lower error is a positive change, and a shuffled candidate is a regression."""
    x, y = load_diabetes(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0)
    champ = Ridge(alpha=1.0).fit(x_tr, y_tr).predict(x_te)
    rng = np.random.default_rng(0)
    shuffled = champ.copy()
    rows = rng.choice(y_te.size, y_te.size // 2, replace=False)
    shuffled[rows] = champ[rng.permutation(rows)]
    section = GateSection(
        non_inferiority={"metric": "2%", "mae": 1.0, "r2": 0.01, "mape": "5%"}, resamples=500
    )
    for spec, reference in (
        ({"optimise": "rmse"}, np.sqrt(mean_squared_error(y_te, champ))),
        ({"formula": "-(0.5 * rmse + 0.5 * mae)"}, None),
    ):
        policy = policy_from_section(spec, "regression")
        result = evaluate_gate(
            y_te,
            Contender(name="shuffled", pred=shuffled),
            policy=policy,
            section=section,
            champion=Contender(name="ridge", pred=champ),
        )
        rules = {r.id: r for r in result.rules}
        metric = rules["non_inferiority.metric"]
        if reference is not None:
            assert metric.reference == pytest.approx(reference, rel=1e-12)
            assert metric.margin == pytest.approx(0.02 * reference, rel=1e-12)
        assert metric.status == "regression" and metric.difference < 0
        assert rules["non_inferiority.mae"].reference == pytest.approx(
            mean_absolute_error(y_te, champ), rel=1e-12
        )
        assert rules["non_inferiority.r2"].candidate == pytest.approx(
            r2_score(y_te, shuffled), rel=1e-12
        )
        assert rules["non_inferiority.mape"].reference == pytest.approx(
            mean_absolute_percentage_error(y_te, champ), rel=1e-12
        )
        assert result.outcome == "regression" and result.threshold is None


def test_a_constraint_missed_within_noise_is_inconclusive_not_a_regression(cancer) -> None:  # type: ignore[no-untyped-def]
    """At a declared threshold, a precision just under its bound is within its interval:
    the gate says inconclusive and still compares the candidate; far under, a regression."""
    y, a, b = cancer
    threshold = 0.5
    precision = precision_score(y, b >= threshold)

    def judged(bound: float) -> RuleResult:
        policy = policy_from_section(
            {"optimise": "recall", "subject_to": {"precision": f">= {bound}"}}, "binary"
        )
        result = evaluate_gate(
            y,
            Contender(
                name="b",
                pred=(b >= threshold).astype(int),
                score=b,
                threshold=threshold,
                threshold_source="declared",
            ),
            policy=policy,
            section=GateSection(),
            baselines=[Contender(name="a", pred=(a >= 0.5).astype(int), score=a)],
        )
        by_id = {r.id: r for r in result.rules}
        if by_id["constraint.precision"].status == "inconclusive":
            assert by_id["best_baseline"].status != "fail"  # compared at the candidate's point
        return by_id["constraint.precision"]

    near = judged(round(precision + 0.005, 4))
    assert near.status == "inconclusive" and near.lo <= near.reference <= near.hi
    assert "within noise" in near.message and abs(near.candidate - precision) < 1e-12
    far = judged(0.999)
    assert far.status == "regression" and far.hi < 0.999
    assert "the whole 95% interval misses" in far.message
