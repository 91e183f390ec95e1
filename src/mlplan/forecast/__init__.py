"""How much data, and at what cost: learning curves and their extrapolation.

- :func:`extrapolate` -- one observed curve to larger sizes, with a calibrated
  80 % interval and :meth:`Extrapolation.size_for`;
- :func:`learning_curves` -- the plan's metric on growing training subsets;
- :func:`forecast` -- the ``mlplan forecast`` command: curves, data needed per
  target, labelling cost, stored as a ``forecast`` event.
"""

from mlplan.forecast.curves import LearningCurve, geometric_sizes, learning_curves
from mlplan.forecast.datasize import Forecast, RungForecast, TargetNeed, forecast
from mlplan.forecast.extrapolate import Extrapolation, SizeEstimate, extrapolate

__all__ = [
    "Extrapolation",
    "Forecast",
    "LearningCurve",
    "RungForecast",
    "SizeEstimate",
    "TargetNeed",
    "extrapolate",
    "forecast",
    "geometric_sizes",
    "learning_curves",
]
