"""Small text helpers shared by every layer."""

from __future__ import annotations

__all__ = ["join_notes"]


def join_notes(*notes: str) -> str:
    """The non-empty notes joined by ``"; "`` (``join_notes("", "b") == "b"``)."""
    return "; ".join(n for n in notes if n)
