"""One way to load mlplan's packaged Jinja2 templates."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["template_environment"]


def template_environment(folder: str) -> Environment:
    """A strict Jinja2 environment over ``mlplan/<folder>``.

    HTML templates (``*.html.j2``) are auto-escaped, so a column or project name
    holding ``<`` shows as text, never as markup; Markdown and YAML are not.
    """
    return Environment(
        loader=PackageLoader("mlplan", folder),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
