"""The plan file: schema, loading and the ``init`` template."""

from mlplan.plan.load import PLAN_FILENAME, PlanFile, find_plan, load_plan, parse_plan
from mlplan.plan.schema import (
    BaselinesSection,
    DataSection,
    MetricSection,
    ModelEntry,
    Plan,
    ProjectSection,
    SplitSection,
)

__all__ = [
    "PLAN_FILENAME",
    "BaselinesSection",
    "DataSection",
    "MetricSection",
    "ModelEntry",
    "Plan",
    "PlanFile",
    "ProjectSection",
    "SplitSection",
    "find_plan",
    "load_plan",
    "parse_plan",
]
