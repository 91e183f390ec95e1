"""The metric engine: one number to optimise, exact operating points, honest uncertainty.

Public entry points
-------------------
- :func:`standard_metrics` -- every cheap metric of one set of predictions;
- :func:`operating_point` -- the exact constrained threshold of binary scores;
- :func:`policy_from_section` / :class:`MetricPolicy` -- the plan's one number
  with a bootstrap interval (:class:`PolicyResult`);
- :func:`paired_table` -- a candidate against opponents on several metrics at once,
  on the same rows (:class:`PairedModel` in, :class:`PairedResult` out);
  :func:`compare` is its two-model, one-metric case;
- :func:`stream_counts` -- exact confusion counts of files larger than memory.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it (imported on first use, so that
#: importing one light module of the package does not load its heavy ones).
_EXPORTS = {
    "METRIC_NAMES": "mlplan.core.metrics.definitions",
    "Formula": "mlplan.core.metrics.formula",
    "MetricPolicy": "mlplan.core.metrics.policy",
    "OperatingPoint": "mlplan.core.metrics.operating_point",
    "PairedModel": "mlplan.records.paired",
    "PairedResult": "mlplan.records.paired",
    "PolicyResult": "mlplan.core.metrics.policy_result",
    "StreamedCounts": "mlplan.core.metrics.streaming",
    "compare": "mlplan.core.metrics.paired",
    "higher_is_better": "mlplan.core.metrics.definitions",
    "mcnemar_counts": "mlplan.core.metrics.paired",
    "metric_names": "mlplan.core.metrics.definitions",
    "operating_point": "mlplan.core.metrics.operating_point",
    "paired_table": "mlplan.core.metrics.paired",
    "parse_formula": "mlplan.core.metrics.formula",
    "policy_from_section": "mlplan.core.metrics.policy_spec",
    "standard_metrics": "mlplan.core.metrics.standard",
    "stream_counts": "mlplan.core.metrics.streaming",
}

__all__ = [
    "METRIC_NAMES",
    "Formula",
    "MetricPolicy",
    "OperatingPoint",
    "PairedModel",
    "PairedResult",
    "PolicyResult",
    "StreamedCounts",
    "compare",
    "higher_is_better",
    "mcnemar_counts",
    "metric_names",
    "operating_point",
    "paired_table",
    "parse_formula",
    "policy_from_section",
    "standard_metrics",
    "stream_counts",
]

# ``operating_point`` is both a submodule and its function: bind the function now, or the
# submodule (set on this package when first imported) would shadow it
from mlplan.core.metrics.operating_point import operating_point  # noqa: E402

if TYPE_CHECKING:
    from mlplan.core.metrics.definitions import METRIC_NAMES, higher_is_better, metric_names
    from mlplan.core.metrics.formula import Formula, parse_formula
    from mlplan.core.metrics.operating_point import OperatingPoint, operating_point
    from mlplan.core.metrics.paired import compare, mcnemar_counts, paired_table
    from mlplan.core.metrics.policy import MetricPolicy
    from mlplan.core.metrics.policy_result import PolicyResult
    from mlplan.core.metrics.policy_spec import policy_from_section
    from mlplan.core.metrics.standard import standard_metrics
    from mlplan.core.metrics.streaming import StreamedCounts, stream_counts
    from mlplan.records.paired import PairedModel, PairedResult


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
