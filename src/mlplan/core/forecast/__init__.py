"""How much data, and at what cost: learning curves and their extrapolation.

- :func:`extrapolate` -- one observed curve to larger sizes (up to
  :data:`HORIZON_CAP` x today), with a calibrated 80 % interval, optionally
  anchored on today's test score, and :meth:`Extrapolation.size_for`;
- :func:`learning_curves` -- the plan's metric on growing training subsets;
- :func:`forecast_from_curves` -- curves to the data each target needs and its cost.
"""

from mlplan.core.forecast.calibration import HORIZON_CAP, Calibration
from mlplan.core.forecast.curves import geometric_sizes, learning_curves
from mlplan.core.forecast.extrapolate import Extrapolation, SizeEstimate, extrapolate
from mlplan.core.forecast.needs import forecast_from_curves

__all__ = [
    "HORIZON_CAP",
    "Calibration",
    "Extrapolation",
    "SizeEstimate",
    "extrapolate",
    "forecast_from_curves",
    "geometric_sizes",
    "learning_curves",
]
