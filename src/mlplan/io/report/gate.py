"""Rendering a :class:`GateResult`: the shared cells, JSON, JUnit XML and Markdown.

Nothing here computes; every number comes from the result's rule records.
JUnit XML has one ``<testcase>`` per rule, built with :mod:`xml.etree.ElementTree`
so any CI system's parser reads it:

* ``regression`` and ``fail`` rules carry ``<failure type="regression">`` /
  ``<failure type="fail">``;
* ``inconclusive`` rules carry ``<failure type="inconclusive">`` when
  ``gate.on_inconclusive`` is ``fail`` (the default), and ``<skipped
  message="inconclusive: ...">`` when it is ``pass`` -- so the CI's test report
  agrees with the exit code, and the message says what would decide it;
* ``skip`` rules carry ``<skipped>``; passing rules a ``<system-out>`` with the
  numbers.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from mlplan.core.gate.rules import fmt
from mlplan.records.gate import OPTIMISTIC, GateResult, RuleResult

__all__ = [
    "MARK",
    "change",
    "headline",
    "interval",
    "num",
    "outcome_word",
    "p_cell",
    "resolution_cell",
    "rows_cell",
    "summary",
    "to_json",
    "to_junit_xml",
    "to_markdown",
    "write_text",
]

MARK = {
    "pass": "PASS",
    "regression": "REGRESSION",
    "inconclusive": "INCONCLUSIVE",
    "fail": "FAIL",
    "skip": "skip",
}
_EMOJI = {"pass": "✅", "regression": "❌", "inconclusive": "❔", "fail": "⛔", "skip": "⏭️"}
_STATUSES = ("pass", "regression", "inconclusive", "fail", "skip")


def num(value: float | None) -> str:
    """Four significant digits, or a dash."""
    return "–" if value is None else fmt(value)


def change(rule: RuleResult) -> str:
    """The oriented change of a paired rule (positive is better)."""
    if rule.difference is None or rule.kind in ("floor", "constraint"):
        return "–"
    return fmt(rule.difference, signed=True)


def interval(rule: RuleResult) -> str:
    """The rule's interval (signed for paired rules)."""
    if rule.lo is None or rule.hi is None:
        return "–"
    signed = rule.kind in ("non_inferiority", "must_beat", "best_baseline")
    return f"[{fmt(rule.lo, signed)}, {fmt(rule.hi, signed)}]"


def p_cell(rule: RuleResult) -> str:
    """The p-value and the null it tests (``0.003 @-0.01``)."""
    if rule.p_value is None:
        return "–"
    p = "<0.001" if rule.p_value < 0.001 else f"{rule.p_value:.3g}"
    null = "" if not rule.null else f" @{fmt(rule.null, signed=True)}"
    return p + null


def resolution_cell(rule: RuleResult) -> str:
    """What the test set resolves for this comparison: ``±0.012``."""
    return "–" if rule.resolution is None else f"±{fmt(rule.resolution)}"


def rows_cell(rule: RuleResult) -> str:
    """Rows an equally good candidate needs to show non-inferiority at the rule's margin."""
    if rule.kind != "non_inferiority" or rule.status == "skip" or rule.lo is None:
        return "–"
    if rule.rows_needed is None:
        return "never (margin 0)"
    return f"{rule.rows_needed:,}"


def outcome_word(result: GateResult) -> str:
    """PASSED, REGRESSION, FAILED or INCONCLUSIVE (and whether that fails)."""
    outcome = result.outcome
    if outcome == "inconclusive":
        verdict = "fails" if result.on_inconclusive == "fail" else "passes"
        return f"INCONCLUSIVE ({verdict}: gate.on_inconclusive is {result.on_inconclusive})"
    return {"pass": "PASSED", "regression": "REGRESSION", "fail": "FAILED"}[outcome]


def _threshold(result: GateResult) -> str:
    if result.threshold is None:
        return ""
    mark = f", {OPTIMISTIC}" if result.optimistic else f" ({result.threshold_source})"
    return f", threshold {result.threshold:.4g}{mark}"


