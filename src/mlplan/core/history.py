"""What changed between two runs of a plan: only the lines that differ.

Compared, in order: the stage, the metric, the plan file, the data, the test
set, the code (git), the training and test rows, the requirement, every model's
value with its interval and its operating threshold (a model present in one
run only shows "–" in the other), the best model, and the open advice.
"""

from __future__ import annotations

from mlplan.records.report import Change, IndexRow

__all__ = ["changes", "value_text"]


def value_text(value: float | None, lo: float | None = None, hi: float | None = None) -> str:
    """``0.461 [0.416, 0.498]``, ``0.461`` without an interval, ``–`` without a value.

    Examples
    --------
    >>> value_text(0.46123, 0.41, 0.5)
    '0.461 [0.410, 0.500]'
    >>> value_text(None)
    '–'
    """
    if value is None:
        return "–"
    if lo is None or hi is None:
        return f"{value:.3f}"
    return f"{value:.3f} [{lo:.3f}, {hi:.3f}]"


def _text(value: object) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def changes(before: IndexRow, after: IndexRow) -> tuple[Change, ...]:
    """The lines that differ between run ``before`` and run ``after``."""
    lines: list[tuple[str, object, object]] = [
        ("stage", before.stage, after.stage),
        ("metric", before.metric, after.metric),
        ("plan file", before.plan_hash[:12], after.plan_hash[:12]),
        ("data", before.data_fingerprint, after.data_fingerprint),
        ("test set", before.test_fingerprint, after.test_fingerprint),
        ("code (git)", (before.git_sha or "")[:10], (after.git_sha or "")[:10]),
        ("training rows", before.n_train, after.n_train),
        ("test rows", before.n_test, after.n_test),
    ]
    for name in sorted(set(before.requirement) | set(after.requirement)):
        lines.append(
            (f"requirement {name}", before.requirement.get(name), after.requirement.get(name))
        )
    names = list(before.models) + [m for m in after.models if m not in before.models]
    for name in names:
        old, new = before.models.get(name, {}), after.models.get(name, {})
        lines.append(
            (
                f"{name}: {after.metric if new else before.metric}",
                value_text(old.get("value"), old.get("lo"), old.get("hi")) if old else None,
                value_text(new.get("value"), new.get("lo"), new.get("hi")) if new else None,
            )
        )
        lines.append((f"{name}: threshold", old.get("threshold"), new.get("threshold")))
    lines.append(("best model", before.best, after.best))
    opened = [c for c in after.advice if c not in before.advice]
    closed = [c for c in before.advice if c not in after.advice]
    if opened or closed:
        lines.append(
            (
                "open advice",
                ", ".join(before.advice) or "none",
                (", ".join(after.advice) or "none")
                + (f" (new: {', '.join(opened)})" if opened else "")
                + (f" (closed: {', '.join(closed)})" if closed else ""),
            )
        )
    shown = ((what, _text(old), _text(new)) for what, old, new in lines)
    return tuple(Change(what=w, before=a, after=b) for w, a, b in shown if a != b)
