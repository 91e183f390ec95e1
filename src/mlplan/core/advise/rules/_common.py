"""What the rules share: number formatting (from :mod:`~mlplan.core.advise.text`) and thresholds."""

from __future__ import annotations

from mlplan.core.advise.text import fmt, interval_text, pct

__all__ = ["PUBLISHED_FAR_RELATIVE", "fmt", "interval_text", "pct"]

#: A published result this far (relative) beyond every measured upper bound is "far above".
PUBLISHED_FAR_RELATIVE = 0.10
