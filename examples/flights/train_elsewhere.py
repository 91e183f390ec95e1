"""A model trained outside mlplan, as a team would: on the exported train ids only.

Reads the ids that ``mlplan split --export split/`` wrote, fits a gradient-boosted
model on the training rows, and writes its scores for the test rows to
``preds/boosted.parquet`` — the file the plan's ``models:`` section points at.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

HERE = Path(__file__).parent
FEATURES = ["month", "day", "sched_dep_time", "sched_arr_time", "distance", "hour"]
CATEGORIES = ["carrier", "origin", "dest"]


def main() -> None:
    data = pd.read_parquet(HERE / "data/flights.parquet").set_index("flight_id")
    train_ids = pd.read_csv(HERE / "split/train_ids.csv", dtype=str)["id"]
    test_ids = pd.read_csv(HERE / "split/test_ids.csv", dtype=str)["id"]
    X = data[FEATURES + CATEGORIES].copy()
    for column in CATEGORIES:
        X[column] = X[column].astype("category")
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0)
    model.fit(X.loc[train_ids], data.loc[train_ids, "late"])
    scores = model.predict_proba(X.loc[test_ids])[:, 1]
    out = HERE / "preds/boosted.parquet"
    out.parent.mkdir(exist_ok=True)
    pd.DataFrame({"flight_id": test_ids, "score": scores}).to_parquet(out, index=False)
    print(f"wrote {out}: scores for {len(test_ids)} test flights")


if __name__ == "__main__":
    main()
