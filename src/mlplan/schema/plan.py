"""The plan file schema: what ``mlplan.yaml`` may contain.

Every section is a frozen pydantic model that forbids unknown keys, so a typo in
the plan is an error that names the key and its line rather than a silently
ignored setting.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Task = Literal["binary", "multiclass", "regression"]
Stage = Literal["planning", "data", "training", "deployment"]
Archetype = Literal["software_2_0", "human_in_the_loop", "autonomous"]
Averaging = Literal["macro", "micro", "weighted"]

#: Metrics that weigh classes equally; the ladder's rungs then use balanced class weights.
BALANCED_METRICS = frozenset({"balanced_accuracy", "mcc", "kappa"})

__all__ = [
    "AdviceSection",
    "Archetype",
    "Averaging",
    "BaselinesSection",
    "DataSection",
    "ExecutionSection",
    "GateSection",
    "HumanBaseline",
    "MetricSection",
    "ModelEntry",
    "Plan",
    "ProjectSection",
    "PublishedBaseline",
    "ScriptedRule",
    "SplitSection",
    "Stage",
    "Task",
    "check_cluster_address",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectSection(_Section):
    """Who the project is for and where it stands in the lifecycle."""

    name: str
    description: str | None = None
    archetype: Archetype = "software_2_0"
    stage: Stage = "planning"


class SplitSection(_Section):
    """How the held-out test set is drawn; its row ids are frozen in the store."""

    test_size: float = Field(0.2, gt=0.0, lt=1.0)
    group: str | None = None
    time: str | None = None
    seed: int = 0

    @model_validator(mode="after")
    def _one_strategy(self) -> SplitSection:
        if self.group and self.time:
            raise ValueError("give either 'group' or 'time', not both")
        return self


class DataSection(_Section):
    """Where the labelled data lives and which column is the target."""

    path: str
    target: str
    id: str | None = None
    task: Task | None = None
    positive: str | int | float | bool | None = None
    sample: int | None = Field(None, gt=0)
    drop: list[str] = Field(default_factory=list)
    split: SplitSection = Field(default_factory=lambda: SplitSection())
    labelling_cost_per_example: float | None = Field(None, ge=0.0)


class MetricSection(_Section):
    """The one number the project optimises (exactly one way of building it)."""

    optimise: str | None = None
    subject_to: dict[str, str] = Field(default_factory=dict)
    average: list[str] | None = None
    weighted: dict[str, float] | None = None
    fbeta: float | None = Field(None, gt=0.0)
    formula: str | None = None
    averaging: Averaging | None = None
    confidence: float = Field(0.95, gt=0.0, lt=1.0)
    resamples: int = Field(1000, ge=0)

    def names(self) -> list[str]:
        """The metric names this section combines (optimised, averaged or weighted)."""
        return [
            *([self.optimise] if self.optimise else []),
            *(self.average or []),
            *(self.weighted or {}),
        ]

    @property
    def weighs_classes_equally(self) -> bool:
        """Whether the metric gives every class the same weight (then so do the rungs)."""
        return any(name in BALANCED_METRICS for name in self.names())

    @model_validator(mode="after")
    def _exactly_one(self) -> MetricSection:
        given = [
            k
            for k in ("optimise", "average", "weighted", "fbeta", "formula")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of optimise, average, weighted, fbeta, formula; "
                f"got {', '.join(given) if given else 'none'}"
            )
        if self.subject_to and self.optimise is None:
            raise ValueError("subject_to goes with optimise")
        return self


class PublishedBaseline(_Section):
    """A published result, with a note on whether the comparison is fair."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    source: str | None = None
    same_data: bool | None = None
    same_split: bool | None = None
    note: str | None = None


