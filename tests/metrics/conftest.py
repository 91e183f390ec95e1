"""Real scores for the metric tests: out-of-fold probabilities on a bundled scikit-learn table."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="session")
def cancer_scores() -> tuple[np.ndarray, np.ndarray]:
    """569 breast-cancer rows: 0/1 truth (1 = malignant) and out-of-fold scores rounded to 0.01."""
    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y  # scikit-learn codes malignant as 0
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=1000))
    s = cross_val_predict(model, X, y, cv=5, method="predict_proba")[:, 1]
    return y, np.round(s, 2)
