"""Writing a forecast's chart (PNG and SVG) and JSON beside the plan's other reports."""

from __future__ import annotations

import json
from pathlib import Path

from mlplan.io.report.files import write_atomically
from mlplan.io.report.forecast_chart import forecast_chart
from mlplan.records.forecast import Forecast

__all__ = ["write_forecast"]


def write_forecast(result: Forecast, folder: str | Path) -> dict[str, Path]:
    """Write ``forecast.png``, ``forecast.svg`` and ``forecast.json`` into ``folder``."""
    out = Path(folder)
    return {
        "png_forecast": write_atomically(
            out / "forecast.png", forecast_chart(result, image_format="png")
        ),
        "svg_forecast": write_atomically(
            out / "forecast.svg", forecast_chart(result, image_format="svg")
        ),
        "json_forecast": write_atomically(
            out / "forecast.json", json.dumps(result.to_dict(), indent=2)
        ),
    }
