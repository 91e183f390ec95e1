"""One consistent diagnosis per run: no model sent to two stages.

Rules judge the same evidence independently, so two of them may propose
different stages for the same model (ADV005 "deploy" while ADV003 says "collect
data"), or one may propose a move while a finding about the whole run
(leakage, a meaningless metric) says the numbers cannot be trusted yet.
:func:`resolve` settles that before anything is printed: open findings are
ranked by :data:`PRECEDENCE`; a finding about the whole run (no ``subject``)
decides the stage of every other one, and otherwise the first finding about a
model decides that model's stage. A finding that proposed another stage keeps
its message and numbers, takes the deciding finding's stage, and says it is on
hold and for which finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from mlplan.records.advice import Finding

__all__ = ["PRECEDENCE", "conflicts", "resolve"]

#: Which finding decides first: the data and the plan before any model, then what is
#: wrong with a model before what to try next, deployment last.
PRECEDENCE = (
    "ADV012",  # possible leakage: no number can be trusted
    "ADV015",  # the test rows are unlike the training rows
    "ADV007",  # the metric cannot tell a model from a constant
    "ADV009",  # the requirement is beyond human performance
    "ADV011",  # the constraint is unreachable
    "ADV008",  # a rule matches every ML model
    "ADV001",  # a model is worse than a baseline
    "ADV014",  # more data will not reach the requirement
    "ADV004",  # underfitting
    "ADV003",  # overfitting that hurts
    "ADV002",  # no better than the best baseline
    "ADV006",  # requirement met by the point value only
    "ADV010",  # a published result far above
    "ADV013",  # weak slices
    "ADV005",  # requirement met: deploy
)


def _rank(finding: Finding) -> int:
    return PRECEDENCE.index(finding.code) if finding.code in PRECEDENCE else len(PRECEDENCE)


def _open(findings: Sequence[Finding]) -> list[Finding]:
    moving = [f for f in findings if f.outcome in ("issue", "tip") and f.stage is not None]
    return sorted(moving, key=_rank)


def conflicts(findings: Sequence[Finding]) -> list[tuple[Finding, Finding]]:
    """Pairs ``(decides, overruled)`` of open findings that send one subject to two stages."""
    ordered = _open(findings)
    run = next((f for f in ordered if f.subject is None), None)
    first: dict[str, Finding] = {}
    out = []
    for finding in ordered:
        if finding is run:
            continue
        decider = run or first.setdefault(finding.subject or "", finding)
        if decider is not finding and decider.stage != finding.stage:
            out.append((decider, finding))
    return out


def resolve(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """The findings with every conflicting stage settled (order kept)."""
    overruled = {id(f): decider for decider, f in conflicts(findings)}
    out = []
    for finding in findings:
        decider = overruled.get(id(finding))
        if decider is None:
            out.append(finding)
            continue
        who = finding.subject or "the project"
        out.append(
            replace(
                finding,
                stage=decider.stage,
                message=(
                    f'{finding.message} On hold: {decider.code} "{decider.title}" sends '
                    f"{who} to the {decider.stage} stage first."
                ),
                numbers={
                    **finding.numbers,
                    "proposed_stage": finding.stage,
                    "deferred_to": decider.code,
                },
            )
        )
    return tuple(out)
