"""The gate's rules on arrays: real breast-cancer and wine models, exact against the engine."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlplan.core.gate import evaluate_gate
from mlplan.core.metrics import compare, paired_table, policy_from_section
from mlplan.records.gate import Contender, TestSetCheck
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
    constraint = next(r for r in result.rules if r.id == "constraint.precision")
    assert constraint.status == "pass"
    assert abs(constraint.candidate - precision_score(y, b >= result.threshold)) < 1e-12
    assert constraint.candidate >= 0.95


def test_unreachable_constraint_and_uncomputable_metrics_fail(cancer) -> None:  # type: ignore[no-untyped-def]
    """An unmeetable constraint, roc_auc from labels and a missing cost never pass."""
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
        "constraint.precision": "fail",
        "non_inferiority.metric": "fail",
        "non_inferiority.roc_auc": "fail",
        "floor.latency_ms": "fail",
    }
    messages = {r.id: r.message for r in result.rules}
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
    assert "DeLong p=" in rule.message


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
    with pytest.raises(ValueError, match=r"non_inferiority.f1: margin must be >= 0"):
        GateSection(non_inferiority={"f1": -0.1})
