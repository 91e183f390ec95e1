"""The gate's rules: one record per rule, and how each comparison is judged.

Every rule says what was compared, the numbers, the interval, which test decided
and why it passed or failed.  Judgements:

``non_inferiority``
    ``candidate - champion >= -margin`` on the *lower bound* of the paired
    interval (oriented so that positive means better).
``floor``
    The candidate's value meets the floor (point estimate, or the lower bound of
    its interval when the plan says ``floors_on: lower_bound``).
``must_beat``
    The candidate is better than the baseline: the paired interval excludes 0.
``constraint``
    The policy's constraints hold at the candidate's operating point.
``test_set``
    The test ids and labels are those the champion was accepted on.

A rule whose number cannot be computed fails; it never passes.
"""

from __future__ import annotations

import math

from mlplan.records.gate import RuleKind, RuleResult
from mlplan.records.paired import PairedResult

__all__ = [
    "RuleKind",
    "RuleResult",
    "failed_to_compute",
    "judge_must_beat",
    "judge_non_inferiority",
    "oriented",
]


def oriented(c: PairedResult) -> tuple[float, float | None, float | None]:
    """``(gain, lo, hi)`` of the candidate with "positive is better" for any metric direction."""
    return c.difference, c.lo, c.hi


def _test_name(c: PairedResult, confidence: float) -> str:
    pct = f"{confidence:.0%}"
    if c.test == "delong":
        return f"DeLong {pct} interval"
    return f"{pct} paired bootstrap interval"


def _p(c: PairedResult) -> str:
    if c.p_value is None:
        return ""
    name = "DeLong" if c.test == "delong" else "McNemar"
    return f", {name} p={c.p_value:.3g}"


def _finite(*values: float | None) -> bool:
    return all(v is not None and math.isfinite(v) for v in values)


def failed_to_compute(
    rule_id: str,
    kind: RuleKind,
    title: str,
    reason: str,
    *,
    metric: str | None = None,
    against: str | None = None,
) -> RuleResult:
    """A rule whose number could not be computed: a failure, never a pass."""
    return RuleResult(
        id=rule_id,
        kind=kind,
        title=title,
        status="fail",
        metric=metric,
        against=against,
        decided_by="not computable",
        message=f"cannot be computed: {reason}",
    )


def _undefined(
    c: PairedResult, rule_id: str, kind: RuleKind, title: str, against: str
) -> RuleResult:
    """The failed rule for a paired comparison whose value or interval is undefined."""
    return failed_to_compute(
        rule_id,
        kind,
        title,
        f"{c.metric} or its interval is undefined here",
        metric=c.metric,
        against=against,
    )


def _paired_result(
    c: PairedResult,
    *,
    rule_id: str,
    kind: RuleKind,
    title: str,
    against: str,
    passed: bool,
    better: bool,
    decided_by: str,
    message: str,
) -> RuleResult:
    """The rule record of a judged paired comparison (candidate is ``b``, reference ``a``)."""
    return RuleResult(
        id=rule_id,
        kind=kind,
        title=title,
        status="pass" if passed else "fail",
        metric=c.metric,
        against=against,
        candidate=c.value_b,
        reference=c.value_a,
        difference=c.difference,
        lo=c.lo,
        hi=c.hi,
        p_value=c.p_value,
        decided_by=decided_by,
        better=better,
        message=message,
    )


def judge_non_inferiority(
    c: PairedResult, *, key: str, margin: float, against: str, confidence: float
) -> RuleResult:
    """Pass iff the lower bound of the oriented paired interval is ``>= -margin``."""
    rule_id = f"non_inferiority.{key}"
    title = f"{c.metric}: candidate - {against} >= -{margin:g}"
    gain, lo, hi = oriented(c)
    if not _finite(c.value_a, c.value_b, lo, hi):
        return _undefined(c, rule_id, "non_inferiority", title, against)
    assert lo is not None and hi is not None
    ok = lo >= -margin
    better = lo > 0
    test = _test_name(c, confidence)
    verdict = "better" if better else ("not worse" if ok else "worse")
    why = (
        f"{c.metric} {c.value_b:.4f} vs {against} {c.value_a:.4f}: change {gain:+.4f}, "
        f"{test} [{lo:+.4f}, {hi:+.4f}] (oriented: positive is better){_p(c)}; "
        f"{verdict}: lower bound {lo:+.4f} {'>=' if ok else '<'} -{margin:g}"
    )
    if ok and not better and hi > 0:
        why += "; the gain is within noise"
    return _paired_result(
        c,
        rule_id=rule_id,
        kind="non_inferiority",
        title=title,
        against=against,
        passed=ok,
        better=better,
        decided_by=f"lower bound of the {test}",
        message=why,
    )


def _verdict(lo: float, hi: float) -> str:
    """How an oriented interval (positive = candidate better) reads."""
    if lo > 0:
        return "better: the interval lies above 0"
    if hi < 0:
        return "worse: the interval lies below 0"
    return "the interval contains 0: not shown better"


def judge_must_beat(c: PairedResult, *, against: str, confidence: float) -> RuleResult:
    """Pass iff the candidate is better than the baseline: the interval excludes 0."""
    rule_id = f"must_beat.{against}"
    title = f"{c.metric}: candidate better than {against}"
    gain, lo, hi = oriented(c)
    if not _finite(c.value_a, c.value_b, lo, hi):
        return _undefined(c, rule_id, "must_beat", title, against)
    assert lo is not None and hi is not None
    better = lo > 0
    test = _test_name(c, confidence)
    why = (
        f"{c.metric} {c.value_b:.4f} vs {against} {c.value_a:.4f}: change {gain:+.4f}, "
        f"{test} [{lo:+.4f}, {hi:+.4f}]{_p(c)}; " + _verdict(lo, hi)
    )
    return _paired_result(
        c,
        rule_id=rule_id,
        kind="must_beat",
        title=title,
        against=against,
        passed=better,
        better=better,
        decided_by=f"{test} excludes 0",
        message=why,
    )