def summary(result: GateResult) -> str:
    """Who against whom, metric and threshold, rows, counts per status."""
    counts = {s: sum(r.status == s for r in result.rules) for s in _STATUSES}
    against = f" vs champion {result.champion}" if result.champion else ""
    tally = ", ".join(f"{counts[s]} {s}" for s in _STATUSES if counts[s])
    return (
        f"{result.candidate}{against} · {result.metric}{_threshold(result)} · "
        f"{result.n_test:,} test rows · {tally}"
    )


def headline(result: GateResult) -> str:
    """One line: the outcome, then :func:`summary`."""
    return f"gate {outcome_word(result)}: {summary(result)}"


def to_json(result: GateResult) -> str:
    """The result as indented JSON."""
    return json.dumps(result.to_dict(), indent=2, default=str)


def to_junit_xml(result: GateResult) -> str:
    """JUnit XML: one test suite, one test case per rule (see the module docstring)."""
    blocking_inconclusive = result.on_inconclusive == "fail"

    def fails(rule: RuleResult) -> bool:
        return rule.failed or (rule.status == "inconclusive" and blocking_inconclusive)

    failures = sum(fails(r) for r in result.rules)
    skipped = sum(
        r.status == "skip" or (r.status == "inconclusive" and not fails(r)) for r in result.rules
    )
    suites = ET.Element("testsuites", name="mlplan gate")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"mlplan gate: {result.candidate}",
        tests=str(len(result.rules)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
    )
    props = ET.SubElement(suite, "properties")
    values = {
        "outcome": result.outcome,
        "on_inconclusive": result.on_inconclusive,
        "candidate": result.candidate,
        "champion": result.champion,
        "metric": result.metric,
        "threshold": result.threshold,
        "threshold_source": result.threshold_source,
        "threshold_note": OPTIMISTIC if result.optimistic else "",
        "n_test": result.n_test,
        "test_fingerprint": result.test_fingerprint,
    }
    for key, value in values.items():
        ET.SubElement(props, "property", name=key, value=str(value))
    for rule in result.rules:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"mlplan.core.gate.{rule.kind}",
            name=f"{rule.id}: {rule.title}",
        )
        if fails(rule):
            failure = ET.SubElement(case, "failure", message=rule.message, type=rule.status)
            failure.text = f"{rule.message}\ndecided by: {rule.decided_by}"
        elif rule.status == "inconclusive":
            ET.SubElement(case, "skipped", message=f"inconclusive: {rule.message}")
        elif rule.status == "skip":
            ET.SubElement(case, "skipped", message=rule.message)
        else:
            ET.SubElement(case, "system-out").text = rule.message
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def to_markdown(result: GateResult) -> str:
    """A pull-request comment: outcome, one table row per rule, non-passes spelled out."""
    pct = f"{result.confidence:.0%}"
    emoji = "✅" if result.passed else ("❔" if result.outcome == "inconclusive" else "❌")
    lines = [
        f"### mlplan gate {emoji} {outcome_word(result).lower()}",
        "",
        summary(result),
        "",
        f"| | rule | candidate | reference | change | {pct} interval | p | resolves "
        f"| rows for margin | decided by |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for rule in result.rules:
        title = rule.title.replace("|", "\\|") + (" **(better)**" if rule.better else "")
        lines.append(
            f"| {_EMOJI[rule.status]} {rule.status} | {title} | {num(rule.candidate)} "
            f"| {num(rule.reference)} | {change(rule)} | {interval(rule)} | {p_cell(rule)} "
            f"| {resolution_cell(rule)} | {rows_cell(rule)} | {rule.decided_by or '–'} |"
        )
    problems = [r for r in result.rules if r.status != "pass"]
    if problems:
        lines += ["", "<details open><summary>Why</summary>", ""]
        lines += [f"- {_EMOJI[r.status]} `{r.id}`: {r.message}" for r in problems]
        lines += ["", "</details>"]
    if result.notes:
        lines += [""] + [f"_{note}_" for note in result.notes]
    return "\n".join(lines) + "\n"


def write_text(path: str | Path, text: str) -> Path:
    """Write a report file, creating its folder."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
