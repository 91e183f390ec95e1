"""Writing a forecast's chart (PNG and SVG) and JSON beside the plan's other reports."""

from __future__ import annotations

import json
from pathlib import Path

from mlplan.forecast.chart import forecast_chart
from mlplan.forecast.datasize import Forecast
from mlplan.plan.load import PlanFile, load_plan

__all__ = ["write_forecast"]


def write_forecast(result: Forecast, plan: str | Path | PlanFile | None = None) -> list[Path]:
    """Write ``forecast.png``, ``forecast.svg`` and ``forecast.json`` into the output folder."""
    plan_file = plan if isinstance(plan, PlanFile) else load_plan(plan)
    folder = plan_file.resolve(plan_file.plan.output)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "forecast.png", folder / "forecast.svg", folder / "forecast.json"]
    contents = [
        forecast_chart(result, image_format="png"),
        forecast_chart(result, image_format="svg"),
        json.dumps(result.to_dict(), indent=2).encode(),
    ]
    for path, content in zip(paths, contents, strict=True):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
    return paths
