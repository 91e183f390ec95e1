"""What more labelled data would do, read from the stored forecast: the learning curve's say.

Advice that sends a project back to collect data (ADV002, ADV003, ADV013) defers
to the learning curve when one exists: a flat curve, or a requirement the
forecast says no amount of data reaches (ADV014), means "collect data" is the
wrong next step. :func:`data_outlook` gives that verdict with its numbers; it
reads the payload ``mlplan forecast`` stores (``evidence.forecast``) and never
refits anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from mlplan.core.advise.text import fmt
from mlplan.records.evidence import Evidence

__all__ = ["FLAT_SHARE", "HORIZON", "Outlook", "data_outlook", "requirement_need"]

#: Data growth the outlook looks at: four times today's training rows.
HORIZON = 4.0
#: A forecast gain smaller than this (metric units for scores bounded in [0, 1], else a
#: share of today's value) at :data:`HORIZON` x today's data is a flat curve.
FLAT_SHARE = 0.01

Trend = Literal["rising", "flat", "uncertain", "unreachable", "unknown"]


@dataclass(frozen=True, slots=True)
class Outlook:
    """The learning curve's verdict on collecting more data.

    Attributes
    ----------
    trend : {"rising", "flat", "uncertain", "unreachable", "unknown"}
        ``rising``: the forecast gains at least the minimum at :data:`HORIZON` x
        today's data, with its 80 % interval above today; ``flat``: it gains less;
        ``uncertain``: it gains enough but the interval includes no gain;
        ``unreachable``: the forecast says no amount of data reaches the
        requirement; ``unknown``: no forecast for this metric.
    reason : str
        The verdict in words, with the numbers.
    rung : str or None
        The rung whose curve decided.
    gain : float or None
        Forecast gain at the horizon, oriented (positive = better).
    """

    trend: Trend
    reason: str
    rung: str | None = None
    gain: float | None = None

    @property
    def helps(self) -> bool | None:
        """True when more data helps, False when it does not, None when nobody knows."""
        if self.trend == "rising":
            return True
        if self.trend in ("flat", "unreachable"):
            return False
        return None


def requirement_need(evidence: Evidence) -> dict[str, Any] | None:
    """The forecast's entry for the plan's requirement (examples needed, reachable), if any."""
    forecast, target = evidence.forecast, evidence.requirement_target()
    if not forecast or target is None:
        return None
    return next((t for t in forecast.get("targets", []) if t.get("target") == target[1]), None)


def data_outlook(evidence: Evidence, rung: str | None = None) -> Outlook:
    """What the stored forecast says more data of this kind would do for ``rung``.

    ``rung`` defaults to the forecast's own (best) rung; a rung without a curve of
    its own is judged by that one.
    """
    forecast = evidence.forecast
    if not forecast:
        return Outlook("unknown", "no learning curve yet for this metric (mlplan forecast)")
    need = requirement_need(evidence)
    if need is not None and need.get("reachable") is False:
        name, level = evidence.requirement_target()  # type: ignore[misc]
        return Outlook(
            "unreachable",
            f"the learning curve of {forecast.get('rung')} levels off at "
            f"{fmt(forecast.get('ceiling'))}, short of the requirement {name} {fmt(level)}: no "
            "amount of data of this kind gets there (ADV014)",
            rung=forecast.get("rung"),
        )
    curves = {r.get("rung"): r for r in (forecast.get("forecast") or {}).get("rungs", [])}
    curve = curves.get(rung) or curves.get(forecast.get("rung"))
    n_train = forecast.get("n_train")
    if curve is None or not n_train:
        return Outlook("unknown", "the stored forecast has no learning curve to read")
    return _trend(evidence, curve, float(n_train))


def _trend(evidence: Evidence, curve: dict[str, Any], n_train: float) -> Outlook:
    sizes = np.log(np.asarray(curve["query_sizes"], dtype=float))
    mean = np.asarray(curve["mean"], dtype=float)
    hib = evidence.higher_is_better
    pessimistic = np.asarray(curve["lo"] if hib else curve["hi"], dtype=float)
    today = curve.get("today")
    today = float(np.interp(math.log(n_train), sizes, mean)) if today is None else float(today)
    later = float(np.interp(math.log(HORIZON * n_train), sizes, mean))
    worst = float(np.interp(math.log(HORIZON * n_train), sizes, pessimistic))
    sign = 1.0 if hib else -1.0
    gain = sign * (later - today)
    bounded = min(today, later) >= 0.0 and max(today, later) <= 1.0
    least = FLAT_SHARE if bounded else FLAT_SHARE * abs(today)
    name = curve.get("rung")
    numbers = (
        f"the learning curve of {name} forecasts {fmt(later)} (80% interval, pessimistic end "
        f"{fmt(worst)}) at {HORIZON:g}x today's {n_train:,.0f} training rows, against "
        f"{fmt(today)} today"
    )
    if gain < least:
        return Outlook(
            "flat",
            f"{numbers}: a gain of {gain:+.3g}, below the {least:.3g} worth collecting for "
            "(flat curve)",
            rung=name,
            gain=gain,
        )
    if sign * (worst - today) > 0:
        return Outlook("rising", f"{numbers}: more data helps", rung=name, gain=gain)
    return Outlook(
        "uncertain",
        f"{numbers}: a gain of {gain:+.3g}, but the interval includes none",
        rung=name,
        gain=gain,
    )
