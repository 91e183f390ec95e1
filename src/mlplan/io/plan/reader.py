"""Reading YAML safely and within limits: one pass, no recursion, no duplicate keys.

A plan is a few kilobytes of nested mappings. What this reader refuses, each with
one line that names the file and line:

- text longer than :data:`MAX_YAML_CHARS` (checked before anything is parsed);
- nesting deeper than :data:`MAX_DEPTH` levels (the document is composed from the
  parser's events with an explicit stack, so 20,000 levels cost no Python stack);
- more than :data:`MAX_VALUES` values once every alias is expanded (a "billion
  laughs" alias bomb is refused after a few events, not after minutes), and an
  alias inside the collection it names (a recursive structure);
- a key that appears twice in one mapping (both lines are named; YAML's merge key
  ``<<`` keeps its meaning: explicit keys override merged ones);
- tags outside YAML's safe core schema (``!!python/object`` ...), and values that
  cannot be built (``2001-02-30``, ``!!int abc``).

The document is parsed once, by libyaml when it is installed.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mlplan.errors import PlanError

__all__ = ["MAX_DEPTH", "MAX_VALUES", "MAX_YAML_CHARS", "read_yaml"]

#: Longest YAML text read (characters); a plan is a few thousand.
MAX_YAML_CHARS = 1_000_000
#: Deepest nesting of mappings and lists; a plan needs about five levels.
MAX_DEPTH = 50
#: Most values (scalars and collections) after every alias is expanded.
MAX_VALUES = 50_000

_MERGE_TAG = "tag:yaml.org,2002:merge"
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """The safe loader (libyaml's parser when present) whose constructor refuses duplicate
    keys and turns values that cannot be built into positioned errors."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text)
        self.source = source

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except PlanError:
            raise
        except (ValueError, TypeError, OverflowError, AttributeError, LookupError) as exc:
            # PyYAML's builders raise these on odd scalars ("!!timestamp" with no value)
            raise PlanError(
                f"{self.source}:{node.start_mark.line + 1}: cannot read the value "
                f"{_shown(node.value)}: {_first_line(exc)}"
            ) from None

    def construct_mapping(self, node: Node, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            self._refuse_duplicates(node)
        return super().construct_mapping(node, deep=deep)

    def _refuse_duplicates(self, node: MappingNode) -> None:
        seen: dict[Hashable, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                continue
            line = key_node.start_mark.line + 1
            if key in seen:
                raise PlanError(
                    f"{self.source}:{line}: duplicate key {key!r} (first on line {seen[key]}); "
                    "a key may appear once in a mapping"
                )
            seen[key] = line


@dataclass
class _Open:
    """A collection being composed: its node, anchor, expanded size and pending key."""

    node: SequenceNode | MappingNode
    anchor: str | None
    size: int = 1
    key: Node | None = field(default=None)


class _Composer:
    """Builds the node tree from parser events with an explicit stack, counting as it goes."""

    def __init__(self, loader: _Loader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.open_anchors: set[str] = set()
        self.stack: list[_Open] = []
        self.total = 0
        self.root: Node | None = None

    def compose(self) -> Node | None:
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # document start
        while not loader.check_event(yaml.DocumentEndEvent):
            self._step(loader.get_event())
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise PlanError(
                f"{self.source}:{event.start_mark.line + 1}: a second YAML document "
                "('---'); the file must hold one"
            )
        return self.root

    def _step(self, event: Any) -> None:
        if isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            self._start(event)
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            done = self.stack.pop()
            done.node.end_mark = event.end_mark
            if done.anchor is not None:
                self.open_anchors.discard(done.anchor)
                self.anchors[done.anchor] = (done.node, done.size)
            self._attach(done.node, done.size, event)

    def _scalar(self, event: Any) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        self._anchor(event)
        if event.anchor is not None:
            self.anchors[event.anchor] = (node, 1)
        self._attach(node, 1, event)

    def _start(self, event: Any) -> None:
        line = event.start_mark.line + 1
        if len(self.stack) >= MAX_DEPTH:
            raise PlanError(
                f"{self.source}:{line}: nesting deeper than {MAX_DEPTH} levels; "
                "a plan needs a handful"
            )
        kind: type[SequenceNode] | type[MappingNode] = (
            SequenceNode if isinstance(event, yaml.SequenceStartEvent) else MappingNode
        )
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(kind, None, event.implicit)
        node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
        self._anchor(event)
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        self._count(1, event)
        self.stack.append(_Open(node=node, anchor=event.anchor))

    def _anchor(self, event: Any) -> None:
        if event.anchor is not None and event.anchor in self.anchors:
            first = self.anchors[event.anchor][0].start_mark.line + 1
            raise PlanError(
                f"{self.source}:{event.start_mark.line + 1}: anchor '&{event.anchor}' is "
                f"defined twice (first on line {first})"
            )

    def _alias(self, event: Any) -> None:
        line = event.start_mark.line + 1
        name = event.anchor
        if name in self.open_anchors:
            raise PlanError(
                f"{self.source}:{line}: alias '*{name}' is inside the collection it names; "
                "recursive structures are not allowed"
            )
        if name not in self.anchors:
            raise PlanError(f"{self.source}:{line}: alias '*{name}' names no anchor before it")
        node, size = self.anchors[name]
        self._count(size, event)
        self._attach(node, size, event, counted=True)

    def _count(self, size: int, event: Any) -> None:
        self.total += size
        if self.total > MAX_VALUES:
            raise PlanError(
                f"{self.source}:{event.start_mark.line + 1}: the document holds more than "
                f"{MAX_VALUES:,} values once its aliases are expanded; a plan needs far fewer"
            )

    def _attach(self, node: Node, size: int, event: Any, *, counted: bool = False) -> None:
        if isinstance(node, ScalarNode) and not counted:
            self._count(1, event)
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        parent.size += size
        if isinstance(parent.node, SequenceNode):
            parent.node.value.append(node)
        elif parent.key is None:
            parent.key = node
        else:
            parent.node.value.append((parent.key, node))
            parent.key = None


def read_yaml(text: str, source: str) -> tuple[Any, Node | None]:
    """Parse one YAML document within the limits above.

    Parameters
    ----------
    text : str
        The YAML text.
    source : str
        Where it came from, for messages (``source:line: ...``).

    Returns
    -------
    tuple of (object, yaml.Node or None)
        The document (None when empty) and its node tree (for line numbers).

    Raises
    ------
    PlanError
        Text over a limit, invalid YAML, an unsafe tag, a duplicate key, or a value
        that cannot be built; one line naming the source and line.
    """
    if len(text) > MAX_YAML_CHARS:
        raise PlanError(
            f"{source}: {len(text):,} characters; at most {MAX_YAML_CHARS:,} are allowed "
            "(a plan is a few thousand)"
        )
    try:
        loader = _Loader(text, source)
    except (yaml.YAMLError, UnicodeError) as exc:
        raise PlanError(f"{source}: not valid YAML: {_first_line(exc)}") from None
    try:
        root = _Composer(loader, source).compose()
        data = None if root is None else loader.construct_document(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or _first_line(exc)
        raise PlanError(f"{where}: not valid YAML: {problem}") from None
    except UnicodeError as exc:
        raise PlanError(f"{source}: not valid text: {_first_line(exc)}") from None
    finally:
        loader.dispose()
    return data, root


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
