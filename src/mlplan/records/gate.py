"""Gate records: the contenders, each rule's verdict and the gate's result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from numpy.typing import NDArray

from mlplan.records.display import HtmlDisplay

__all__ = ["Contender", "GateResult", "RuleKind", "RuleResult", "RuleStatus", "TestSetCheck"]

RuleKind = Literal["test_set", "constraint", "non_inferiority", "floor", "must_beat"]


RuleStatus = Literal["pass", "fail", "skip"]


@dataclass(frozen=True, kw_only=True)
class RuleResult:
    """The outcome of one gate rule.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``non_inferiority.f1`` or ``must_beat.linear``.
    kind : {"test_set", "constraint", "non_inferiority", "floor", "must_beat"}
    title : str
        What the rule demands, in words with its numbers.
    status : {"pass", "fail", "skip"}
    metric, against : str or None
        The metric and the model compared with (champion or baseline name).
    candidate, reference : float or None
        The candidate's value and the reference (the opponent's value, the floor or bound).
    difference, lo, hi : float or None
        ``candidate - reference`` and its interval (for floors: the candidate's interval).
    p_value : float or None
        McNemar (labels) or DeLong (ROC AUC) p-value of "no difference".
    decided_by : str
        Which statistic decided (e.g. "lower bound of the 95% paired bootstrap interval").
    better : bool
        The candidate is significantly better: the interval excludes 0 in its favour.
    message : str
        One line with the numbers, saying why.
    """

    id: str
    kind: RuleKind
    title: str
    status: RuleStatus
    metric: str | None = None
    against: str | None = None
    candidate: float | None = None
    reference: float | None = None
    difference: float | None = None
    lo: float | None = None
    hi: float | None = None
    p_value: float | None = None
    decided_by: str = ""
    better: bool = False
    message: str = ""

    @property
    def failed(self) -> bool:
        """True when this rule blocks the candidate."""
        return self.status == "fail"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True, kw_only=True)
class Contender:
    """One model's predictions on the frozen test rows, in test-id order.

    Attributes
    ----------
    name : str
    pred : ndarray
        Labels: 0/1 (binary) or class codes.
    score : ndarray or None
        Binary: score of class 1; multiclass: (n, K) probabilities.
    threshold : float or None
        Its operating point when already known (stored champion, ladder rung);
        None: chosen here by the plan's policy (constrained) or 0.5.
    costs : dict
        ``latency_ms``, ``model_mb``, ``fit_seconds`` when measured.
    """

    name: str
    pred: NDArray[Any]
    score: NDArray[Any] | None = None
    threshold: float | None = None
    costs: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class TestSetCheck:
    """The fingerprint of the test ids + labels now, and the one the gate must match.

    ``reference`` is None before any champion or accepted test set exists.
    """

    __test__ = False  # not a pytest class

    current: str
    reference: str | None
    accepted: bool = False
    reference_source: str = "the champion"


@dataclass(frozen=True, kw_only=True)
class GateResult(HtmlDisplay):
    """The gate's verdict and every rule behind it.

    Attributes
    ----------
    passed : bool
        No rule failed.
    candidate, champion : str or None
    metric : str
        The plan's metric (policy name).
    threshold : float or None
        The candidate's operating threshold (scored binary models).
    n_test : int
    test_fingerprint : str or None
    confidence : float
    resamples : int
    rules : tuple of RuleResult
    notes : tuple of str
    accepted : bool
        The candidate was promoted to champion.
    """

    passed: bool
    candidate: str
    champion: str | None
    metric: str
    threshold: float | None
    n_test: int
    test_fingerprint: str | None
    confidence: float
    resamples: int
    rules: tuple[RuleResult, ...]
    notes: tuple[str, ...] = ()
    accepted: bool = False

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        """The rules that failed."""
        return tuple(r for r in self.rules if r.failed)

    @property
    def exit_code(self) -> int:
        """0 when the gate passed, 1 when a regression (or an uncomputable rule) was found."""
        return 0 if self.passed else 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "passed": self.passed,
            "candidate": self.candidate,
            "champion": self.champion,
            "metric": self.metric,
            "threshold": self.threshold,
            "n_test": self.n_test,
            "test_fingerprint": self.test_fingerprint,
            "confidence": self.confidence,
            "resamples": self.resamples,
            "accepted": self.accepted,
            "counts": {
                status: sum(r.status == status for r in self.rules)
                for status in ("pass", "fail", "skip")
            },
            "rules": [r.to_dict() for r in self.rules],
            "notes": list(self.notes),
        }
