"""scikit-learn's contract for every estimator mlplan defines (``parametrize_with_checks``).

The common checks run on small instances: what is checked is the API (validation,
fitted state, pickling, reproducibility, …), not how well a default-sized model
learns. Checks that scikit-learn 1.9 does not yield by default (feature names,
``set_output``) run in a second test.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.utils import estimator_checks
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlplan.core.baselines.binning import QuantileBins
from mlplan.core.baselines.levels import LevelCodes
from mlplan.core.baselines.linear import TunedLogistic
from mlplan.core.baselines.neural import BalancedMLPClassifier, SmallCNN
from mlplan.core.baselines.text import TextFeatures

TORCH_REASON = "the CNN needs PyTorch (the torch extra)"

TRANSFORMERS = [LevelCodes(), QuantileBins(), TextFeatures(max_features=200)]
CLASSIFIERS = [BalancedMLPClassifier(max_iter=100, random_state=0), TunedLogistic()]
# a row of pixels (shape=None) fits every width the checks use; 5 epochs at a
# higher rate are enough for their toy problems and keep the suite at seconds
CNN = SmallCNN(shape=None, epochs=5, batch_size=32, learning_rate=1e-2)

#: Checks an estimator is known to fail, with why: {class name: {check: reason}}.
#: None at present; a listed check that starts passing fails the suite (strict).
EXPECTED_FAILURES: dict[str, dict[str, str]] = {}


def _expected_failures(estimator: BaseEstimator) -> dict[str, str]:
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


# scikit-learn's own suite ignores these too: 100 iterations on toy data need not converge
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    [*TRANSFORMERS, *CLASSIFIERS], expected_failed_checks=_expected_failures, xfail_strict=True
)
def test_estimator_follows_scikit_learn(estimator: BaseEstimator, check: Callable) -> None:
    """Each of scikit-learn's common checks passes."""
    check(estimator)


@parametrize_with_checks([CNN], expected_failed_checks=_expected_failures, xfail_strict=True)
def test_cnn_follows_scikit_learn(estimator: BaseEstimator, check: Callable) -> None:
    """The CNN passes the same checks (when PyTorch is installed)."""
    pytest.importorskip("torch", reason=TORCH_REASON)
    check(estimator)


_NAME_CHECKS = [
    "check_dataframe_column_names_consistency",
    "check_transformer_get_feature_names_out",
    "check_transformer_get_feature_names_out_pandas",
    "check_set_output_transform",
    "check_set_output_transform_pandas",
    "check_global_output_transform_pandas",
]
_NAME_CASES = [
    pytest.param(estimator, name, id=f"{type(estimator).__name__}-{name}")
    for estimator in [*TRANSFORMERS, *CLASSIFIERS, CNN]
    for name in _NAME_CHECKS
    if hasattr(estimator, "transform") or name == "check_dataframe_column_names_consistency"
]


