"""The gate's paired rules: one record per rule, judged with three outcomes.

Every rule says what was compared, the numbers, the interval, the p-value of the
same hypothesis (:mod:`mlplan.core.gate.evidence`), what the test set resolves and
why it passed.  With the oriented difference ``d = candidate - reference``
(positive is better) and its paired interval ``[lo, hi]``:

``non_inferiority`` (against the champion, margin ``m >= 0``)
    *pass* when ``lo >= -m`` (non-inferiority shown; *better* when ``lo > 0``),
    *regression* when ``hi < -m`` (shown worse than allowed), *inconclusive*
    otherwise -- with the rows that would decide it.
``best_baseline`` (against the best ladder rung on the test rows)
    *regression* when ``hi < 0`` (shown worse than the best baseline); *pass*
    otherwise: equal within noise passes.
``must_beat`` (only the rungs the plan lists)
    *pass* when ``lo > 0`` (significantly better), *regression* when ``hi < 0``,
    *inconclusive* otherwise.

A rule whose number cannot be computed has status ``fail``; it never passes.
"""

from __future__ import annotations

import math

import numpy as np

from mlplan.core.gate.evidence import (
    decidable_margin,
    p_value,
    resolution,
    rows_needed,
    standard_error,
)
from mlplan.records.gate import RuleKind, RuleResult, RuleStatus
from mlplan.records.paired import PairedResult

__all__ = [
    "failed_to_compute",
    "fmt",
    "judge_best_baseline",
    "judge_must_beat",
    "judge_non_inferiority",
]


def fmt(value: float, signed: bool = False) -> str:
    """Four decimals below 100 (four significant digits above), ``+`` when ``signed``."""
    value = 0.0 if value == 0 else value
    sign = "+" if signed else ""
    return f"{value:{sign}.4f}" if abs(value) < 100 else f"{value:{sign}.4g}"


def _rows(n: int | None) -> str:
    return "an unknown number of" if n is None else f"{n:,}"


def _test_name(c: PairedResult, confidence: float) -> str:
    pct = f"{confidence:.0%}"
    if c.test == "delong":
        return f"DeLong {pct} interval"
    return f"{pct} paired bootstrap interval"


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
    """A rule whose number could not be computed: status ``fail``, never a pass."""
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


def _numbers(c: PairedResult, against: str, confidence: float, null: float) -> str:
    """The comparison's numbers in one clause, p-value of "change = null" included."""
    assert c.lo is not None and c.hi is not None
    direction = "" if c.higher_is_better else " (lower is better)"
    p = p_value(c, null, confidence)
    p_text = ""
    if p is not None:
        shown = f"p={p:.3g}"
        if p == 0.0 and c.draws is not None and np.size(c.draws):
            shown = f"p<{1.0 / np.size(c.draws):.2g}"  # no resample reached the null
        p_text = f", {shown} for change = {fmt(null, signed=True)}"
    return (
        f"{c.metric}{direction} {fmt(c.value_b)} vs {against} {fmt(c.value_a)}: "
        f"change {fmt(c.difference, signed=True)} (positive = better), "
        f"{_test_name(c, confidence)} [{fmt(c.lo, True)}, {fmt(c.hi, True)}]{p_text}"
    )


def _record(
    c: PairedResult,
    *,
    rule_id: str,
    kind: RuleKind,
    title: str,
    against: str,
    status: RuleStatus,
    null: float,
    confidence: float,
    decided_by: str,
    message: str,
    margin: float | None = None,
    margin_note: str = "",
    needed: int | None = None,
) -> RuleResult:
    """The rule record of a judged paired comparison (candidate is ``b``, reference ``a``)."""
    return RuleResult(
        id=rule_id,
        kind=kind,
        title=title,
        status=status,
        metric=c.metric,
        against=against,
        candidate=c.value_b,
        reference=c.value_a,
        difference=c.difference,
        lo=c.lo,
        hi=c.hi,
        margin=margin,
        margin_note=margin_note,
        p_value=p_value(c, null, confidence),
        null=null,
        resolution=resolution(c),
        rows_needed=needed,
        decided_by=decided_by,
        better=c.lo is not None and c.lo > 0,
        message=message,
    )


def _undefined(
    c: PairedResult, rule_id: str, kind: RuleKind, title: str, against: str
) -> RuleResult | None:
    if _finite(c.value_a, c.value_b, c.lo, c.hi):
        return None
    return failed_to_compute(
        rule_id,
        kind,
        title,
        f"{c.metric} or its interval is undefined here",
        metric=c.metric,
        against=against,
    )


