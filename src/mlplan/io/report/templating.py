"""One way to load mlplan's packaged Jinja2 templates."""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["packaged_text", "template_environment"]


def template_environment() -> Environment:
    """A strict Jinja2 environment over mlplan's packaged templates (``mlplan/io/templates``).

    HTML templates (``*.html.j2``) are auto-escaped, so a column or project name
    holding ``<`` shows as text, never as markup; Markdown and YAML are not.
    """
    return Environment(
        loader=PackageLoader("mlplan", "io/templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def packaged_text(name: str) -> str:
    """The text of one packaged template file, as shipped (e.g. the example ``ideas.yaml``)."""
    return (files("mlplan.io") / "templates" / name).read_text(encoding="utf-8")
