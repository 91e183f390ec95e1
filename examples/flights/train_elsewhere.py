"""A model trained outside mlplan, as a team would: on the exported train ids only.

Reads the ids that ``mlplan split --export split/`` wrote, fits a blend of
gradient boosting and a logistic regression on the training rows (the average
of their probabilities), and writes its scores for the test rows to
``preds/blend.parquet``, the file the plan's ``models:`` entry points at.

Its operating threshold is chosen where a deployment would choose it, before the
test rows, and as mlplan chooses the rungs' thresholds: on out-of-fold scores of
the training flights (each fold scored by a blend fitted on the other folds;
``preds/blend-validation.parquet``, the entry's ``validation_predictions``).

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
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from features import FEATURES, WEATHER

HERE = Path(__file__).parent

CATEGORIES = ["carrier", "origin", "dest", "weekday", "engine"]
NUMBERS = [c for c in FEATURES if c not in CATEGORIES]
FOLDS = 4  # out-of-fold scores for the threshold


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
    out = HERE / "preds"
    out.mkdir(exist_ok=True)
    X, y = data.loc[train_ids, FEATURES], data.loc[train_ids, "late"]
    out_of_fold = np.empty(len(X))
    for fit_rows, held_rows in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(X, y):
        fold = Blend().fit(X.iloc[fit_rows], y.iloc[fit_rows])
        out_of_fold[held_rows] = fold.score(X.iloc[held_rows])
    _write(out / "blend-validation.parquet", train_ids, out_of_fold)
    model = Blend().fit(X, y)
    test = data.loc[test_ids, FEATURES]
    broken = test.assign(**{column: np.nan for column in WEATHER})  # the weather feed broke
    for name, rows in (("blend", test), ("blend-no-weather", broken)):
        _write(out / f"{name}.parquet", test_ids, model.score(rows))


def _write(file: Path, ids: pd.Index | pd.Series, scores: np.ndarray) -> None:
    pd.DataFrame({"flight_id": list(ids), "score": scores}).to_parquet(file, index=False)
    print(f"wrote {file}: scores for {len(ids):,} flights")


if __name__ == "__main__":
    main()