def judge_non_inferiority(
    c: PairedResult,
    *,
    key: str,
    margin: float,
    margin_note: str,
    against: str,
    confidence: float,
    power: float,
) -> RuleResult:
    """Pass when ``lo >= -margin``, regression when ``hi < -margin``, else inconclusive."""
    rule_id = f"non_inferiority.{key}"
    title = f"{c.metric}: candidate - {against} >= -{fmt(margin)}"
    undefined = _undefined(c, rule_id, "non_inferiority", title, against)
    if undefined is not None:
        return undefined
    assert c.lo is not None and c.hi is not None
    needed = rows_needed(c, margin, confidence, power)
    half = resolution(c) or 0.0
    allowed = f"margin {fmt(margin)} [{margin_note}]"
    status: RuleStatus
    if c.lo >= -margin:
        status = "pass"
        if c.lo > 0:
            verdict = f"pass: better than {against} (the interval lies above 0)"
        else:
            verdict = (
                f"pass: not worse than {against} by more than the {allowed}: "
                f"lower bound {fmt(c.lo, True)} >= {fmt(-margin, True)}"
            )
            if c.difference > 0:
                verdict += "; the gain is within noise"
    elif c.hi < -margin:
        status = "regression"
        verdict = (
            f"regression: worse than {against} by more than the {allowed}: "
            f"upper bound {fmt(c.hi, True)} < {fmt(-margin, True)}"
        )
    else:
        status = "inconclusive"
        verdict = _undecided(c, margin, allowed, against, half, needed, confidence, power)
    return _record(
        c,
        rule_id=rule_id,
        kind="non_inferiority",
        title=title,
        against=against,
        status=status,
        null=-margin,
        confidence=confidence,
        decided_by=f"{_test_name(c, confidence)} against -margin",
        message=f"{_numbers(c, against, confidence, -margin)}; {verdict}",
        margin=margin,
        margin_note=margin_note,
        needed=needed,
    )


def _undecided(
    c: PairedResult,
    margin: float,
    allowed: str,
    against: str,
    half: float,
    needed: int | None,
    confidence: float,
    power: float,
) -> str:
    """Why a non-inferiority comparison is inconclusive, and what would decide it."""
    assert c.hi is not None
    if c.hi < 0:
        what = f"worse than {against} (the interval lies below 0), but not shown worse than the"
    else:
        change = "a gain" if c.difference > 0 else ("no change" if c.difference == 0 else "a drop")
        what = f"{change} within noise, neither shown within nor beyond the"
    text = (
        f"inconclusive: {what} {allowed}; the interval straddles {fmt(-margin, True)} and "
        f"these {c.n:,} rows resolve ±{fmt(half)}"
    )
    distance = abs(c.difference + margin)
    decide = rows_needed(c, distance, confidence, power) if distance > 0 else None
    if decide is not None and (needed is None or abs(decide - needed) > 0.1 * needed):
        text += f"; were the change truly {fmt(c.difference, True)}, about {decide:,} rows would decide it"
    text += (
        f"; an equally good candidate needs about {_rows(needed)} test rows to show "
        f"non-inferiority at this margin ({power:.0%} power)"
    )
    here = decidable_margin(c, confidence, power)
    if here is not None:
        text += f", or a margin of {fmt(here)} would be decided on these rows"
    return text


def judge_best_baseline(
    c: PairedResult, *, against: str, confidence: float, among: int
) -> RuleResult:
    """Regression when the candidate is shown worse than the best rung (``hi < 0``), else pass."""
    rule_id = "best_baseline"
    title = f"{c.metric}: not worse than the best baseline ({against})"
    undefined = _undefined(c, rule_id, "best_baseline", title, against)
    if undefined is not None:
        return undefined
    assert c.lo is not None and c.hi is not None
    best = f"{against}, the best of {among} rungs on the test rows" if among > 1 else against
    status: RuleStatus
    if c.hi < 0:
        status = "regression"
        verdict = f"regression: worse than {best} (the interval lies below 0)"
    elif c.lo > 0:
        status = "pass"
        verdict = f"pass: better than {best} (the interval lies above 0)"
    else:
        status = "pass"
        verdict = (
            f"pass: not shown worse than {best}; the difference is within noise "
            f"(±{fmt(resolution(c) or 0.0)})"
        )
    return _record(
        c,
        rule_id=rule_id,
        kind="best_baseline",
        title=title,
        against=against,
        status=status,
        null=0.0,
        confidence=confidence,
        decided_by=f"upper bound of the {_test_name(c, confidence)}",
        message=f"{_numbers(c, against, confidence, 0.0)}; {verdict}",
    )


def judge_must_beat(
    c: PairedResult, *, against: str, confidence: float, power: float
) -> RuleResult:
    """Pass when significantly better (``lo > 0``), regression when ``hi < 0``, else inconclusive."""
    rule_id = f"must_beat.{against}"
    title = f"{c.metric}: significantly better than {against}"
    undefined = _undefined(c, rule_id, "must_beat", title, against)
    if undefined is not None:
        return undefined
    assert c.lo is not None and c.hi is not None
    status: RuleStatus
    needed: int | None = None
    if c.lo > 0:
        status, verdict = "pass", "pass: better (the interval lies above 0)"
    elif c.hi < 0:
        status, verdict = "regression", "regression: worse (the interval lies below 0)"
    else:
        status = "inconclusive"
        verdict = (
            f"inconclusive: the interval contains 0, so a gain is not shown "
            f"(these {c.n:,} rows resolve ±{fmt(resolution(c) or 0.0)})"
        )
        se = standard_error(c, confidence)
        if c.difference > 0 and se:
            needed = rows_needed(c, c.difference, confidence, power)
            verdict += (
                f"; about {_rows(needed)} test rows would show a true gain of "
                f"{fmt(c.difference, True)} ({power:.0%} power)"
            )
        else:
            verdict += f"; the candidate is not ahead of {against}, more rows would not help"
    return _record(
        c,
        rule_id=rule_id,
        kind="must_beat",
        title=title,
        against=against,
        status=status,
        null=0.0,
        confidence=confidence,
        decided_by=f"{_test_name(c, confidence)} excludes 0",
        message=f"{_numbers(c, against, confidence, 0.0)}; {verdict}",
        needed=needed,
    )
