"""The time budget in practice: time each rung on a pilot sample, then sample down or skip."""

from __future__ import annotations

import time
from collections.abc import Callable
from warnings import catch_warnings, simplefilter

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from mlplan.core.baselines.budget import allocate
from mlplan.core.baselines.jobs import predict_encoded
from mlplan.core.baselines.resolve import ResolvedRung
from mlplan.core.baselines.sampling import sample_mask
from mlplan.core.data.columns import ColumnKind
from mlplan.core.data.dataset import Dataset
from mlplan.records.ladder import BudgetDecision

__all__ = ["PILOT_ROWS", "apply_budget"]

Progress = Callable[[str, int, int], None]

PILOT_ROWS = 500


def apply_budget(
    seconds: float,
    start: float,
    runnable: list[ResolvedRung],
    frames: dict[str, tuple[pd.DataFrame, dict[str, ColumnKind]]],
    train_pos: np.ndarray,
    y_train: np.ndarray,
    dataset: Dataset,
    balanced: bool,
    n_folds: int,
    n_jobs: int,
    seed: int,
    caps: dict[str, tuple[int, str]],
    cv_caps: dict[str, int],
    on_progress: Progress | None,
) -> tuple[BudgetDecision, ...]:
    """Time each trained rung on a pilot sample, then sample down or skip to fit the budget."""
    timed = [r for r in runnable if r.spec is None or r.spec.learns]
    if not timed:
        return ()
    n_pilot = min(PILOT_ROWS, len(train_pos))
    pilot_pos = np.flatnonzero(
        sample_mask(len(train_pos), n_pilot, y_train, dataset.task, seed + 1)
    )
    half_pos = pilot_pos[sample_mask(n_pilot, n_pilot // 2, y_train[pilot_pos], dataset.task, seed)]
    pilots: dict[str, tuple[float, int, float, float]] = {}
    for i, rung in enumerate(timed):
        if on_progress is not None:
            on_progress(f"timing {rung.name} on {n_pilot} rows", i, len(timed))
        frame, kinds = frames[rung.features]

        def timed_fit(
            pos: np.ndarray,
            rung: ResolvedRung = rung,
            frame: pd.DataFrame = frame,
            kinds: dict[str, ColumnKind] = kinds,
        ) -> float:
            X = frame.iloc[train_pos[pos]]
            began = time.perf_counter()
            with threadpool_limits(1), catch_warnings():
                simplefilter("ignore", ConvergenceWarning)
                model = rung.build(dataset.task, kinds, balanced)
                model.fit(X, y_train[pos])
                predict_encoded(model, X, dataset.task, len(dataset.classes))
            return time.perf_counter() - began

        timed_fit(half_pos)  # warm-up: imports and first-call costs are not per fit
        small, full = timed_fit(half_pos), timed_fit(pilot_pos)
        # two points of fixed + c·n: the fixed part is what halving the rows leaves
        fixed = min(max(2 * small - full, 0.0), 0.9 * full) if 2 * len(half_pos) == n_pilot else 0.0
        growth = rung.spec.growth if rung.spec is not None else 1.0
        pilots[rung.name] = (full, n_pilot, growth, fixed)
    decisions = allocate(
        budget=seconds,
        spent=time.perf_counter() - start,
        n_rows=len(train_pos),
        n_folds=n_folds,
        n_jobs=n_jobs,
        pilots=pilots,
        order=[r.name for r in timed],
        caps={
            r.name: (caps[r.name][0] if r.name in caps else None, cv_caps.get(r.name))
            for r in timed
        },
    )
    for decision in decisions:
        if decision.action == "sampled":
            cap = caps.get(decision.rung, (len(train_pos), ""))[0]
            if decision.rows < cap:
                caps[decision.rung] = (decision.rows, f"budget: {decision.note}")
    return decisions
