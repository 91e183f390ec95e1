"""The evidence advice rules judge: one run's numbers, as plain records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlplan._json import json_ready
from mlplan.records.evaluation import Evaluation, best_evaluation
from mlplan.schema.plan import Stage

__all__ = ["DeclaredRung", "Evidence", "LeakageNote", "PairedDifference", "Slice"]


@dataclass(frozen=True, kw_only=True)
class DeclaredRung:
    """A baseline stated in the plan rather than measured: human or published."""

    name: str
    kind: str
    metrics: dict[str, float]
    source: str | None = None
    same_data: bool | None = None
    same_split: bool | None = None


@dataclass(frozen=True, kw_only=True)
class LeakageNote:
    """A leakage warning raised by the ladder (e.g. a column that alone predicts the target)."""

    message: str
    column: str | None = None
    severity: str = "warning"
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """Everything the advice rules may look at, for one run.

    Attributes
    ----------
    project, run_id, stage
        Which project and run, and the lifecycle stage it was at.
    task, metric, optimise, higher_is_better, confidence
        The task, the policy's name, the metric it optimises (None for averages
        and formulas), its direction and the interval level.
    constraints
        The policy's constraints as text (``"precision >= 0.4"``).
    evaluations
        Every evaluation of the run (trained rungs, scripted rungs, models).
    scripted
        Names of the evaluations that are scripted (rule-based) baselines.
    comparisons
        Paired differences: each candidate against each baseline rung, and each
        ML rung or model against each scripted rung.
    requirement
        The plan's requirement (metric name to value).
    human, published
        Declared rungs from the plan.
    leakage
        Leakage warnings recorded with the run.
    ranking
        Paired differences of threshold-free ranking metrics (ROC AUC, average
        precision) for the same pairs as ``comparisons``, when the task is binary,
        both models have scores and the plan's metric needs a threshold.
    slices
        The best candidate's slices of the test rows (input columns only), weakest
        first.
    slice_note
        Which metric the slices are scored in, and why when it is not the plan's.
    class_shares
        Share of each class among the test rows (classification).
    n_test
        Number of test rows.
    forecast
        The payload of the latest ``mlplan forecast`` made for the plan's metric
        (rung, ceiling, and per target: examples needed with interval, reachable,
        cost), or None.
    """

    project: str
    run_id: int | None
    stage: Stage
    task: str
    metric: str
    optimise: str | None
    higher_is_better: bool
    confidence: float
    constraints: tuple[str, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()
    scripted: tuple[str, ...] = ()
    comparisons: tuple[PairedDifference, ...] = ()
    requirement: dict[str, float] = field(default_factory=dict)
    human: tuple[DeclaredRung, ...] = ()
    published: tuple[DeclaredRung, ...] = ()
    leakage: tuple[LeakageNote, ...] = ()
    ranking: tuple[PairedDifference, ...] = ()
    slices: tuple[Slice, ...] = ()
    slice_note: str = ""
    slice_model: str | None = None
    slice_baseline: str | None = None
    class_shares: dict[str, float] = field(default_factory=dict)
    n_test: int = 0
    forecast: Any = None

    # ------------------------------------------------------------------ views
    def evaluation(self, name: str) -> Evaluation | None:
        """The evaluation called ``name``, if any."""
        return next((e for e in self.evaluations if e.name == name), None)

    @property
    def dummy(self) -> Evaluation | None:
        """The dummy rung's evaluation, if the ladder ran it."""
        return next((e for e in self.rungs if e.name == "dummy"), None)

    @property
    def rungs(self) -> tuple[Evaluation, ...]:
        """Trained ladder rungs (dummy included, scripted rungs excluded)."""
        return tuple(
            e for e in self.evaluations if e.source == "rung" and e.name not in self.scripted
        )

    @property
    def models(self) -> tuple[Evaluation, ...]:
        """Models trained elsewhere (the plan's ``models:``)."""
        return tuple(e for e in self.evaluations if e.source == "model")

    @property
    def ml(self) -> tuple[Evaluation, ...]:
        """Every learned model: trained rungs other than the dummy, and external models."""
        return tuple(e for e in (*self.rungs, *self.models) if e.name != "dummy")

    @property
    def baselines(self) -> tuple[Evaluation, ...]:
        """Measured baselines: trained rungs and scripted rungs."""
        return tuple(e for e in self.evaluations if e.source == "rung" or e.name in self.scripted)

    @property
    def candidates(self) -> tuple[Evaluation, ...]:
        """The models advice is about: the plan's models, else the best trained rung."""
        if self.models:
            return self.models
        best = self.best(e for e in self.rungs if e.name != "dummy")
        return (best,) if best is not None else ()

    @property
    def ranked(self) -> tuple[Evaluation, ...]:
        """Measured evaluations, best test value first: the results table's ranking.

        The same order as :attr:`mlplan.records.run.RunResult.best` (declared rungs
        are reference points, never ranked).
        """
        sign = 1.0 if self.higher_is_better else -1.0
        scored = [e for e in self.evaluations if e.value is not None and e.source != "declared"]
        return tuple(sorted(scored, key=lambda e: -sign * float(e.value)))  # type: ignore[arg-type]

    def best(self, evaluations: Any = None) -> Evaluation | None:
        """The best evaluation among ``evaluations`` (default: all), by the results
        table's rule (:func:`~mlplan.records.evaluation.best_evaluation`)."""
        pool = self.evaluations if evaluations is None else evaluations
        return best_evaluation(pool, self.higher_is_better)

    def comparison(self, candidate: str, baseline: str) -> PairedDifference | None:
        """The paired difference ``candidate - baseline``, if it was computed."""
        return next(
            (c for c in self.comparisons if c.candidate == candidate and c.baseline == baseline),
            None,
        )

    def ranking_comparisons(self, candidate: str, baseline: str) -> tuple[PairedDifference, ...]:
        """Paired ROC AUC / average precision differences ``candidate - baseline``."""
        return tuple(c for c in self.ranking if c.candidate == candidate and c.baseline == baseline)

    def requirement_target(self) -> tuple[str, float] | None:
        """The requirement on the plan's metric: ``(name, value)``, if the plan states one."""
        for name, value in self.requirement.items():
            if name in (self.metric, self.optimise):
                return name, float(value)
        return None

    def beats(self, value: float, target: float) -> bool:
        """``value`` meets ``target`` in the direction of the plan's metric."""
        return value >= target if self.higher_is_better else value <= target

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (evaluations by name, comparisons, slices)."""
        return json_ready(
            {
                "run_id": self.run_id,
                "metric": self.metric,
                "requirement": self.requirement,
                "comparisons": [c.to_dict() for c in self.comparisons],
                "slices": [s.to_dict() for s in self.slices[:10]],
                "leakage": [n.message for n in self.leakage],
            }
        )


@dataclass(frozen=True, kw_only=True)
class PairedDifference:
    """``candidate`` minus ``baseline`` on the same test rows, with its interval.

    Attributes
    ----------
    candidate, baseline : str
    metric : str
        The metric compared (the policy's optimised metric, or the policy).
    value_candidate, value_baseline : float
    difference : float
        ``value_candidate - value_baseline`` in the metric's units.
    lo, hi : float or None
        The paired interval of ``difference``.
    higher_is_better : bool
    method : str
        How the interval was computed.
    p_value : float or None
    """

    candidate: str
    baseline: str
    metric: str
    value_candidate: float
    value_baseline: float
    difference: float
    lo: float | None
    hi: float | None
    higher_is_better: bool
    method: str
    p_value: float | None = None

    @property
    def gain(self) -> float:
        """The difference oriented so that positive means the candidate is better."""
        return self.difference if self.higher_is_better else -self.difference

    @property
    def gain_interval(self) -> tuple[float, float] | None:
        """The interval of :attr:`gain` (None without an interval)."""
        if self.lo is None or self.hi is None:
            return None
        return (self.lo, self.hi) if self.higher_is_better else (-self.hi, -self.lo)

    @property
    def better(self) -> bool:
        """The candidate is better and the interval excludes zero."""
        g = self.gain_interval
        return g is not None and g[0] > 0

    @property
    def worse(self) -> bool:
        """The candidate is worse and the interval excludes zero."""
        g = self.gain_interval
        return g is not None and g[1] < 0

    @property
    def tied(self) -> bool:
        """The interval contains zero."""
        return self.gain_interval is not None and not self.better and not self.worse

    def describe(self) -> str:
        """``"-0.082 [-0.120, -0.044]"``: the difference and its interval."""
        if self.lo is None or self.hi is None:
            return f"{self.difference:+.3f}"
        return f"{self.difference:+.3f} [{self.lo:+.3f}, {self.hi:+.3f}]"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "candidate": self.candidate,
            "baseline": self.baseline,
            "metric": self.metric,
            "value_candidate": self.value_candidate,
            "value_baseline": self.value_baseline,
            "difference": self.difference,
            "lo": self.lo,
            "hi": self.hi,
            "higher_is_better": self.higher_is_better,
            "method": self.method,
            "p_value": self.p_value,
        }


@dataclass(frozen=True, kw_only=True)
class Slice:
    """One slice of the test rows and how the model does on it.

    Attributes
    ----------
    column, label
        ``"carrier"``, ``"EV"``; score ranges use column ``"score"``.
    n, denominator
        Rows in the slice, and rows in the metric's denominator.
    metric, higher_is_better
        The slice metric (see module docstring).
    value, lo, hi
        The model's metric on the slice with its (corrected) interval.
    overall
        The model's metric on all test rows.
    baseline, difference, difference_lo, difference_hi
        The best baseline's metric on the slice and the paired difference
        (model minus baseline) with its interval, when there is a baseline.
    weak
        The slice's interval lies entirely on the bad side of ``overall``.
    below_baseline
        The paired interval says the model is worse than the baseline here.
    """

    column: str
    label: str
    n: int
    denominator: int
    metric: str
    higher_is_better: bool
    value: float
    lo: float
    hi: float
    overall: float
    baseline: float | None = None
    difference: float | None = None
    difference_lo: float | None = None
    difference_hi: float | None = None
    weak: bool = False
    below_baseline: bool = False

    @property
    def shortfall(self) -> float:
        """How far the slice is below the overall value (positive is worse)."""
        gap = self.overall - self.value
        return gap if self.higher_is_better else -gap

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}
