"""The evidence advice rules judge: one run's numbers, gathered from the store.

:func:`build_evidence` reads a stored run (its evaluations and test
predictions), re-loads the data to get the frozen test rows' labels, and
computes what the rules need beyond the evaluations: the paired differences of
every candidate model with every baseline rung, the weak slices of the best
candidate, and the declared rungs (requirement, human, published) of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlplan._json import json_ready
from mlplan.advise.paired import PairedDifference, paired_difference
from mlplan.advise.slices import Slice, weak_slices
from mlplan.data.dataset import Dataset
from mlplan.data.split import Split
from mlplan.errors import MetricError, PlanError
from mlplan.evaluation import Evaluation
from mlplan.metrics import MetricPolicy, higher_is_better, policy_from_section
from mlplan.plan.schema import Plan, Stage
from mlplan.project import Project

__all__ = [
    "DeclaredRung",
    "Evidence",
    "LeakageNote",
    "build_evidence",
    "leakage_notes",
    "metric_direction",
]

_DECLARED_KEYS = {
    "name",
    "source",
    "same_data",
    "same_split",
    "note",
    "cost_per_example",
    "n_examples",
}


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
    slices
        The best candidate's slices of the test rows, weakest first.
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
    slices: tuple[Slice, ...] = ()
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

    def best(self, evaluations: Any = None) -> Evaluation | None:
        """The evaluation with the best value among ``evaluations`` (default: all)."""
        pool = [
            e
            for e in (self.evaluations if evaluations is None else evaluations)
            if e.value is not None
        ]
        if not pool:
            return None
        sign = 1.0 if self.higher_is_better else -1.0
        return max(pool, key=lambda e: sign * float(e.value))  # type: ignore[arg-type]

    def comparison(self, candidate: str, baseline: str) -> PairedDifference | None:
        """The paired difference ``candidate - baseline``, if it was computed."""
        return next(
            (c for c in self.comparisons if c.candidate == candidate and c.baseline == baseline),
            None,
        )

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


def metric_direction(name: str, default: bool = True) -> bool:
    """Whether larger values of metric ``name`` are better (``default`` if unknown)."""
    try:
        return higher_is_better(name)
    except MetricError:
        return default


def build_evidence(
    project: Project,
    run_id: int | None = None,
    *,
    dataset: Dataset | None = None,
    split: Split | None = None,
    leakage: Any = None,
) -> Evidence:
    """Gather the evidence of a stored run (default: the latest).

    Parameters
    ----------
    project
        The open project.
    run_id
        The run to judge; the latest when None.
    dataset, split
        The loaded data and the run's split (re-loaded and re-read when None).
    leakage
        Leakage warnings (the ladder's ``LeakageWarning`` records) to judge; read
        from the run's summary when None.

    Raises
    ------
    PlanError
        When the project has no run yet, or ``run_id`` does not exist.
    """
    runs = {run.id: run for run in project.store.runs()}
    if not runs:
        raise PlanError("advise: the project has no run yet; 'mlplan run' measures the plan first")
    if run_id is None:
        run_id = max(runs)
    if run_id not in runs:
        raise PlanError(f"advise: no run #{run_id}; runs: {', '.join(map(str, sorted(runs)))}")
    run = runs[run_id]
    plan: Plan = project.plan_file.plan
    if dataset is None:
        dataset = project.load_dataset()
    if split is None:
        split, _ = project.frozen_split(dataset)
    policy = policy_from_section(plan.metric, dataset.task)
    evaluations = tuple(
        _evaluation(record, policy.name) for record in project.store.evaluations(run_id)
    )
    _, test_pos = split.positions(dataset)
    y_test = dataset.y[test_pos]
    predictions = {e.name: project.store.predictions(run_id, e.name) for e in evaluations}
    scripted_names = {s.name for s in plan.baselines.scripted}
    scripted = tuple(
        e.name for e in evaluations if e.name in scripted_names or e.name.startswith("scripted:")
    )
    base = Evidence(
        project=plan.project.name,
        run_id=run_id,
        stage=run.stage,  # type: ignore[arg-type]
        task=dataset.task,
        metric=policy.name,
        optimise=policy.optimise,
        higher_is_better=policy.higher_is_better,
        confidence=plan.metric.confidence,
        constraints=tuple(f"{c.name} {c.op} {c.bound:g}" for c in policy.constraints),
        evaluations=evaluations,
        scripted=scripted,
        requirement=dict(plan.baselines.requirement),
        human=tuple(_declared(h, "human") for h in plan.baselines.human),
        published=tuple(_declared(p, "published") for p in plan.baselines.published),
        leakage=leakage_notes(leakage) if leakage is not None else _leakage(run.summary),
        n_test=len(y_test),
        class_shares=_shares(dataset, y_test),
        forecast=_latest_forecast(project, policy.name),
    )
    comparisons = _comparisons(base, policy, y_test, predictions, plan.metric.resamples)
    frame = dataset.frame.iloc[test_pos]
    slices, slice_model, slice_baseline = _slices(base, dataset, frame, y_test, predictions)
    from dataclasses import replace

    return replace(
        base,
        comparisons=comparisons,
        slices=slices,
        slice_model=slice_model,
        slice_baseline=slice_baseline,
    )


def _latest_forecast(project: Project, metric: str) -> dict[str, Any] | None:
    """The newest stored forecast of the plan's current metric (older metrics do not count)."""
    for event in reversed(project.store.events("forecast")):
        if event["payload"].get("metric") == metric:
            return dict(event["payload"])
    return None


def _evaluation(record: dict[str, Any], metric: str) -> Evaluation:
    """An Evaluation from its stored record (fields added later get their defaults)."""
    known = {k: v for k, v in record.items() if k in Evaluation.__dataclass_fields__}
    known.setdefault("metric", metric)
    known.setdefault("value", None)
    for key in ("metrics", "costs"):
        known[key] = known.get(key) or {}
    return Evaluation(**known)


def _declared(entry: Any, kind: str) -> DeclaredRung:
    extra = {**(entry.model_extra or {})}
    metrics = {
        k: float(v)
        for k, v in extra.items()
        if k not in _DECLARED_KEYS and isinstance(v, int | float) and not isinstance(v, bool)
    }
    return DeclaredRung(
        name=entry.name,
        kind=kind,
        metrics=metrics,
        source=getattr(entry, "source", None),
        same_data=getattr(entry, "same_data", None),
        same_split=getattr(entry, "same_split", None),
    )


def leakage_notes(items: Any) -> tuple[LeakageNote, ...]:
    """Leakage warnings as notes: from the ladder's ``LeakageWarning`` records or their dicts."""
    notes = []
    for item in items or ():
        if isinstance(item, str):
            notes.append(LeakageNote(message=item))
            continue
        data = (
            item
            if isinstance(item, dict)
            else {
                k: getattr(item, k)
                for k in ("code", "column", "evidence", "severity", "message")
                if hasattr(item, k)
            }
        )
        where = f" [{data['column']}]" if data.get("column") else ""
        message = data.get("message") or (
            f"{data.get('code', 'leakage')}{where}: {data.get('evidence', '')}".strip()
        )
        notes.append(
            LeakageNote(
                message=str(message),
                column=data.get("column"),
                severity=str(data.get("severity") or "warning"),
                details={k: v for k, v in data.items() if k not in ("message", "column")},
            )
        )
    return tuple(notes)


def _leakage(summary: dict[str, Any]) -> tuple[LeakageNote, ...]:
    """Leakage warnings stored with a run's summary, when the ladder made any."""
    return leakage_notes(
        summary.get("warnings") or summary.get("leakage") or summary.get("leakage_warnings")
    )


def _shares(dataset: Dataset, y: np.ndarray) -> dict[str, float]:
    if dataset.task == "regression" or len(y) == 0:
        return {}
    counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=len(dataset.classes))
    return {str(c): float(n / len(y)) for c, n in zip(dataset.classes, counts, strict=False)}


