"""Report records: what a run's report draws besides the run, the index of runs, what changed.

:class:`ReportInputs` carries what the run record itself does not hold: the
diagnostics of its models, the forecast and gate verdicts recorded while it was
the plan's latest run, and what kind of reference each declared name is.
:class:`IndexRow` is one run on the plan's index page; :class:`Change` one
line of the "what changed" view between two runs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mlplan._json import json_ready
from mlplan.records.diagnostics import RunDiagnostics
from mlplan.records.forecast import Forecast

__all__ = ["Change", "IndexPage", "IndexRow", "ReportFiles", "ReportInputs"]


@dataclass(frozen=True, kw_only=True)
class ReportInputs:
    """What a run's report shows besides the :class:`~mlplan.records.run.RunResult`.

    Attributes
    ----------
    diagnostics : RunDiagnostics or None
        Curves, confusion and calibration of the run's models (None when the
        test labels were not at hand, e.g. the data changed since the run).
    forecast : Forecast or None
        The forecast of the plan's metric to show when the run measured none.
    gates : tuple of dict
        Gate verdicts (``GateResult.to_dict()`` or stored gate events) judged
        against this run's baselines, oldest first.
    kinds : dict
        Declared or scripted name → ``published``, ``human`` or ``scripted``.
    notes : tuple of str
        What the report could not show, and why.
    """

    diagnostics: RunDiagnostics | None = None
    forecast: Forecast | None = None
    gates: tuple[dict[str, Any], ...] = ()
    kinds: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class IndexRow:
    """One stored run of the plan, as the index page lists it.

    ``value``, ``lo`` and ``hi`` are the best model's on the plan's metric at that
    run (``metric``); ``models`` maps every evaluated name to its ``value``, ``lo``,
    ``hi`` and ``threshold``; ``advice`` lists the open findings' codes;
    ``gates`` the verdicts recorded while it was the latest run; ``report`` the
    link to its report when one is written.
    """

    run_id: int
    finished_at: str
    stage: str
    metric: str
    best: str | None
    value: float | None
    lo: float | None
    hi: float | None
    requirement: dict[str, float]
    plan_hash: str
    data_fingerprint: str
    test_fingerprint: str
    git_sha: str | None
    n_train: int | None
    n_test: int | None
    models: dict[str, dict[str, float | None]] = field(default_factory=dict)
    advice: tuple[str, ...] = ()
    gates: tuple[str, ...] = ()
    report: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return json_ready(asdict(self))


@dataclass(frozen=True, kw_only=True)
class Change:
    """One thing that differs between two runs: what, and its value before and after."""

    what: str
    before: str
    after: str


@dataclass(frozen=True, kw_only=True)
class IndexPage:
    """Every run of a plan, the metric over them, and what changed between two of them."""

    project: str
    plan: str
    metric: str
    higher_is_better: bool
    requirement: float | None
    rows: tuple[IndexRow, ...]
    compared: tuple[int, int] | None = None
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return json_ready(asdict(self))


@dataclass(frozen=True, kw_only=True)
class ReportFiles:
    """What ``mlplan report`` wrote: the run's report, the index page, and every file."""

    run_id: int
    report: str
    index: str
    outputs: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
