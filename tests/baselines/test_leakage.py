"""Leakage guards fire with evidence on real data with a planted leak, and stay quiet otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlplan.core.baselines.leakage import check_leakage


def codes(warnings: tuple) -> set[str]:
    return {w.code for w in warnings}


def test_a_column_copied_from_the_target_is_flagged(churn: pd.DataFrame, prepare) -> None:
    """A feature derived from the label reaches ROC AUC ~1 on its own: critical, with numbers."""
    table = churn.assign(cancel_flag=churn["churn"].astype("category").cat.codes * 7 + 1)
    dataset, split, _ = prepare(table, "churn")
    found = [w for w in check_leakage(dataset, split) if w.code == "single_feature"]
    assert [w.column for w in found] == ["cancel_flag"]
    assert found[0].severity == "critical"
    assert "ROC AUC 1.000" in found[0].evidence


def test_duplicated_rows_across_train_and_test_are_counted(churn: pd.DataFrame, prepare) -> None:
    """Rows copied into the table land on both sides; the warning counts and shows an example."""
    table = pd.concat([churn, churn.iloc[:150]], ignore_index=True)
    dataset, split, _ = prepare(table, "churn")
    (dup,) = [w for w in check_leakage(dataset, split) if w.code == "duplicate_rows"]
    assert "test rows" in dup.evidence and "e.g. test id" in dup.evidence
    assert dup.severity in ("warning", "critical")


def test_time_order_and_group_overlap(churn: pd.DataFrame, prepare) -> None:
    """A frozen split that puts later rows in training, or a group on both sides, is flagged."""
    table = churn.assign(
        signup=pd.date_range("2020-01-01", periods=len(churn), freq="D"),
        household=np.arange(len(churn)) // 3,
    )
    dataset, split, _ = prepare(table, "churn")  # random split, then the plan names time/group
    from dataclasses import replace

    timed = replace(split, config={**split.config, "time": "signup"})
    assert "time_order" in codes(check_leakage(dataset, timed))
    grouped = replace(split, config={**split.config, "group": "household"})
    (overlap,) = [w for w in check_leakage(dataset, grouped) if w.code == "group_overlap"]
    assert overlap.column == "household" and "on both sides" in overlap.evidence


def test_clean_data_gives_no_critical_warning(churn: pd.DataFrame, prepare) -> None:
    """Real churn data has no planted leak: nothing critical; an id column is reported as info."""
    table = churn.assign(customer_id=[f"C{i:04d}" for i in range(len(churn))])
    dataset, split, _ = prepare(table, "churn")
    warnings = check_leakage(dataset, split)
    assert not [w for w in warnings if w.severity == "critical"]
    assert any(w.code == "id_like_column" and w.column == "customer_id" for w in warnings)
