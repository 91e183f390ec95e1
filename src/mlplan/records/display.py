"""Notebook display of records, without the records knowing how they are drawn.

Records sit below the templates and charts (:mod:`mlplan.io.report`), so a
record's ``_repr_html_`` cannot import them. Instead this module keeps a small
registry, filled from above:

* :mod:`mlplan.io.report` registers one renderer per record kind when it is
  imported (:func:`register_html`); every command that returns a record has
  imported it, through :mod:`mlplan.app`;
* a record's ``_repr_html_`` (from :class:`HtmlDisplay`) asks :func:`html_of`,
  which uses the renderer of the record's class, or falls back to the record's
  text in a ``<pre>`` block (escaped) when none is registered or the renderer
  fails.

Examples
--------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Note(HtmlDisplay):
...     text: str
>>> Note("<b>hi</b>")._repr_html_()
'<pre class="mlplan-text">Note(text=&#x27;&lt;b&gt;hi&lt;/b&gt;&#x27;)</pre>'
>>> register_html("Note", lambda note: f"<p>{len(note.text)} characters</p>")
>>> Note("hello")._repr_html_()
'<p>5 characters</p>'
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

__all__ = ["HtmlDisplay", "html_of", "register_html", "registered"]

_RENDERERS: dict[str, Callable[[Any], str]] = {}


def register_html(kind: str, renderer: Callable[[Any], str]) -> None:
    """Draw records whose class is called ``kind`` with ``renderer(record) -> HTML``."""
    _RENDERERS[kind] = renderer


def registered() -> tuple[str, ...]:
    """The record kinds that have an HTML renderer."""
    return tuple(sorted(_RENDERERS))


def html_of(record: object) -> str:
    """The record as an HTML fragment: its renderer's, else its text, escaped."""
    renderer = _RENDERERS.get(type(record).__name__)
    if renderer is not None:
        try:
            return renderer(record)
        except Exception as exc:  # a display must never raise in a notebook
            note = f"(could not draw {type(record).__name__}: {exc})\n"
            return _text(record, note)
    return _text(record)


def _text(record: object, note: str = "") -> str:
    summary = getattr(record, "summary", None)
    text = summary() if callable(summary) else repr(record)
    return f'<pre class="mlplan-text">{html.escape(note + str(text))}</pre>'


class HtmlDisplay:
    """Mixin: ``_repr_html_`` through the registry (Jupyter's rich display)."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return html_of(self)