class HumanBaseline(_Section):
    """Human performance: who labelled, at what cost, on how many examples."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    cost_per_example: float | None = Field(None, ge=0.0)
    n_examples: int | None = Field(None, gt=0)


class ScriptedRule(_Section):
    """A rule-based baseline: a safe expression over columns."""

    name: str
    rule: str


class BaselinesSection(_Section):
    """The ladder of baselines: declared rungs and the trained rungs to run."""

    requirement: dict[str, float] = Field(default_factory=dict)
    published: list[PublishedBaseline] = Field(default_factory=list)
    human: list[HumanBaseline] = Field(default_factory=list)
    scripted: list[ScriptedRule] = Field(default_factory=list)
    ladder: list[str] = Field(default_factory=lambda: ["dummy", "linear"])
    cv_folds: int | None = Field(None, ge=2, le=20)  # None: 5, or 3 from 50,000 training rows
    budget: str | None = None


class GateSection(_Section):
    """The regression gate: what a candidate must show before it replaces the champion.

    ``non_inferiority`` maps a metric (``metric`` is the plan's one number) to the
    largest drop allowed against the champion: a number is absolute (``0.01``), a
    percentage is relative to the champion's value on the test rows (``"2%"``, the
    default).  A rule passes when the paired interval's bound clears the margin, is a
    regression when the whole interval lies beyond it, and is inconclusive otherwise;
    ``on_inconclusive`` says whether an inconclusive gate fails (the default) or
    passes.  ``power`` is the chance the stated "rows needed" gives an equally good
    candidate of passing.  ``floors`` default to ``baselines.requirement``;
    ``must_beat`` lists rungs the candidate must beat *significantly* (none by
    default: the gate only asks that the candidate is not shown worse than the best
    rung).
    """

    #: The margin used when the plan sets none: 2 % of the champion's value.
    DEFAULT_MARGIN: ClassVar[str] = "2%"

    non_inferiority: dict[str, float | str] = Field(
        default_factory=lambda: dict[str, float | str](metric=GateSection.DEFAULT_MARGIN)
    )
    on_inconclusive: Literal["fail", "pass"] = "fail"
    power: float = Field(0.9, gt=0.0, lt=1.0)
    floors: dict[str, float] | None = None
    floors_on: Literal["estimate", "lower_bound"] = "estimate"
    must_beat: list[str] | None = None
    confidence: float = Field(0.95, gt=0.0, lt=1.0)
    resamples: int = Field(2000, ge=100)
    seed: int = 0

    @model_validator(mode="after")
    def _margins(self) -> GateSection:
        for name in self.non_inferiority:
            self.margin(name)
        return self

    def margin(self, key: str) -> tuple[float, bool]:
        """``(amount, relative)`` of a key's margin: ``(0.02, True)`` for ``"2%"``.

        Raises
        ------
        ValueError
            A margin that is not a number >= 0 or a percentage like ``"2%"``.
        """
        raw = self.non_inferiority[key]
        text = str(raw).strip()
        relative = isinstance(raw, str) and text.endswith("%")
        try:
            amount = float(text[:-1] if relative else text)
        except ValueError:
            amount = float("nan")
        if not 0.0 <= amount < float("inf"):
            raise ValueError(
                f"non_inferiority.{key}: margin must be >= 0, a number (absolute) or a "
                f"percentage of the champion's value like '2%'; got {raw!r}"
            )
        return (amount / 100.0 if relative else amount), relative


class AdviceSection(_Section):
    """How advice is shown: rules muted by code (``mute: [ADV003]``) show as muted."""

    mute: list[str] = Field(default_factory=list)


class ModelEntry(_Section):
    """A model trained elsewhere, known by its predictions on the test rows."""

    name: str
    predictions: str
    id_column: str | None = None
    score_column: str | None = None
    label_column: str | None = None


class ExecutionSection(_Section):
    """Where the heavy jobs run: this machine (default) or a Dask cluster.

    ``cluster`` is a scheduler address (``tcp://host:8786``, ``tls://…``) or
    ``local`` for a :class:`distributed.LocalCluster` of ``workers`` processes on
    this machine; without it every job runs here, with joblib.
    """

    cluster: str | None = None
    workers: int | None = Field(None, ge=1, le=256)

    @model_validator(mode="after")
    def _address(self) -> ExecutionSection:
        if self.cluster is not None:
            check_cluster_address(self.cluster)
        if self.workers is not None and self.cluster != "local":
            raise ValueError("workers goes with cluster: local (a remote cluster has its own)")
        return self


#: Schemes a Dask scheduler address may use.
CLUSTER_SCHEMES = ("tcp", "tls", "ucx", "inproc", "ws", "wss")


def check_cluster_address(address: str) -> str:
    """``address`` if it is ``local`` or ``scheme://host:port``; else a ValueError naming it."""
    scheme, sep, rest = address.partition("://")
    if address == "local" or (sep and scheme in CLUSTER_SCHEMES and rest):
        return address
    raise ValueError(
        f"cluster: {address!r} is not a Dask scheduler address; give 'local' or "
        f"scheme://host:port with scheme {', '.join(CLUSTER_SCHEMES)} (e.g. tcp://10.0.0.5:8786)"
    )


class Plan(_Section):
    """The whole plan file."""

    project: ProjectSection
    data: DataSection
    metric: MetricSection
    baselines: BaselinesSection = Field(default_factory=lambda: BaselinesSection())
    models: list[ModelEntry] = Field(default_factory=list)
    gate: GateSection = Field(default_factory=lambda: GateSection())
    advice: AdviceSection = Field(default_factory=lambda: AdviceSection())
    execution: ExecutionSection = Field(default_factory=lambda: ExecutionSection())
    #: Report folder; default ``<plan name>-out`` beside the plan (``mlplan-out`` for mlplan.yaml).
    output: str | None = None
