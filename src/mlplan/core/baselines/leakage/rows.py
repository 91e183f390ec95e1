"""The duplicate-rows guard: test rows copied from the training part, told from look-alikes.

Identical feature rows on both sides of the split are common in low-cardinality
data (six yes/no columns give 64 distinct rows) and say nothing by themselves. A
copied row also carries its training row's label, so the guard compares how
often matched test rows share the label of their identical training rows with
how often rows with the same features share a label anyway
(:func:`~mlplan.core.baselines.leakage.chance.agreement`). Severity follows the
excess: the rows that look copied, against the test score's sampling error
(:func:`~mlplan.core.baselines.leakage.chance.materiality`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlplan.core.baselines.leakage.chance import (
    ALARM_P,
    Agreement,
    agreement,
    materiality,
    sampling_error,
)
from mlplan.core.data.dataset import Dataset
from mlplan.records.ladder import LeakageWarning, Severity

__all__ = ["LOW_CARDINALITY", "duplicates"]

#: Training rows per distinct feature row above which the data is "low-cardinality".
LOW_CARDINALITY = 2.0
#: Below this p-value (but above the alarm's) an excess is mentioned as weak evidence.
WEAK_P = 0.05


def duplicates(
    dataset: Dataset, train_pos: np.ndarray, test_pos: np.ndarray
) -> list[LeakageWarning]:
    """Test rows whose feature row appears identically in the training part, judged by label."""
    features = dataset.frame[dataset.features]
    if features.shape[1] == 0 or len(test_pos) == 0 or len(train_pos) == 0:
        return []
    hashes = pd.util.hash_pandas_object(features, index=False).to_numpy()
    train_codes, uniques = pd.factorize(hashes[train_pos])
    test_codes = pd.Index(uniques).get_indexer(hashes[test_pos])
    matched = test_codes >= 0
    if not matched.any():
        return []
    found = agreement(
        dataset.y,
        regression=dataset.task == "regression",
        train_codes=train_codes,
        test_codes=test_codes,
        train_pos=train_pos,
        test_pos=test_pos,
        conditional=True,
    )
    n_test = len(test_pos)
    copied = found.excess_rows if found.significant else 0.0
    severity: Severity = materiality(copied, n_test)
    example = _example(dataset, train_pos, test_pos, train_codes, test_codes, found)
    head = (
        f"{found.matched} of {n_test} test rows ({found.matched / n_test:.1%}) have a feature "
        f"row identical to a training row ({example}); they " + found.describe()
    )
    distinct = len(uniques)
    low = len(train_pos) / distinct >= LOW_CARDINALITY
    if copied == 0:
        lead = (
            f"identical feature rows are common in low-cardinality data ({len(train_pos)} "
            f"training rows hold {distinct} distinct feature rows): "
            if low
            else ""
        )
        verdict = (
            f": more than expected, but not beyond chance (p ≥ {ALARM_P:g}), too weak to call "
            "them copies"
            if found.share > found.expected_share and found.p_value < WEAK_P
            else ": no sign of rows copied with their labels"
        )
    else:
        lead = ""
        half = sampling_error(n_test)
        reach = (
            "enough to move the test score by more than its sampling error"
            if severity == "critical"
            else "enough to move the test score by more than half its sampling error"
            if severity == "warning"
            else "too few to move the test score beyond half its sampling error"
        )
        verdict = (
            f": about {copied:.0f} test rows ({copied / n_test:.1%}) look copied with their "
            f"labels, {reach} (±{half:.1%} on {n_test} rows)"
            + ("; drop exact duplicates before splitting" if severity == "info" else "")
        )
    return [
        LeakageWarning(
            code="duplicate_rows", column=None, evidence=lead + head + verdict, severity=severity
        )
    ]


def _example(
    dataset: Dataset,
    train_pos: np.ndarray,
    test_pos: np.ndarray,
    train_codes: np.ndarray,
    test_codes: np.ndarray,
    found: Agreement,
) -> str:
    """``"e.g. test id '12' = train id '7'"``, preferring a pair that shares the label."""
    first_train = pd.Series(np.arange(len(train_codes))).groupby(train_codes).first().to_numpy()
    rows = np.flatnonzero(test_codes >= 0)
    partners = train_pos[first_train[test_codes[rows]]]
    y_test, y_partner = dataset.y[test_pos[rows]], dataset.y[partners]
    if found.tolerance is None:
        same = y_test == y_partner
    else:
        same = np.abs(y_test.astype(float) - y_partner.astype(float)) <= found.tolerance
    pick = int(np.flatnonzero(same)[0]) if same.any() else 0
    return (
        f"e.g. test id '{dataset.ids[test_pos[rows[pick]]]}' = train id "
        f"'{dataset.ids[partners[pick]]}'"
    )
