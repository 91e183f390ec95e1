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

from mlplan.core.metrics.definitions import METRIC_NAMES, higher_is_better, metric_names
from mlplan.core.metrics.formula import Formula, parse_formula
from mlplan.core.metrics.operating_point import OperatingPoint, operating_point
from mlplan.core.metrics.paired import compare, mcnemar_counts, paired_table
from mlplan.core.metrics.policy import MetricPolicy, PolicyResult
from mlplan.core.metrics.policy_spec import policy_from_section
from mlplan.core.metrics.standard import standard_metrics
from mlplan.core.metrics.streaming import StreamedCounts, stream_counts
from mlplan.records.paired import PairedModel, PairedResult

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
