"""A model trained outside mlplan, as a team would: on the exported train ids only.

Reads the ids that ``mlplan split --export split/`` wrote, fits a blend of
gradient boosting and a logistic regression on the training rows (the average
of their probabilities), and writes its scores for the test rows to
``preds/blend.parquet``, the file the plan's ``models:`` entry points at.

It also writes ``preds/blend-no-weather.parquet``: the same model scoring the test
flights after its weather feed broke (every weather column missing), the degraded
candidate the regression gate must catch.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from features import FEATURES, WEATHER

HERE = Path(__file__).parent

CATEGORIES = ["carrier", "origin", "dest", "weekday", "engine"]
NUMBERS = [c for c in FEATURES if c not in CATEGORIES]


class Blend:
    """Gradient boosting and a logistic regression, their probabilities averaged."""

    def __init__(self) -> None:
        self.boosting = HistGradientBoostingClassifier(
            categorical_features="from_dtype",
            max_iter=150,
            max_leaf_nodes=15,
            min_samples_leaf=100,
            random_state=0,
        )
        numbers = make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
        )
        self.linear = make_pipeline(
            make_column_transformer(
                (OneHotEncoder(handle_unknown="ignore", min_frequency=20), CATEGORIES),
                (numbers, NUMBERS),
            ),
            LogisticRegression(max_iter=500),
        )

    def fit(self, X: pd.DataFrame, y: pd.Series) -> Blend:
        self.boosting.fit(_categories(X), y)
        self.linear.fit(_strings(X), y)
        return self

    def score(self, X: pd.DataFrame) -> np.ndarray:
        boosted = self.boosting.predict_proba(_categories(X))[:, 1]
        return 0.5 * boosted + 0.5 * self.linear.predict_proba(_strings(X))[:, 1]


def _categories(X: pd.DataFrame) -> pd.DataFrame:
    return X.astype({c: "category" for c in CATEGORIES})


def _strings(X: pd.DataFrame) -> pd.DataFrame:
    return X.astype({c: str for c in CATEGORIES})


def main() -> None:
    data = pd.read_parquet(HERE / "data/flights.parquet").set_index("flight_id")
    train_ids = pd.read_csv(HERE / "split/train_ids.csv", dtype=str)["id"]
    test_ids = pd.read_csv(HERE / "split/test_ids.csv", dtype=str)["id"]
    model = Blend().fit(data.loc[train_ids, FEATURES], data.loc[train_ids, "late"])
    test = data.loc[test_ids, FEATURES]
    broken = test.assign(**{column: np.nan for column in WEATHER})  # the weather feed broke
    out = HERE / "preds"
    out.mkdir(exist_ok=True)
    for name, rows in (("blend", test), ("blend-no-weather", broken)):
        file = out / f"{name}.parquet"
        pd.DataFrame({"flight_id": test_ids, "score": model.score(rows)}).to_parquet(
            file, index=False
        )
        print(f"wrote {file}: scores for {len(test_ids):,} test flights")


if __name__ == "__main__":
    main()
