"""The basic neural net: a small MLP (tabular, text) or a small VGG-like CNN (images).

The CNN needs PyTorch (the optional ``torch`` extra).  Without it, image data
get the MLP on pixels, and the rung says so in its description.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import TransformedTargetRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Tags, assert_all_finite
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    check_scalar,
    column_or_1d,
    validate_data,
)

from mlplan.core.baselines.preprocess import tabular_preprocessor
from mlplan.core.baselines.text import TextFeatures
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.pixels import image_columns, image_shape
from mlplan.schema.plan import Task

__all__ = ["BalancedMLPClassifier", "SmallCNN", "neural_net", "torch_available"]

_STEPS = 800
_GLOBAL_RNG = threading.Lock()


def torch_available() -> bool:
    """Whether PyTorch is installed (the ``torch`` extra), without importing it.

    Importing torch costs a few hundred MB of memory; it is only imported when
    the CNN actually trains.
    """
    return importlib.util.find_spec("torch") is not None


class BalancedMLPClassifier(MLPClassifier):
    """An MLP whose samples are weighted so that every class weighs the same.

    ``MLPClassifier`` has no ``class_weight``; this passes balanced sample weights
    (``n / (K × n_class)``) to ``fit``, which is what ``class_weight="balanced"``
    does for the other rungs. With ``sample_weight``, ``n`` and ``n_class`` are
    sums of weights (as scikit-learn's ``compute_class_weight`` counts them), so a
    weight of 2 is the same as the row twice; each column of a multi-label target
    is balanced on its own.
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BalancedMLPClassifier:
        """Fit with balanced class weights (times ``sample_weight`` when given).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self : BalancedMLPClassifier
            This classifier, fitted.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        # MLPClassifier validates both again; y must be an array for the class counts
        labels = check_array(
            y, ensure_2d=False, dtype=None, ensure_all_finite=False, input_name="y"
        )
        weights = _balanced_weights(labels, sample_weight)
        super().fit(X, y, sample_weight=weights)
        return self


def _balanced_weights(y: np.ndarray, sample_weight: Any) -> np.ndarray:
    """``sample_weight × n / (K × n_class)`` per row, counts weighted; a product over outputs."""
    n = len(y)
    if sample_weight is None:
        weights = np.ones(n)
    else:
        weights = np.array(sample_weight, dtype=np.float64)  # a copy: never the caller's
        if weights.shape != (n,):
            raise ValueError(f"sample_weight.shape == {weights.shape}, expected {(n,)}!")
    given = weights.copy()
    for labels in y.T if y.ndim == 2 else [y]:
        _, codes = np.unique(labels, return_inverse=True)
        totals = np.bincount(codes.ravel(), weights=given)
        # a class whose rows all weigh 0 is not there (its rows stay at 0)
        present = totals > 0
        per_class = np.zeros_like(totals)
        per_class[present] = totals[present].sum() / (present.sum() * totals[present])
        weights *= per_class[codes.ravel()]
    return weights


def neural_net(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    """A CNN for image pixels when PyTorch is there, else an MLP on the prepared features."""
    shape = image_shape(list(kinds))
    if shape is not None and task != "regression" and torch_available():
        return SmallCNN(shape=shape)
    text = [n for n, k in kinds.items() if k == ColumnKind.TEXT]
    prepare: Any = tabular_preprocessor(kinds, dense=not text)
    if text:
        prepare = FeatureUnion(
            [("table", prepare), ("text", TextFeatures(text, max_features=10_000, chars=False))]
        )
    options = {
        "hidden_layer_sizes": (128, 64),
        "early_stopping": True,
        "validation_fraction": 0.1,
        "n_iter_no_change": 8,
        "max_iter": 100,
        "random_state": 0,
    }
    model: BaseEstimator
    if task == "regression":
        # a net learns a standardised target; prices in the thousands took 12 s and
        # swung between folds (R² 0.89–1.00) without it
        model = TransformedTargetRegressor(MLPRegressor(**options), transformer=StandardScaler())
    elif balanced:
        model = BalancedMLPClassifier(**options)
    else:
        model = MLPClassifier(**options)
    return Pipeline([("prepare", prepare), ("model", model)])


_THREADS_LOCK = threading.Lock()
_THREAD_USERS = [0, 0]  # fits inside one_torch_thread now, torch's thread count before the first


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """Torch computes on one thread inside the block (the ladder runs fits side by side).

    The process's setting is restored when the last concurrent block ends, so importing
    or using mlplan never changes a user's torch threads for good.
    """
    import torch

    with _THREADS_LOCK:
        if _THREAD_USERS[0] == 0:
            _THREAD_USERS[1] = torch.get_num_threads()
            torch.set_num_threads(1)
        _THREAD_USERS[0] += 1
    try:
        yield
    finally:
        with _THREADS_LOCK:
            _THREAD_USERS[0] -= 1
            if _THREAD_USERS[0] == 0:
                torch.set_num_threads(_THREAD_USERS[1])


class SmallCNN(ClassifierMixin, BaseEstimator):
    """A small VGG-like convolutional net on CPU, without batch norm or other tricks.

    Two blocks of (3×3 conv, ReLU, 3×3 conv, ReLU, 2×2 max-pool), then a dense
    layer of 128 units and the class layer; Adam, cross-entropy, a fixed number
    of epochs, one thread. A side of one pixel is not pooled.

    Pixels are divided by 255 when the fitting images look like 0–255 values
    (none negative, some above 1.5); a missing pixel is 0.

    Parameters
    ----------
    shape : tuple of int or None, default (28, 28, 1)
        ``(height, width, channels)`` of the images; the input columns hold the
        pixels in that order (see :func:`mlplan.core.data.pixels.image_columns`), and
        are picked by those names from a DataFrame. None: every column of ``X``,
        as one row of pixels ``(1, n_features, 1)``.
    channels : tuple of int, default (8, 16)
        Filters of the two blocks.
    epochs : int, optional
        Passes over the data; default: enough for about 800 optimiser steps,
        between 3 and 15 epochs.
    batch_size : int, default 64
    learning_rate : float, default 3e-3
    random_state : int, default 0
        Seed of the initial weights and of the order of the rows.

    Attributes
    ----------
    classes_ : ndarray
        The class labels.
    network_ : torch.nn.Module
        The trained net.
    epochs_ : int
        The passes made.
    shape_ : tuple of int
        ``(height, width, channels)`` of the images the net reads.
    scale_ : float
        What the pixels are divided by (255 or 1), decided in fitting.
    n_features_in_ : int
        Columns seen in fitting.
    feature_names_in_ : ndarray of str
        Their names, when fitted on a DataFrame with string column names.
    """

    def __init__(
        self,
        shape: tuple[int, int, int] | None = (28, 28, 1),
        *,
        channels: tuple[int, int] = (8, 16),
        epochs: int | None = None,
        batch_size: int = 64,
        learning_rate: float = 3e-3,
        random_state: int = 0,
    ) -> None:
        self.shape = shape
        self.channels = channels
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.random_state = random_state

    def _pixels(self, X: Any, *, reset: bool) -> np.ndarray:
        """The pixels as a new float32 array, checked against fitting (names, width)."""
        # one float32 copy, changed in place later: two threads fitting on 8,000
        # images held five copies each before
        if not isinstance(X, pd.DataFrame):
            return validate_data(
                self, X, dtype=np.float32, copy=True, ensure_all_finite="allow-nan", reset=reset
            )
        validate_data(self, X, skip_check_array=True, reset=reset)
        if self.shape is not None:
            names = image_columns(self.shape)
            missing = [n for n in names if n not in X.columns]
            if missing:
                raise ValueError(
                    f"SmallCNN reads images of shape {self.shape} from the columns "
                    f"{names[0]} … {names[-1]}; X lacks {len(missing)} of them, "
                    f"such as {missing[0]}"
                )
            X = X[names]
        return check_array(
            X, dtype=np.float32, copy=True, ensure_all_finite="allow-nan", estimator=self
        )

    def _tensor(self, pixels: np.ndarray) -> Any:
        import torch

        height, width, depth = self.shape_
        np.nan_to_num(pixels, copy=False)
        pixels /= self.scale_
        pixels = pixels.reshape(-1, height, width, depth).transpose(0, 3, 1, 2)
        return torch.from_numpy(np.ascontiguousarray(pixels))

    def _network(self, n_classes: int) -> Any:
        from torch import nn

        height, width, depth = self.shape_
        a, b = self.channels
        # a side of 1 (a row of pixels) is not pooled; 2×2 otherwise, as always
        first = (min(height, 2), min(width, 2))
        height, width = height // first[0], width // first[1]
        second = (min(height, 2), min(width, 2))
        flat = b * (height // second[0]) * (width // second[1])
        return nn.Sequential(
            nn.Conv2d(depth, a, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(a, a, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(first),
            nn.Conv2d(a, b, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(b, b, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(second),
            nn.Flatten(),
            nn.Linear(flat, 128),
            nn.ReLU(),
            nn.Linear(128, n_classes),
        )

    def fit(self, X: Any, y: Any) -> SmallCNN:
        """Train for ``epochs`` passes over the data.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            The pixels of each image, one row each.
        y : array-like of shape (n_samples,)
            The class labels.

        Returns
        -------
        self : SmallCNN
            This classifier, fitted.
        """
        import torch

        if y is None:
            raise ValueError("SmallCNN requires y to be passed, but the target y is None.")
        if self.epochs is not None:
            check_scalar(self.epochs, "epochs", Integral, min_val=1)
        check_scalar(self.batch_size, "batch_size", Integral, min_val=1)
        check_scalar(
            self.learning_rate, "learning_rate", Real, min_val=0.0, include_boundaries="neither"
        )
        pixels = self._pixels(X, reset=True)
        y = column_or_1d(y, warn=True)
        if y.dtype.kind in "fc":
            assert_all_finite(y, input_name="y")
        check_consistent_length(pixels, y)
        check_classification_targets(y)
        self.shape_ = (1, pixels.shape[1], 1) if self.shape is None else tuple(self.shape)
        if pixels.shape[1] != int(np.prod(self.shape_)):
            raise ValueError(
                f"X has {pixels.shape[1]} features, but images of shape {self.shape_} have "
                f"{int(np.prod(self.shape_))} pixels"
            )
        eight_bit = np.nanmin(pixels, initial=0.0) >= 0 and np.nanmax(pixels, initial=0.0) > 1.5
        self.scale_ = 255.0 if eight_bit else 1.0

        with one_torch_thread():
            return self._fit(torch, pixels, y)

    def _fit(self, torch: Any, pixels: np.ndarray, y: np.ndarray) -> SmallCNN:
        self.classes_ = unique_labels(y)
        codes = torch.from_numpy(np.searchsorted(self.classes_, y).astype(np.int64))
        inputs = self._tensor(pixels)
        # weights are drawn from torch's one global generator, which the ladder's
        # threads share: seed and draw without another fit drawing in between
        with _GLOBAL_RNG:
            torch.manual_seed(self.random_state)
            self.network_ = self._network(len(self.classes_))
        optimiser = torch.optim.Adam(self.network_.parameters(), lr=self.learning_rate)
        loss_fn = torch.nn.CrossEntropyLoss()
        generator = torch.Generator().manual_seed(self.random_state)
        self.network_.train()
        batches = -(-len(inputs) // self.batch_size)
        self.epochs_ = self.epochs or int(np.clip(-(-_STEPS // max(batches, 1)), 3, 15))
        for _ in range(self.epochs_):
            order = torch.randperm(len(inputs), generator=generator)
            for start in range(0, len(inputs), self.batch_size):
                batch = order[start : start + self.batch_size]
                optimiser.zero_grad()
                loss = loss_fn(self.network_(inputs[batch]), codes[batch])
                loss.backward()
                optimiser.step()
        self.network_.eval()
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, in the order of ``classes_``.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Laid out as in fitting.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        import torch

        check_is_fitted(self, "network_")
        inputs = self._tensor(self._pixels(X, reset=False))
        with one_torch_thread(), torch.no_grad():
            out = [
                torch.softmax(self.network_(inputs[i : i + 1024]), dim=1).numpy()
                for i in range(0, len(inputs), 1024)
            ]
        return np.concatenate(out)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Laid out as in fitting.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)  # first: it says when the net is not fitted
        return np.asarray(self.classes_[proba.argmax(axis=1)])

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing pixel is black
        return tags
