"""The basic neural net: a small MLP (tabular, text) or a small VGG-like CNN (images).

The CNN needs PyTorch (the optional ``torch`` extra).  Without it, image data
get the MLP on pixels, and the rung says so in its description.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import TransformedTargetRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import unique_labels

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
    does for the other rungs.
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BalancedMLPClassifier:
        """Fit with balanced class weights (times ``sample_weight`` when given)."""
        weights = compute_sample_weight("balanced", y)
        if sample_weight is not None:
            weights = weights * np.asarray(sample_weight, dtype=float)
        super().fit(X, y, sample_weight=weights)
        return self


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


class SmallCNN(ClassifierMixin, BaseEstimator):
    """A small VGG-like convolutional net on CPU, without batch norm or other tricks.

    Two blocks of (3×3 conv, ReLU, 3×3 conv, ReLU, 2×2 max-pool), then a dense
    layer of 128 units and the class layer; Adam, cross-entropy, a fixed number
    of epochs, one thread.

    Parameters
    ----------
    shape : tuple of int
        ``(height, width, channels)`` of the images; the input columns hold the
        pixels in that order (see :func:`mlplan.io.data.images.image_columns`).
    channels : tuple of int, default (8, 16)
        Filters of the two blocks.
    epochs : int, optional
        Passes over the data; default: enough for about 800 optimiser steps,
        between 3 and 15 epochs.
    batch_size : int, default 64
    learning_rate : float, default 3e-3
    random_state : int, default 0
    """

    def __init__(
        self,
        shape: tuple[int, int, int] = (28, 28, 1),
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

    def _tensor(self, X: Any) -> Any:
        import torch

        height, width, depth = self.shape
        if isinstance(X, pd.DataFrame):
            X = X[image_columns(self.shape)].to_numpy(dtype=np.float32)
        # one float32 copy, changed in place: two threads fitting on 8,000 images
        # held five copies each before
        array = np.array(X, dtype=np.float32, copy=True)
        np.nan_to_num(array, copy=False)
        if array.max(initial=0.0) > 1.5:
            array /= 255.0
        array = array.reshape(-1, height, width, depth).transpose(0, 3, 1, 2)
        return torch.from_numpy(np.ascontiguousarray(array))

    def _network(self, n_classes: int) -> Any:
        from torch import nn

        height, width, depth = self.shape
        a, b = self.channels
        flat = b * (height // 4) * (width // 4)
        return nn.Sequential(
            nn.Conv2d(depth, a, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(a, a, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(a, b, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(b, b, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(flat, 128),
            nn.ReLU(),
            nn.Linear(128, n_classes),
        )

    def fit(self, X: Any, y: Any) -> SmallCNN:
        """Train for ``epochs`` passes over the data."""
        import torch

        torch.set_num_threads(1)
        self.classes_ = unique_labels(y)
        codes = torch.from_numpy(np.searchsorted(self.classes_, np.asarray(y)).astype(np.int64))
        inputs = self._tensor(X)
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
        """Class probabilities, in the order of ``classes_``."""
        import torch

        torch.set_num_threads(1)
        inputs = self._tensor(X)
        with torch.no_grad():
            out = [
                torch.softmax(self.network_(inputs[i : i + 1024]), dim=1).numpy()
                for i in range(0, len(inputs), 1024)
            ]
        return np.concatenate(out) if out else np.zeros((0, len(self.classes_)))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class."""
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])
