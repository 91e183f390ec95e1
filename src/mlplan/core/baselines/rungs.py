"""The trained rungs of the ladder: how each one builds its estimator, and when it applies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression, Ridge, RidgeCV
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from mlplan.core.baselines.boosting import extra_trees, gradient_boosting
from mlplan.core.baselines.linear import GRID, TunedLogistic
from mlplan.core.baselines.neural import neural_net, torch_available
from mlplan.core.baselines.preprocess import tabular_preprocessor
from mlplan.core.baselines.text import TextFeatures
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.pixels import image_shape
from mlplan.errors import PlanError, closest
from mlplan.schema.plan import Task

__all__ = ["RUNGS", "RungSpec", "build_estimator", "default_rungs", "rung_spec"]

Builder = Callable[[Task, Mapping[str, ColumnKind], bool], BaseEstimator]
Applies = Callable[[Task, Mapping[str, ColumnKind]], str | None]


def _always(task: Task, kinds: Mapping[str, ColumnKind]) -> str | None:
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class RungSpec:
    """A trained rung: its name, what it is, how to build it, and when it applies.

    Attributes
    ----------
    name, description : str
    build : callable
        ``build(task, kinds, balanced) -> estimator`` (unfitted).
    applies : callable
        ``applies(task, kinds) -> reason or None``: why the rung does not apply to
        this data (it is then skipped with that note).
    max_rows : int or None
        A row cap: the rung is fitted on a sample of at most this many rows (in
        cross-validation and in the final fit).
    cv_max_rows : int or None
        A row cap for the cross-validation fits only: each fold's fitting rows are
        sampled down to this many, and the final fit still uses all rows (or
        ``max_rows``).  The rung's note says so.
    growth : float
        How its cost grows with rows (exponent), for the time budget.
    features : {"table", "embeddings"}
        What it reads: the table's columns, or frozen pre-trained embeddings.
    learns : bool
        False for a rung that learns nothing from the features (the dummy): it runs
        without feature columns and is never timed for the budget.
    short_fits : bool
        Its fits on fewer than 20,000 rows take a fraction of a second, so a ladder
        of such rungs runs in one thread (two would only take turns for the GIL).
    reads_text : bool
        It tokenises free-text columns (which holds the GIL: worker processes).
    weights_note : callable or None
        ``weights_note(kinds)``: how it weighs classes when the metric weighs them
        equally, when that is not through ``class_weight``.
    """

    name: str
    description: str
    build: Builder
    applies: Applies = _always
    max_rows: int | None = None
    cv_max_rows: int | None = None
    growth: float = 1.0
    features: Literal["table", "embeddings"] = "table"
    learns: bool = True
    short_fits: bool = False
    reads_text: bool = False
    weights_note: Callable[[Mapping[str, ColumnKind]], str] | None = None


def _dummy(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    if task == "regression":
        return DummyRegressor(strategy="mean")
    return DummyClassifier(strategy="prior")


def _linear_model(task: Task, balanced: bool, c: float = 1.0) -> BaseEstimator:
    if task == "regression":
        return Ridge(alpha=1.0 / c)
    # tol 1e-3 instead of 1e-4: on Fashion-MNIST pixels a third of the iterations
    # (6.1 s -> 2.0 s) for 0.002 less balanced accuracy
    return LogisticRegression(
        C=c, tol=1e-3, max_iter=2000, class_weight="balanced" if balanced else None
    )


def _linear(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    # the regularisation is chosen inside every fit, on its fitting rows (see linear.py)
    model = (
        RidgeCV(alphas=[1.0 / c for c in GRID])
        if task == "regression"
        else TunedLogistic(class_weight="balanced" if balanced else None)
    )
    return Pipeline([("prepare", tabular_preprocessor(kinds)), ("model", model)])


def _text_columns(kinds: Mapping[str, ColumnKind]) -> list[str]:
    return [n for n, k in kinds.items() if k == ColumnKind.TEXT]


def _bag_of_words(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    text = _text_columns(kinds)
    tabular = {n: k for n, k in kinds.items() if k != ColumnKind.TEXT}
    parts: list[tuple[str, object]] = [("text", TextFeatures(text))]
    if any(k != ColumnKind.TEXT for k in tabular.values()):
        parts.append(("table", tabular_preprocessor(tabular)))
    return Pipeline(
        [("prepare", FeatureUnion(parts)), ("model", _linear_model(task, balanced, c=4.0))]
    )


def _needs_text(task: Task, kinds: Mapping[str, ColumnKind]) -> str | None:
    if _text_columns(kinds):
        return None
    return "no free-text column in the data (bag-of-words reads text)"


def _needs_table(task: Task, kinds: Mapping[str, ColumnKind]) -> str | None:
    if any(
        k in (ColumnKind.NUMERIC, ColumnKind.CATEGORICAL, ColumnKind.DATETIME)
        for k in kinds.values()
    ):
        return None
    return "no numeric, categorical or date column (free text goes to bag_of_words)"


def _needs_table_not_pixels(task: Task, kinds: Mapping[str, ColumnKind]) -> str | None:
    if is_image_kinds(kinds):
        return "image pixels: boosting on hundreds of raw pixels is slow and weak; see neural_net"
    return _needs_table(task, kinds)


def _probe(task: Task, kinds: Mapping[str, ColumnKind], balanced: bool) -> BaseEstimator:
    return Pipeline([("scale", StandardScaler()), ("model", _linear_model(task, balanced))])


def _needs_pretrained(task: Task, kinds: Mapping[str, ColumnKind]) -> str | None:
    from mlplan.core.baselines.pretrained import unavailable_reason

    return unavailable_reason(kinds)


def _neural_description() -> str:
    cnn = (
        "a small VGG-like CNN (PyTorch) for images"
        if torch_available()
        else ("an MLP on pixels for images (install the 'torch' extra for a CNN)")
    )
    return (
        "an MLP (128-64, early stopping, <= 20,000 rows) on prepared "
        f"tabular and text features; {cnn}"
    )


def _neural_weights_note(kinds: Mapping[str, ColumnKind]) -> str:
    if is_image_kinds(kinds) and torch_available():
        return (
            "the CNN has no class weights (the balanced metric weighs classes equally; "
            "classes here count as often as they occur)"
        )
    return "class weights: balanced sample weights (MLPClassifier has no class_weight)"


RUNGS: dict[str, RungSpec] = {
    spec.name: spec
    for spec in (
        RungSpec(
            name="dummy",
            description="predicts the class prior (classification) or the mean (regression)",
            build=_dummy,
            learns=False,
            short_fits=True,
        ),
        RungSpec(
            name="linear",
            description=(
                "logistic / ridge regression on imputed, scaled, one-hot features; its "
                "regularisation chosen inside each fit"
            ),
            build=_linear,
            applies=_needs_table,
            short_fits=True,
        ),
        RungSpec(
            name="bag_of_words",
            description="TF-IDF word 1-2-grams and char 2-4-grams (+ table) with a linear model",
            build=_bag_of_words,
            applies=_needs_text,
            short_fits=True,
            reads_text=True,
        ),
        RungSpec(
            name="neural_net",
            description=_neural_description(),
            build=neural_net,
            max_rows=20_000,
            growth=1.0,
            reads_text=True,
            weights_note=_neural_weights_note,
        ),
        RungSpec(
            name="gradient_boosting",
            description="HistGradientBoosting with native categorical splits, early stopping",
            build=gradient_boosting,
            applies=_needs_table_not_pixels,
            short_fits=True,
        ),
        RungSpec(
            name="extra_trees",
            description="100 extremely randomised trees (cheap non-linear rung, <= 20,000 rows)",
            build=extra_trees,
            applies=_needs_table,
            max_rows=20_000,
            growth=1.2,
        ),
        RungSpec(
            name="pretrained",
            description=(
                "linear probe on frozen embeddings: all-MiniLM-L6-v2 (text), "
                "EfficientNet-Lite0 (images)"
            ),
            build=_probe,
            applies=_needs_pretrained,
            features="embeddings",
        ),
    )
}


def rung_spec(name: str) -> RungSpec:
    """Look up a trained rung by name; unknown names raise :class:`PlanError`."""
    try:
        return RUNGS[name]
    except KeyError:
        raise PlanError(
            f"baselines.ladder: unknown rung '{name}'{closest(name, RUNGS)}; "
            f"available: {', '.join(RUNGS)}"
        ) from None


def default_rungs(kinds: Mapping[str, ColumnKind]) -> list[str]:
    """The trained rungs a new plan proposes for these feature columns.

    Dummy and linear always; bag-of-words when a column is free text; gradient
    boosting for tables; the basic neural net (a CNN) for image pixels, where
    boosting does not apply. The slower rungs (``neural_net`` on tables,
    ``extra_trees``, ``pretrained``) are there to add by name.

    Examples
    --------
    >>> default_rungs({"age": ColumnKind.NUMERIC, "note": ColumnKind.TEXT})
    ['dummy', 'linear', 'bag_of_words', 'gradient_boosting']
    """
    if is_image_kinds(kinds):
        return ["dummy", "linear", "neural_net"]
    text = ["bag_of_words"] if _text_columns(kinds) else []
    return ["dummy", "linear", *text, "gradient_boosting"]


def build_estimator(
    name: str, task: Task, kinds: Mapping[str, ColumnKind], *, balanced: bool = False
) -> BaseEstimator:
    """A fresh, unfitted estimator for rung ``name``."""
    return rung_spec(name).build(task, kinds, balanced)


def is_image_kinds(kinds: Mapping[str, ColumnKind]) -> bool:
    """Whether the feature columns are image pixels."""
    return image_shape(list(kinds)) is not None
