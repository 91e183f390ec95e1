"""How numbers read in every report: counts as integers, intervals on one line, dashes for none.

One Jinja environment (:func:`report_environment`) carries these filters for the
run report, the index page, the one-pagers and the notebook displays.
"""

from __future__ import annotations

import base64
import math
from typing import Any

from jinja2 import Environment

from mlplan.io.report.templating import packaged_text, template_environment

__all__ = ["COUNT_KEYS", "count", "interval", "metric_cell", "num", "png_uri", "report_environment"]

#: Metric names whose values are counts of rows (shown as integers).
COUNT_KEYS = frozenset({"tp", "fp", "tn", "fn", "n", "support", "n_rows", "rows"})


def num(value: Any, digits: int = 3) -> str:
    """A float with ``digits`` decimals, an int as is, None (or NaN) as a dash.

    Examples
    --------
    >>> num(0.46123), num(None), num(12)
    ('0.461', '–', '12')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def count(value: Any) -> str:
    """A count as an integer with thousands separators: ``2827.0`` → ``2,827``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{round(float(value)):,}"


def interval(lo: Any, hi: Any, digits: int = 3) -> str:
    """``[0.416, 0.498]``, or a dash when an end is missing."""
    if lo is None or hi is None:
        return "–"
    return f"[{num(lo, digits)}, {num(hi, digits)}]"


def metric_cell(value: Any, key: str, digits: int = 3) -> str:
    """A metric's cell: counts (``tp``, ``n`` ...) as integers, the rest with decimals."""
    return count(value) if key in COUNT_KEYS else num(value, digits)


def png_uri(data: bytes) -> str:
    """A PNG as a ``data:`` URI, so the page needs no other file."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def report_environment() -> Environment:
    """The packaged templates with mlplan's number filters and the shared stylesheet."""
    env = template_environment()
    env.filters["num"] = num
    env.filters["count"] = count
    env.filters["metric"] = metric_cell
    env.globals["interval"] = interval
    env.globals["stylesheet"] = packaged_text("report.css")
    return env
