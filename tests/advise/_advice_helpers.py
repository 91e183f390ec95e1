"""Helpers for advice tests: judge one rule, and narrow real evidence."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mlplan.core.advise import judge, rule_by_code
from mlplan.records.advice import Finding
from mlplan.records.evidence import Evidence


def check(code: str, evidence: Evidence) -> Finding:
    """The finding of rule ``code`` on ``evidence`` (through the engine)."""
    rule = rule_by_code(code)
    assert rule is not None
    found = judge(evidence, rules=[rule]).findings[0]
    assert found.code == code
    return found


def keep(evidence: Evidence, *names: str, **changes: Any) -> Evidence:
    """The same evidence restricted to the named evaluations (and their comparisons)."""
    evaluations = tuple(e for e in evidence.evaluations if e.name in names)
    comparisons = tuple(
        c for c in evidence.comparisons if c.candidate in names and c.baseline in names
    )
    return replace(evidence, evaluations=evaluations, comparisons=comparisons, **changes)
