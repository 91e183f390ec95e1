"""Reading ``mlplan.yaml`` safely, with errors that point at the key and its line."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mlplan.errors import PlanError, closest
from mlplan.io.plan.reader import MAX_YAML_CHARS, read_yaml
from mlplan.io.plan.validate import Locate, check_output, validate_plan
from mlplan.schema.plan import Plan

__all__ = [
    "PLAN_FILENAME",
    "Locate",
    "PlanFile",
    "find_plan",
    "load_plan",
    "parse_plan",
    "parse_yaml_model",
]

PLAN_FILENAME = "mlplan.yaml"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanFile:
    """A validated plan together with where it came from.

    Attributes
    ----------
    plan : Plan
        The validated plan.
    path : Path
        The plan file.
    sha256 : str
        Hash of the plan's canonical JSON form; equal plans hash equal
        whatever their comments and key order.
    """

    plan: Plan
    path: Path
    sha256: str
    node: yaml.Node | None = field(default=None, compare=False, repr=False)

    def where(self, loc: tuple[str | int, ...] = ()) -> str:
        """``path:line`` of a key of the plan (``("metric", "optimise")``), for messages."""
        return _locator(self.node, str(self.path))(loc)

    @property
    def root(self) -> Path:
        """The folder holding the plan; relative paths in the plan start here."""
        return self.path.parent

    @property
    def output(self) -> Path:
        """The plan's report folder: ``output:``, else ``<plan name>-out`` beside the plan.

        Each plan of a folder gets its own (``mlplan.yaml`` → ``mlplan-out``,
        ``recall.yaml`` → ``recall-out``), so two plans never overwrite each other's reports.
        """
        return self.resolve(self.plan.output or f"{self.path.stem}-out")

    def resolve(self, relative: str) -> Path:
        """Resolve a path written in the plan against the plan's folder."""
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.root / candidate


def find_plan(path: str | Path | None = None) -> Path:
    """Return the plan file to use: ``path`` (a file or folder) or ``./mlplan.yaml``."""
    target = Path(path) if path is not None else Path.cwd()
    if target.is_dir():
        target = target / PLAN_FILENAME
    if not target.is_file():
        raise PlanError(f"no plan file at {target}; run 'mlplan init' to write one or pass -p PATH")
    return target


def load_plan(path: str | Path | None = None) -> PlanFile:
    """Load and validate a plan file.

    Parameters
    ----------
    path : str or Path, optional
        The plan file, or a folder holding ``mlplan.yaml``. Defaults to the
        current folder.

    Returns
    -------
    PlanFile

    Raises
    ------
    PlanError
        When the file is missing, too large, is not valid YAML, breaks the schema
        or fails a check of :mod:`mlplan.io.plan.validate` (its report folder
        included); the message names the file, line and key.
    """
    plan_path = find_plan(path)
    try:
        with plan_path.open("rb") as handle:
            raw = handle.read(MAX_YAML_CHARS + 1)  # never more, whatever the file's size
        if len(raw) > MAX_YAML_CHARS:
            raise PlanError(
                f"{plan_path}: the plan file is {plan_path.stat().st_size:,} bytes; at most "
                f"{MAX_YAML_CHARS:,} are allowed (a plan is a few kilobytes)"
            )
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{plan_path}: cannot read the plan file ({exc})") from exc
    plan, node = _parse(text, str(plan_path))
    plan_file = PlanFile(plan=plan, path=plan_path.resolve(), sha256=plan_hash(plan), node=node)
    try:
        check_output(plan_file.output, plan_file.where, given=plan.output is not None)
    except PlanError as exc:
        raise _one_line(exc) from None
    return plan_file


def plan_hash(plan: Plan) -> str:
    """Hash of the plan's canonical JSON form."""
    canonical = json.dumps(plan.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_plan(text: str, *, source: str = "<plan>") -> Plan:
    """Validate plan text; errors read ``source:line: key: problem``."""
    return _parse(text, source)[0]


def _parse(text: str, source: str) -> tuple[Plan, yaml.Node | None]:
    plan, node = parse_yaml_model(
        text, Plan, source, not_a_mapping="the plan must be a mapping with project, data and metric"
    )
    try:
        validate_plan(plan, _locator(node, source))
    except PlanError as exc:
        raise _one_line(exc) from None
    return plan, node


def _one_line(error: PlanError) -> PlanError:
    """The error with line breaks of quoted values written as ``\\n``: one line, always."""
    message = str(error)
    return error if "\n" not in message else PlanError(message.replace("\n", "\\n"))


def _locator(node: yaml.Node | None, source: str) -> Locate:
    def locate(loc: tuple[str | int, ...]) -> str:
        line = _line_of(node, loc)
        return f"{source}:{line}" if line else source

    return locate


def parse_yaml_model(
    text: str, model: type[M], source: str, *, not_a_mapping: str
) -> tuple[M, yaml.Node | None]:
    """Parse YAML text safely and validate it against a pydantic model.

    Parameters
    ----------
    text : str
        The YAML text.
    model : type of BaseModel
        The schema; it also names the allowed keys in error messages.
    source : str
        Where the text came from, for messages (``source:line: ...``).
    not_a_mapping : str
        The message (after ``source: ``) when the top level is not a mapping.

    Returns
    -------
    tuple of (model instance, yaml.Node or None)
        The validated content and the YAML node tree (for line numbers of later checks).

    Raises
    ------
    PlanError
        When the text is not valid YAML, over a limit of :mod:`mlplan.io.plan.reader`,
        not a mapping, or breaks the schema; the message names the source, line and key.
    """
    data, root = read_yaml(text, source)
    if not isinstance(data, dict):
        raise PlanError(f"{source}: {not_a_mapping}")
    try:
        return model.model_validate(data), root
    except ValidationError as exc:
        raise _one_line(PlanError(_describe(exc, root, source, model))) from exc


def _describe(
    exc: ValidationError, root: yaml.Node | None, source: str, model: type[BaseModel] = Plan
) -> str:
    """Turn pydantic's first error (an unknown key first) into one line at the key and line.

    ``model`` is the schema that was validated (it names the allowed keys); the
    ideas file of :mod:`mlplan.core.portfolio` reuses this with its own schema.
    """
    errors = exc.errors()
    # a misspelt required key is both missing and unknown: the unknown one names the typo
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = tuple(error["loc"])
    key = ".".join(str(part) for part in loc) or "<root>"
    line = _line_of(root, loc)
    where = f"{source}:{line}" if line else source
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1], model)
        hint = closest(str(loc[-1]), allowed)
        return f"{where}: unknown key '{key}'{hint}; allowed here: {', '.join(allowed)}"
    if kind == "missing":
        return f"{where}: missing required key '{key}'"
    given = error.get("input")
    shown = "" if isinstance(given, dict | list) else f" (got {_shown(given)})"
    message = error["msg"].removeprefix("Value error, ").strip().splitlines()[0]
    return f"{where}: {key}: {message}{shown}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _allowed_keys(loc: tuple[Any, ...], model: type[BaseModel] = Plan) -> list[str]:
    """The keys the schema allows at a location (``loc`` is pydantic's path)."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        annotation = field.annotation
        inner = _model_in(annotation)
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``annotation`` (``X``, ``list[X]``, ``X | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest YAML node that ``loc`` reaches."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == str(part)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    if line is None and node is not None:
        line = node.start_mark.line + 1
    return line
