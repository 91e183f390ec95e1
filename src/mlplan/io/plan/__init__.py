"""Reading plan and ideas files: safe YAML, the schema, errors with file and line."""

from mlplan.io.plan.ideas import IdeasFile, load_ideas
from mlplan.io.plan.load import PLAN_FILENAME, PlanFile, find_plan, load_plan, parse_plan

__all__ = [
    "PLAN_FILENAME",
    "IdeasFile",
    "PlanFile",
    "find_plan",
    "load_ideas",
    "load_plan",
    "parse_plan",
]
