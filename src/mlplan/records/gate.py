"""Gate records: the contenders, each rule's verdict and the gate's result.

A rule has one of five statuses and the gate one of four outcomes:

``pass``
    What the rule asks was shown (e.g. non-inferiority: the paired interval's
    lower bound clears the margin).
``regression``
    The candidate is shown worse than allowed (the whole interval lies beyond the
    margin, below the best baseline, under a floor; or a constraint is violated).
``inconclusive``
    The test set cannot tell: the interval straddles the margin.  The gate then
    fails or passes as the plan's ``gate.on_inconclusive`` says.
``fail``
    A check that is not a measurement failed: the test set changed, or a number
    could not be computed.  It blocks like a regression; it never passes.
``skip``
    Not applicable (no champion yet, no baselines stored); it does not block.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from numpy.typing import NDArray

from mlplan.records.display import HtmlDisplay
from mlplan.records.evaluation import OPTIMISTIC, OPTIMISTIC_NOTE, ThresholdSource

__all__ = [
    "OPTIMISTIC",
    "OPTIMISTIC_NOTE",
    "Contender",
    "GateOutcome",
    "GateResult",
    "OnInconclusive",
    "RuleKind",
    "RuleResult",
    "RuleStatus",
    "TestSetCheck",
    "ThresholdSource",
]

RuleKind = Literal[
    "test_set", "constraint", "non_inferiority", "floor", "best_baseline", "must_beat"
]
RuleStatus = Literal["pass", "regression", "inconclusive", "fail", "skip"]
GateOutcome = Literal["pass", "regression", "inconclusive", "fail"]
OnInconclusive = Literal["fail", "pass"]


@dataclass(frozen=True, kw_only=True)
class RuleResult:
    """The outcome of one gate rule.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``non_inferiority.f1`` or ``best_baseline``.
    kind : {"test_set", "constraint", "non_inferiority", "floor", "best_baseline", "must_beat"}
    title : str
        What the rule demands, in words with its numbers.
    status : {"pass", "regression", "inconclusive", "fail", "skip"}
    metric, against : str or None
        The metric and the model compared with (champion or baseline name).
    candidate, reference : float or None
        The candidate's value and the reference (the opponent's value, the floor or bound).
    difference, lo, hi : float or None
        ``candidate - reference`` oriented so that positive is better, and its
        interval (for floors: the candidate's own interval).
    margin : float or None
        The largest drop allowed (absolute, in the metric's units), when the rule has one.
    margin_note : str
        How the margin was set (e.g. "2% of the champion's 0.6010 (default)").
    p_value : float or None
        Two-sided p-value of "the change equals ``null``", read from the same
        resamples (or DeLong normal) as the interval: ``p < 1 - confidence``
        exactly when the interval excludes ``null``.
    null : float or None
        The value the p-value tests: ``-margin`` (champion), 0 (baselines).
    resolution : float or None
        Half-width of the paired interval: the smallest difference this test set
        resolves at the configured confidence.
    rows_needed : int or None
        Test rows with which an equally good candidate shows non-inferiority at
        ``margin`` with the configured power, from the observed paired variance
        (None when the rule has no margin or it can never be shown).
    decided_by : str
        Which statistic decided (e.g. "lower bound of the 95% paired bootstrap interval").
    better : bool
        The candidate is significantly better: the interval excludes 0 in its favour.
    message : str
        One line with the numbers, saying why; for ``inconclusive``, what would decide it.
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
    margin: float | None = None
    margin_note: str = ""
    p_value: float | None = None
    null: float | None = None
    resolution: float | None = None
    rows_needed: int | None = None
    decided_by: str = ""
    better: bool = False
    message: str = ""

    @property
    def failed(self) -> bool:
        """True when this rule blocks the candidate whatever ``on_inconclusive`` says."""
        return self.status in ("regression", "fail")

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
        Labels: 0/1 (binary), class codes, or real values (regression).
    score : ndarray or None
        Binary: score of class 1; multiclass: (n, K) probabilities.
    threshold : float or None
        Its operating point when already known (declared, stored champion, ladder
        rung); None: chosen by the gate on the test rows (marked optimistic).
    threshold_source : ThresholdSource or None
        Where ``threshold`` comes from (None when it is to be chosen).
    costs : dict
        ``latency_ms``, ``model_mb``, ``fit_seconds`` when measured.
    """

    name: str
    pred: NDArray[Any]
    score: NDArray[Any] | None = None
    threshold: float | None = None
    threshold_source: ThresholdSource | None = None
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


def _outcome(rules: tuple[RuleResult, ...]) -> GateOutcome:
    statuses = {r.status for r in rules}
    for outcome in ("regression", "fail", "inconclusive"):
        if outcome in statuses:
            return outcome
    return "pass"


@dataclass(frozen=True, kw_only=True)
class GateResult(HtmlDisplay):
    """The gate's verdict and every rule behind it.

    Attributes
    ----------
    candidate, champion : str or None
    metric : str
        The plan's metric (policy name).
    threshold : float or None
        The candidate's operating threshold (scored binary models).
    threshold_source : ThresholdSource or None
        Where it comes from (the vocabulary of :mod:`mlplan.records.evaluation`); a
        threshold chosen on the test rows is marked optimistic everywhere.
    n_test : int
    test_fingerprint : str or None
    confidence : float
    resamples : int
    power : float
        The power behind every ``rows_needed``.
    on_inconclusive : {"fail", "pass"}
    rules : tuple of RuleResult
    notes : tuple of str
    accepted : bool
        The candidate was promoted to champion.
    """

    candidate: str
    champion: str | None
    metric: str
    threshold: float | None
    n_test: int
    test_fingerprint: str | None
    confidence: float
    resamples: int
    rules: tuple[RuleResult, ...]
    threshold_source: ThresholdSource | None = None
    power: float = 0.9
    on_inconclusive: OnInconclusive = "fail"
    notes: tuple[str, ...] = ()
    accepted: bool = False

    @property
    def outcome(self) -> GateOutcome:
        """``regression`` > ``fail`` > ``inconclusive`` > ``pass``: the worst rule decides."""
        return _outcome(self.rules)

    @property
    def passed(self) -> bool:
        """The gate lets the candidate through (exit code 0)."""
        return self.exit_code == 0

    @property
    def failed(self) -> tuple[RuleResult, ...]:
        """The rules that block: regressions, failed checks, and inconclusive ones when
        ``on_inconclusive`` is ``fail``."""
        blocking = {"regression", "fail"} | (
            {"inconclusive"} if self.on_inconclusive == "fail" else set()
        )
        return tuple(r for r in self.rules if r.status in blocking)

    @property
    def optimistic(self) -> bool:
        """The candidate's threshold was chosen on the test rows."""
        return self.threshold_source == OPTIMISTIC

    @property
    def exit_code(self) -> int:
        """0 pass; 1 regression or failed check; inconclusive: 1, or 0 with
        ``on_inconclusive: pass``."""
        outcome = self.outcome
        if outcome == "pass" or (outcome == "inconclusive" and self.on_inconclusive == "pass"):
            return 0
        return 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "outcome": self.outcome,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "on_inconclusive": self.on_inconclusive,
            "candidate": self.candidate,
            "champion": self.champion,
            "metric": self.metric,
            "threshold": self.threshold,
            "threshold_source": self.threshold_source,
            "threshold_note": OPTIMISTIC_NOTE if self.optimistic else "",
            "n_test": self.n_test,
            "test_fingerprint": self.test_fingerprint,
            "confidence": self.confidence,
            "resamples": self.resamples,
            "power": self.power,
            "accepted": self.accepted,
            "counts": {
                status: sum(r.status == status for r in self.rules)
                for status in ("pass", "regression", "inconclusive", "fail", "skip")
            },
            "rules": [r.to_dict() for r in self.rules],
            "notes": list(self.notes),
        }
