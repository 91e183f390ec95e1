"""Rendering a :class:`GateResult`: Rich table, JSON, JUnit XML and Markdown.

Nothing here computes; every number comes from the result's rule records.
JUnit XML has one ``<testcase>`` per rule (failed rules carry ``<failure>``,
skipped ones ``<skipped>``), built with :mod:`xml.etree.ElementTree` so any CI
system's parser reads it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from mlplan.records.gate import GateResult, RuleResult

__all__ = ["to_json", "to_junit_xml", "to_markdown", "write_text"]

MARK = {"pass": "PASS", "fail": "FAIL", "skip": "skip"}
_EMOJI = {"pass": "✅", "fail": "❌", "skip": "⏭️"}


def num(value: float | None, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def change(rule: RuleResult) -> str:
    if rule.difference is None or rule.kind in ("floor", "constraint"):
        return "–"
    return f"{rule.difference:+.4f}"


def interval(rule: RuleResult) -> str:
    if rule.lo is None or rule.hi is None:
        return "–"
    sign = "+" if rule.kind in ("non_inferiority", "must_beat") else ""
    return f"[{rule.lo:{sign}.4f}, {rule.hi:{sign}.4f}]"


def headline(result: GateResult) -> str:
    verdict = "PASSED" if result.passed else "FAILED"
    counts = {s: sum(r.status == s for r in result.rules) for s in ("pass", "fail", "skip")}
    against = f" vs champion {result.champion}" if result.champion else ""
    thr = f", threshold {result.threshold:.4g}" if result.threshold is not None else ""
    return (
        f"gate {verdict}: {result.candidate}{against} · {result.metric}{thr} · "
        f"{result.n_test} test rows · {counts['pass']} passed, {counts['fail']} failed, "
        f"{counts['skip']} skipped"
    )


def to_json(result: GateResult) -> str:
    """The result as indented JSON."""
    return json.dumps(result.to_dict(), indent=2, default=str)


def to_junit_xml(result: GateResult) -> str:
    """JUnit XML: one test suite, one test case per rule."""
    counts = {s: sum(r.status == s for r in result.rules) for s in ("pass", "fail", "skip")}
    suites = ET.Element("testsuites", name="mlplan gate")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"mlplan gate: {result.candidate}",
        tests=str(len(result.rules)),
        failures=str(counts["fail"]),
        errors="0",
        skipped=str(counts["skip"]),
    )
    props = ET.SubElement(suite, "properties")
    for key in ("candidate", "champion", "metric", "threshold", "n_test", "test_fingerprint"):
        ET.SubElement(props, "property", name=key, value=str(getattr(result, key)))
    for rule in result.rules:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"mlplan.core.gate.{rule.kind}",
            name=f"{rule.id}: {rule.title}",
        )
        if rule.status == "fail":
            failure = ET.SubElement(case, "failure", message=rule.message, type=rule.kind)
            failure.text = f"{rule.message}\ndecided by: {rule.decided_by}"
        elif rule.status == "skip":
            ET.SubElement(case, "skipped", message=rule.message)
        else:
            ET.SubElement(case, "system-out").text = rule.message
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def to_markdown(result: GateResult) -> str:
    """A pull-request comment: verdict, one table row per rule, failures spelled out."""
    pct = f"{result.confidence:.0%}"
    head = "✅ passed" if result.passed else "❌ failed"
    lines = [
        f"### mlplan gate {head}",
        "",
        headline(result).split(": ", 1)[1],
        "",
        f"| | rule | candidate | reference | change | {pct} interval | p | decided by |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for rule in result.rules:
        title = rule.title.replace("|", "\\|") + (" **(better)**" if rule.better else "")
        p = "–" if rule.p_value is None else f"{rule.p_value:.3g}"
        lines.append(
            f"| {_EMOJI[rule.status]} | {title} | {num(rule.candidate)} | {num(rule.reference)} "
            f"| {change(rule)} | {interval(rule)} | {p} | {rule.decided_by or '–'} |"
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