def _comparisons(
    evidence: Evidence,
    policy: MetricPolicy,
    y: np.ndarray,
    predictions: dict[str, dict[str, np.ndarray]],
    n_resamples: int,
) -> tuple[PairedDifference, ...]:
    pairs: list[tuple[Evaluation, Evaluation]] = []
    for candidate in evidence.candidates:
        pairs += [(candidate, b) for b in evidence.baselines if b.name != candidate.name]
    for learned in evidence.ml:
        for name in evidence.scripted:
            scripted = evidence.evaluation(name)
            if scripted is not None and (learned, scripted) not in pairs:
                pairs.append((learned, scripted))
    out = []
    for candidate, baseline in pairs:
        found = paired_difference(
            policy,
            y,
            candidate,
            predictions[candidate.name],
            baseline,
            predictions[baseline.name],
            n_resamples=max(n_resamples, 200),
            confidence=evidence.confidence,
        )
        if found is not None:
            out.append(found)
    return tuple(out)


def _slices(
    evidence: Evidence,
    dataset: Dataset,
    frame: Any,
    y: np.ndarray,
    predictions: dict[str, dict[str, np.ndarray]],
) -> tuple[tuple[Slice, ...], str | None, str | None]:
    model = evidence.best(evidence.ml)
    if model is None:
        return (), None, None
    others = [b for b in evidence.baselines if b.name != model.name and b.value is not None]
    baseline = evidence.best(others)

    def side(e: Evaluation) -> tuple[np.ndarray, np.ndarray | None, float | None]:
        p = predictions[e.name]
        threshold = e.threshold if e.threshold is not None else 0.5
        return p["pred"], p.get("score"), threshold

    slices = weak_slices(
        dataset,
        frame,
        y,
        task=dataset.task,
        optimise=evidence.optimise,
        model=side(model),
        baseline=side(baseline) if baseline is not None else None,
    )
    return slices, model.name, baseline.name if baseline is not None else None
