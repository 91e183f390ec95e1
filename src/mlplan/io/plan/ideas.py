"""Reading an ideas.yaml safely, with errors that point at the key and its line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from mlplan.errors import PlanError
from mlplan.io.plan.load import PLAN_FILENAME, _line_of, parse_yaml_model
from mlplan.schema.ideas import IdeasSpec

__all__ = ["IdeasFile", "load_ideas", "parse_ideas"]


@dataclass(frozen=True, slots=True, kw_only=True)
class IdeasFile:
    """A validated ideas file and where it came from.

    Attributes
    ----------
    spec : IdeasSpec
        The validated content.
    path : Path
        The file; relative link paths start in its folder.
    """

    spec: IdeasSpec
    path: Path

    def resolve(self, relative: str) -> Path:
        """Resolve a path written in the file against the file's folder."""
        candidate = Path(relative).expanduser()
        return candidate if candidate.is_absolute() else self.path.parent / candidate


def parse_ideas(text: str, *, source: str = "<ideas>") -> tuple[IdeasSpec, yaml.Node | None]:
    """Validate ideas text; errors read ``source:line: key: problem``.

    Returns the spec and the YAML node tree (for line numbers of later checks).
    """
    return parse_yaml_model(
        text,
        IdeasSpec,
        source,
        not_a_mapping="the ideas file must be a mapping with 'ideas' (and 'portfolio')",
    )


def load_ideas(path: str | Path) -> IdeasFile:
    """Load and validate an ideas file, checking that linked project folders hold a plan.

    Raises
    ------
    PlanError
        When the file is missing, not YAML, breaks the schema, or links a folder
        without ``mlplan.yaml``; the message names the file, line and key.
    """
    file = Path(path)
    if file.is_dir():
        file = file / "ideas.yaml"
    if not file.is_file():
        raise PlanError(f"no ideas file at {file}; run 'mlplan portfolio init' to write one")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{file}: cannot read the ideas file ({exc})") from exc
    spec, root = parse_ideas(text, source=str(file))
    ideas = IdeasFile(spec=spec, path=file.resolve())
    for i, idea in enumerate(spec.ideas):
        for j, link in enumerate(idea.links):
            if link.kind != "project" or link.path is None:
                continue
            folder = ideas.resolve(link.path)
            plan = folder if folder.is_file() else folder / PLAN_FILENAME
            if not plan.is_file():
                line = _line_of(root, ("ideas", i, "links", j, "path"))
                raise PlanError(
                    f"{file}:{line}: ideas.{i}.links.{j}.path: no {PLAN_FILENAME} in {folder} "
                    "(a project link must point at an mlplan project folder)"
                )
    return ideas
