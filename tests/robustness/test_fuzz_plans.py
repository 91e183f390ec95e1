"""Fuzzing the plan loader: random YAML documents and mutations of a valid plan.

The only outcomes allowed are the documented ones: a :class:`Plan`, or a
:class:`~mlplan.errors.PlanError` of one line (exit 2 on the command line). Any
other exception, a warning (pytest turns them into errors) or an example slower
than the deadline fails the test.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from _robust import BASE_PLAN, cpu_bounded, one_line
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlplan.errors import PlanError
from mlplan.io.plan.load import parse_plan
from mlplan.schema.plan import Plan

#: ``MLPLAN_FUZZ_EXAMPLES=5000 pytest tests/robustness`` fuzzes deeper than CI does.
EXAMPLES = int(os.environ.get("MLPLAN_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # bounded by CPU time in the tests (`within`), not wall time
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

VALID = yaml.safe_load(BASE_PLAN)
KEYS = sorted(
    {
        *Plan.model_fields,
        *(k for section in VALID.values() if isinstance(section, dict) for k in section),
        "subject_to",
        "requirement",
        "published",
        "human",
        "scripted",
        "non_inferiority",
        "floors",
        "mute",
        "split",
        "test_size",
        "seed",
        "formula",
        "average",
        "weighted",
        "task",
        "models",
        "predictions",
        "output",
    }
)
#: Every code point, lone surrogates included (and quick to set up, unlike the default).
CHARS = st.characters(
    min_codepoint=0, max_codepoint=0x10FFFF, categories=None, exclude_categories=()
)
WORDS = ["f1", "recall", "precision", "accurracy", "dummy", "linear", "metric", "ADV003", "mae"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(CHARS, max_size=20),
    st.sampled_from(WORDS + KEYS + [">= 0.9", "<= -0.5", ">= 1.5", "10m", "a > 1"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS + WORDS), st.text(CHARS, max_size=8)), inner, max_size=4
        ),
    ),
    max_leaves=25,
)


def _outcome(text: str) -> Plan | None:
    """Parse; a refusal must be a one-line PlanError."""
    try:
        return parse_plan(text, source="fuzz.yaml")
    except PlanError as exc:
        message = str(exc)
        assert message and "\n" not in message, message
        assert message.startswith("fuzz.yaml"), message
        return None


@FUZZ
@given(values)
@cpu_bounded(5.0)
def test_any_yaml_document(document: Any) -> None:
    """Whatever a YAML document holds, the loader gives a plan or one line."""
    _outcome(yaml.safe_dump(document, allow_unicode=True))


@FUZZ
@given(st.text(CHARS, max_size=300))
@cpu_bounded(5.0)
def test_any_text(text: str) -> None:
    """Arbitrary characters (control characters, lone surrogates...) included."""
    _outcome(text)


TOKENS = [
    "{", "}", "[", "]", ": ", ":", "- ", "&a ", "*a", "&b ", "*b", "<<: ", "!!str ", "!!int ",
    "!!binary ", "!!set ", "!!python/name:os.system ", "!!timestamp ", "---\n", "...\n", "\n",
    "  ", "'", '"', "# c\n", "? ", "| ", "> ", ", ", "2001-02-30", "1e999", ".nan", "0x1F",
    "~", "null", "yes", "\\", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\t", *KEYS, *WORDS,
]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
@cpu_bounded(5.0)
def test_yaml_token_soup(tokens: list[str]) -> None:
    """Anchors, aliases, merges, tags, directives and documents in any order."""
    _outcome("".join(tokens))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _mutated(data: Any, path: tuple[Any, ...], how: str, value: Any, key: str) -> Any:
    if not path:
        return value if how == "replace" else data
    head, *rest = path
    copy = dict(data) if isinstance(data, dict) else list(data)
    if rest:
        copy[head] = _mutated(copy[head], tuple(rest), how, value, key)
    elif how == "replace":
        copy[head] = value
    elif how == "delete":
        del copy[head]
    elif isinstance(copy[head], dict):
        copy[head] = {**copy[head], key: value}
    elif isinstance(copy[head], list):
        copy[head] = [*copy[head], value]
    else:
        copy[head] = value
    return copy


@FUZZ
@given(st.data())
@cpu_bounded(5.0)
def test_mutations_of_a_valid_plan(data: st.DataObject) -> None:
    """One to three changes anywhere in a valid plan: replace, delete or add a value."""
    plan: Any = VALID
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(plan)))
        how = data.draw(st.sampled_from(["replace", "delete", "add"]))
        value = data.draw(values)
        key = data.draw(st.sampled_from(KEYS + WORDS))
        plan = _mutated(plan, path, how, value, key)
    _outcome(yaml.safe_dump(plan, allow_unicode=True))


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(BASE_PLAN)),
            st.integers(0, 3),
            st.sampled_from([*TOKENS, "x", "0", "9", "-"]),
        ),
        min_size=1,
        max_size=4,
    )
)
@cpu_bounded(5.0)
def test_text_edits_of_a_valid_plan(edits: list[tuple[int, int, str]]) -> None:
    """Characters deleted and inserted in the plan's text (indentation, quotes, colons...)."""
    text = BASE_PLAN
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut :]
    _outcome(text)


@settings(
    FUZZ,
    max_examples=max(EXAMPLES // 5, 10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.builds(yaml.safe_dump, values),
        st.text(CHARS, max_size=200),
        st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
    )
)
@cpu_bounded(5.0)
def test_the_command_line_on_fuzzed_plan_files(cli, text: str) -> None:
    """The same documents as plan files, through ``mlplan status``: exit 0, or one line."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mlplan.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = cli("status", "-p", path)
        assert result.code in (0, 2, 3), (result.code, result.err)
        if result.code:
            one_line(result.err)


def test_the_limits_are_not_guesses() -> None:
    """The documented numbers (README) are the loader's."""
    from mlplan.io.plan.reader import MAX_DEPTH, MAX_VALUES, MAX_YAML_CHARS

    assert (MAX_YAML_CHARS, MAX_DEPTH, MAX_VALUES) == (1_000_000, 50, 50_000)
