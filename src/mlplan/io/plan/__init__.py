"""Reading plan and ideas files (``load.py``, ``ideas.py``): safe YAML, the schema, errors
with file and line."""

from mlplan.io.plan.load import PLAN_FILENAME, PlanFile, find_plan, load_plan, parse_plan

__all__ = ["PLAN_FILENAME", "PlanFile", "find_plan", "load_plan", "parse_plan"]
