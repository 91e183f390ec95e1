"""Paired comparisons: one model against another on the same rows, as records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["PairedModel", "PairedResult", "Test"]


Test = Literal["mcnemar", "delong", "bootstrap"]


@dataclass(frozen=True, kw_only=True, eq=False)
class PairedModel:
    """One model's predictions on the shared rows.

    Attributes
    ----------
    name : str
    pred : array_like, optional
        Labels: 0/1 (binary), class codes (multiclass) or real values (regression).
    score : array_like, optional
        Binary: score of class 1; multiclass: (n, K) probabilities.  Used by the
        threshold-free metrics, and for binary labels when ``threshold`` is set.
    threshold : float, optional
        Binary: the model's labels are ``score >= threshold``.  Without one, the
        labels are ``pred`` (or ``score >= 0.5`` when ``pred`` is missing).
    costs : mapping
        Cost metrics measured elsewhere (``latency_ms``, ``model_mb``, ...).
    """

    name: str
    pred: Any = None
    score: Any = None
    threshold: float | None = None
    costs: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class PairedResult:
    """The candidate ``b`` against one opponent ``a`` on one metric, on the same rows.

    Attributes
    ----------
    metric : str
        The metric's name, or the policy's name.
    candidate, opponent : str
    value_a, value_b : float
        The opponent's and the candidate's values (NaN when not computable).
    difference : float
        ``value_b - value_a`` oriented so that positive means the candidate is
        better (``value_a - value_b`` for lower-is-better metrics).
    lo, hi : float or None
        The paired interval of ``difference`` (same orientation).
    p_value : float or None
        Two-sided p-value of "no difference": exact McNemar (joint cells) or
        DeLong; None for the row bootstrap.
    test : {"mcnemar", "delong", "bootstrap"}
        How the interval was computed: multinomial draws of the joint cells
        (with McNemar's test), DeLong, or the paired row bootstrap.
    higher_is_better : bool
    n : int
        Rows compared.
    candidate_lo, candidate_hi : float or None
        The candidate's own interval of ``value_b`` from the same resamples.
    note : str
    error : str or None
        Why the comparison could not be computed (with ``errors="record"``).
    draws : ndarray or None
        The resampled ``difference`` values behind ``lo``/``hi`` (same orientation,
        finite ones only): what a p-value for another null value is read from.
        None for DeLong and without resamples.
    """

    metric: str
    candidate: str
    opponent: str
    value_a: float
    value_b: float
    difference: float
    lo: float | None
    hi: float | None
    p_value: float | None
    test: Test
    higher_is_better: bool
    n: int
    candidate_lo: float | None = None
    candidate_hi: float | None = None
    note: str = ""
    error: str | None = None
    draws: Any = field(default=None, repr=False, compare=False)

    @property
    def better(self) -> bool:
        """The candidate is better: the interval lies above zero."""
        return self.lo is not None and self.lo > 0

    @property
    def worse(self) -> bool:
        """The candidate is worse: the interval lies below zero."""
        return self.hi is not None and self.hi < 0

    def unoriented(self) -> tuple[float, float | None, float | None]:
        """``(value_b - value_a, lo, hi)`` in the metric's own direction (not "positive is
        better"): what a lower-is-better metric's raw difference and interval are."""
        if self.higher_is_better:
            return self.difference, self.lo, self.hi
        return (
            -self.difference,
            None if self.hi is None else -self.hi,
            None if self.lo is None else -self.lo,
        )
