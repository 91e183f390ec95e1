"""The report tests' projects: what they hold, and how they are built.

Names that come from the data or the plan hold markup and ``$`` on purpose: every
report must show them as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mlplan.records.gate import GateResult
from mlplan.records.run import RunResult

MARKUP = "<script>window.__pwned = 1</script>"
PROJECT = f"Delays {MARKUP}"
MODEL = "team $model$ <i>v1</i>"
COLUMNS = ("month", "sched_dep_time", "carrier", "origin", "dest", "distance", "time_hour")

PLAN = f"""\
project:
  name: '{PROJECT}'
  stage: training
data:
  path: flights.parquet
  target: late
  id: flight_id
  positive: true
  split: {{test_size: 0.25, time: time_hour}}
metric:
  optimise: recall
  subject_to: {{precision: ">= 0.3"}}
  resamples: 200
baselines:
  requirement: {{recall: REQUIREMENT}}
  published: [{{name: 'paper <b>bold</b>', recall: 0.6, source: a paper}}]
  human: [{{name: dispatcher, recall: 0.35, n_examples: 300}}]
  scripted: [{{name: evening rule, rule: "sched_dep_time >= 1700"}}]
  ladder: [dummy, linear]
  cv_folds: 3
models:
  - {{name: '{MODEL}', predictions: preds/team.parquet}}
gate:
  floors: {{recall: 0.2}}
  non_inferiority: {{metric: 0.02}}
  must_beat: []
"""


@dataclass(frozen=True)
class Project:
    folder: Path
    first: RunResult
    second: RunResult
    gates: tuple[GateResult, GateResult]
    #: Runs and events in the store once the project is built.
    stored: tuple[int, int] = (0, 0)

    @property
    def out(self) -> Path:
        return self.folder / "mlplan-out"


def _scores(table: pd.DataFrame, ids: pd.Series, noise: float, seed: int) -> pd.DataFrame:
    """A model 'trained elsewhere', as good as ``noise`` lets it be (a noisy oracle)."""
    late = table.set_index("flight_id").loc[ids, "late"].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    score = 1 / (1 + np.exp(-(2.0 * late - 1.0 + rng.normal(0, noise, late.size))))
    return pd.DataFrame({"flight_id": ids.to_numpy(), "score": score})


def _write_plan(folder: Path, requirement: float) -> None:
    (folder / "mlplan.yaml").write_text(PLAN.replace("REQUIREMENT", str(requirement)))


@dataclass(frozen=True)
class Reported:
    """What ``mlplan report --run 1`` and ``mlplan report --json`` printed (real entry point)."""

    earlier: str
    latest: dict
