"""Learning-curve forecasting: extrapolate scores to more data, with intervals."""

from mlplan.forecast.extrapolate import Extrapolation, SizeEstimate, extrapolate

__all__ = ["Extrapolation", "SizeEstimate", "extrapolate"]
