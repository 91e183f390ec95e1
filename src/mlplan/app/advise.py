"""``mlplan advise``: judge a stored run with every advice rule."""

from __future__ import annotations

from mlplan.app.context import Context, PlanRef
from mlplan.app.evidence import stored_evidence
from mlplan.core.advise.engine import judge
from mlplan.records.advice import Advice

__all__ = ["advise"]


def advise(plan: PlanRef = None, *, run_id: int | None = None) -> Advice:
    """Judge a run of the plan (default: the latest) with every advice rule.

    Nothing is stored: the advice of a run is stored by the run itself, and
    accepting a finding (``mlplan advise --accept``) records a decision.

    Parameters
    ----------
    plan : str or Path, optional
        The plan file or its folder (default ``./mlplan.yaml``).
    run_id : int, optional
        The run to judge (default: the latest).

    Returns
    -------
    Advice
        Findings grouped as issues, tips, muted, passed and not applicable.

    Examples
    --------
    >>> advice = advise("examples/flights")          # doctest: +SKIP
    >>> [f.code for f in advice.open]                # doctest: +SKIP
    ['ADV004', 'ADV013']
    """
    with Context(plan) as ctx:
        return judge(stored_evidence(ctx, run_id), mute=ctx.plan.advice.mute)