@pytest.mark.parametrize(("estimator", "name"), _NAME_CASES)
def test_feature_names_and_set_output(estimator: BaseEstimator, name: str) -> None:
    """``feature_names_in_``, ``get_feature_names_out`` and pandas output, as scikit-learn's."""
    if isinstance(estimator, SmallCNN):
        pytest.importorskip("torch", reason=TORCH_REASON)
    check = getattr(estimator_checks, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # the set_output checks fit on a DataFrame and transform an array (and the
        # reverse) on purpose; scikit-learn's validation then warns about the names
        warnings.filterwarnings("ignore", "X (does not )?ha(s|ve) .*feature names", UserWarning)
        check(type(estimator).__name__, estimator)


def test_level_codes_read_a_frame_and_an_array_alike() -> None:
    """The vectorised DataFrame path and the validated array path give the same codes."""
    frame = pd.DataFrame(
        {"city": ["Oslo", "Rome", None, "Oslo", "Oslo"], "size": [1, 2, 2, np.nan, 1]}
    )
    before = frame.copy()
    from_frame = LevelCodes(max_levels=3).fit(frame)
    from_array = LevelCodes(max_levels=3).fit(frame.to_numpy(dtype=object))
    np.testing.assert_array_equal(
        from_frame.transform(frame), from_array.transform(frame.to_numpy(dtype=object))
    )
    assert list(from_frame.get_feature_names_out()) == ["city", "size"]
    assert list(from_array.get_feature_names_out()) == ["x0", "x1"]
    pd.testing.assert_frame_equal(frame, before)


def test_level_codes_name_a_value_that_cannot_be_hashed() -> None:
    """A dict among the levels is compared as its text instead of failing."""
    frame = pd.DataFrame({"tag": ["a", {"k": 1}, "a", {"k": 1}, "b"]})
    codes = LevelCodes().fit(frame)
    assert list(codes.levels_[0]) == ["a", "{'k': 1}", "b"]
    assert codes.transform(frame).ravel().tolist() == [0.0, 1.0, 0.0, 1.0, 2.0]


def test_quantile_bins_leave_the_input_alone_and_keep_infinity_out_of_the_edges() -> None:
    """The input frame is not binned in place; ±inf go to the outer bins, NaN stays NaN."""
    # with 40 % infinite values the top quantile edge used to be NaN
    values = np.r_[np.arange(1000.0), np.full(600, np.inf), -np.inf, np.nan]
    frame = pd.DataFrame({"x": values})
    before = frame.copy()
    bins = QuantileBins(n_bins=4).fit(frame)
    out = bins.transform(frame)
    pd.testing.assert_frame_equal(frame, before)
    edges = bins.edges_[0]
    assert edges is not None and np.all(np.isfinite(edges))
    assert out[[0, 999, 1000, 1600], 0].tolist() == [0.0, 3.0, 3.0, 0.0]
    assert np.isnan(out[-1, 0])


def test_text_features_say_which_columns_they_lack() -> None:
    """A single name instead of a list, or a missing column, is a clear error."""
    frame = pd.DataFrame({"review": ["good food", "bad food", "good"]})
    with pytest.raises(TypeError, match=r"did you mean \['review'\]"):
        TextFeatures("review").fit(frame)
    with pytest.raises(
        ValueError, match=r"reads the columns \['title'\], which X \(of 1 columns\) lacks"
    ):
        TextFeatures(["title"]).fit(frame)
    names = TextFeatures(["review"], chars=False).fit(frame).get_feature_names_out()
    assert "review__food" in names


def test_balanced_mlp_weights_as_before_and_counts_weighted_rows() -> None:
    """Without weights it is MLPClassifier with balanced weights; a weight 2 is a row twice."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (np.arange(60) % 5 == 0).astype(int)
    options = {"hidden_layer_sizes": (8,), "max_iter": 20, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = BalancedMLPClassifier(**options).fit(X, y)
        plain = MLPClassifier(**options).fit(
            X, y, sample_weight=compute_sample_weight("balanced", y)
        )
        np.testing.assert_array_equal(ours.predict_proba(X), plain.predict_proba(X))
        twice = np.r_[np.zeros(50), np.ones(10)] + 1
        weighted = BalancedMLPClassifier(**options, solver="lbfgs").fit(X, y, sample_weight=twice)
        rows = np.r_[np.arange(60), np.arange(50, 60)]
        repeated = BalancedMLPClassifier(**options, solver="lbfgs").fit(X[rows], y[rows])
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-6)


def test_cnn_reads_named_pixels_and_scales_as_in_fitting() -> None:
    """Pixel columns come by name from a frame; 0–255 scaling is decided once, in fitting."""
    pytest.importorskip("torch", reason=TORCH_REASON)
    from mlplan.io.data.images import image_columns

    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(40, 16)).astype(np.uint8)
    pixels[:5] = rng.integers(0, 2, size=(5, 16))  # nearly black images
    frame = pd.DataFrame(pixels, columns=image_columns((4, 4, 1))).assign(note="x")
    y = np.arange(40) % 2
    model = partial(SmallCNN, (4, 4, 1), channels=(2, 4), epochs=1)
    cnn = model().fit(frame, y)
    assert cnn.scale_ == 255.0
    # a batch of only dark images is scaled like the fitting images, not on its own
    np.testing.assert_allclose(cnn.predict_proba(frame.head(5)), cnn.predict_proba(frame)[:5])
    with pytest.raises(ValueError, match="lacks 16 of them"):
        model().fit(frame.rename(columns=lambda c: c.upper()), y)
    with pytest.raises(ValueError, match=r"images of shape \(4, 4, 1\) have 16 pixels"):
        model().fit(pixels[:, :9], y)
