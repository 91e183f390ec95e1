"""``mlplan split``: freeze the held-out test rows (or show them) and export their ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlplan.app.context import Context, PlanRef
from mlplan.io.data.export import export_split

__all__ = ["split"]


def split(plan: PlanRef = None, *, export: str | Path | None = None) -> dict[str, Any]:
    """Freeze (or reuse) the test split and optionally export its id files.

    Returns a summary with the strategy, sizes, fingerprints and written paths.
    """
    with Context(plan) as ctx:
        frozen = ctx.split
        written: list[str] = []
        if export is not None:
            written = [str(p) for p in export_split(ctx.dataset, frozen, export)]
        if ctx.new_split:
            ctx.commit()
        return {
            "plan": ctx.key,
            "strategy": frozen.strategy,
            "n_train": len(frozen.train_ids),
            "n_test": len(frozen.test_ids),
            "test_fingerprint": frozen.test_fingerprint,
            "data_fingerprint": ctx.dataset.fingerprint,
            "note": ctx.split_note,
            "written": written,
        }
