"""The ladder's time budget: estimate each rung's cost, then sample it down or skip it.

Each trained rung is timed on two small pilot samples (fit + predict, after a
warm-up fit that pays the first-call costs); from them, a fit on ``n`` rows costs
``fixed + (t_pilot - fixed) × (n / n_pilot) ** growth``, where ``fixed`` is the
per-fit overhead that does not grow with rows (``growth`` per rung: 1 for most,
more for rungs whose cost grows faster), times the number of fits (folds + the
final fit) and divided by the parallel jobs.
Rungs are then given the budget cheapest first: one that fits runs on all rows,
one that does not runs on as many rows as its share allows, and one whose share
would leave fewer than :data:`MIN_ROWS` rows is skipped.  Every decision is kept
with its numbers, for the report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from mlplan.errors import BudgetError, PlanError
from mlplan.records.ladder import BudgetDecision

__all__ = ["MIN_ROWS", "BudgetDecision", "allocate", "format_seconds", "parse_budget"]

MIN_ROWS = 200
_SAFETY = 0.85  # keep some budget for predictions, metrics and overheads
_DURATION = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*$"
)


def parse_budget(text: str | float | int | None) -> float | None:
    """Seconds from ``"90s"``, ``"10m"``, ``"1h30m"``, ``"2.5m"`` or a number of seconds.

    Examples
    --------
    >>> parse_budget("1h30m")
    5400.0
    >>> parse_budget(45)
    45.0
    """
    if text is None:
        return None
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        stripped = text.strip().lower()
        try:
            seconds = float(stripped)
        except ValueError:
            match = _DURATION.match(stripped)
            if match is None or not any(match.groups()):
                raise PlanError(
                    f"baselines.budget: {text!r} is not a duration; allowed: like 90s, 10m, "
                    "1h30m, or a number of seconds"
                ) from None
            hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
            seconds = hours * 3600 + minutes * 60 + secs
    if seconds <= 0:
        raise PlanError(f"baselines.budget: {text!r} must be a positive duration")
    return seconds


def format_seconds(seconds: float) -> str:
    """``"45 s"``, ``"3.2 min"``, ``"1.5 h"``."""
    if seconds < 120:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def allocate(
    *,
    budget: float,
    spent: float,
    n_rows: int,
    n_folds: int,
    n_jobs: int,
    pilots: Mapping[str, tuple[float, int, float] | tuple[float, int, float, float]],
    order: Sequence[str],
    caps: Mapping[str, tuple[int | None, int | None]] | None = None,
) -> tuple[BudgetDecision, ...]:
    """Give the remaining budget to rungs, cheapest first.

    Parameters
    ----------
    budget, spent
        The whole budget and what the pilots already used (seconds).
    n_rows, n_folds, n_jobs
        Training rows, cross-validation folds, parallel jobs.
    pilots
        Rung → (pilot seconds, pilot rows, growth exponent) or (…, fixed seconds):
        the part of each fit's time that does not grow with rows (default 0).
    order
        The rungs in the order to report them.
    caps
        Rung → (row cap of every fit, row cap of the cross-validation fits only),
        ``None`` for no cap.  Estimates count the rows a rung really gets, and a
        capped rung's decision names its cap.

    Raises
    ------
    BudgetError
        When no rung gets at least :data:`MIN_ROWS` rows.
    """
    parallel = max(1, n_jobs)
    caps = caps or {}

    def limits(rung: str) -> tuple[int, int]:
        cap, cv_cap = caps.get(rung, (None, None))
        final = min(n_rows, cap) if cap else n_rows
        return final, min(final, cv_cap) if cv_cap else final

    def work(rung: str, rows: float) -> float:
        seconds, pilot_rows, growth, *rest = pilots[rung]
        fixed = min(rest[0], seconds) if rest else 0.0
        final, cv_cap = limits(rung)

        def fit(n: float) -> float:
            return fixed + (seconds - fixed) * max(n / max(pilot_rows, 1), 1.0) ** growth

        fit_rows = min(rows, final)
        fold_rows = min(fit_rows * (n_folds - 1) / n_folds, cv_cap)
        return (n_folds * fit(fold_rows) + fit(fit_rows)) / parallel

    def gets(rung: str) -> str:
        final, cv_cap = limits(rung)
        if final < n_rows:
            return f"on its {final}-row cap (of {n_rows} training rows)"
        if cv_cap < final:
            return f"on all {n_rows} training rows (cross-validation on {cv_cap}-row samples)"
        return f"on all {n_rows} training rows"

    full = {r: work(r, n_rows) for r in order}
    remaining = max(budget * _SAFETY - spent, 0.0)
    decisions: dict[str, BudgetDecision] = {}
    ranked = sorted(order, key=lambda r: full[r])
    for i, rung in enumerate(ranked):
        share = remaining / (len(ranked) - i)
        most = limits(rung)[0]
        if full[rung] <= share:
            remaining -= full[rung]
            decisions[rung] = BudgetDecision(
                rung=rung,
                action="full",
                rows=most,
                estimate_seconds=full[rung],
                note=f"about {format_seconds(full[rung])} {gets(rung)}",
            )
            continue
        rows = _rows_for(work, rung, share, most)
        if rows < min(MIN_ROWS, most):
            decisions[rung] = BudgetDecision(
                rung=rung,
                action="skipped",
                rows=0,
                estimate_seconds=full[rung],
                note=(
                    f"skipped: about {format_seconds(full[rung])} {gets(rung)}, and its "
                    f"share of the budget ({format_seconds(share)}) would leave fewer than "
                    f"{MIN_ROWS} rows"
                ),
            )
            continue
        remaining -= work(rung, rows)
        decisions[rung] = BudgetDecision(
            rung=rung,
            action="sampled",
            rows=rows,
            estimate_seconds=full[rung],
            note=(
                f"sampled down to {rows} of {n_rows} training rows: about "
                f"{format_seconds(full[rung])} {gets(rung)} exceeds its share of the budget "
                f"({format_seconds(share)})"
            ),
        )
    if decisions and all(d.action == "skipped" for d in decisions.values()):
        cheapest = ranked[0]
        need = work(cheapest, min(MIN_ROWS, n_rows)) + spent
        raise BudgetError(
            f"baselines.budget: {format_seconds(budget)} is too small for any trained rung; "
            f"the cheapest ({cheapest}) needs about {format_seconds(need / _SAFETY)} even on "
            f"{min(MIN_ROWS, n_rows)} rows; allowed: a longer budget or fewer rungs"
        )
    return tuple(decisions[r] for r in order)


def _rows_for(work: object, rung: str, seconds: float, n_rows: int) -> int:
    """The most rows whose estimated work fits in ``seconds`` (bisection)."""
    assert callable(work)
    lo, hi = 0, n_rows
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if work(rung, mid) <= seconds:
            lo = mid
        else:
            hi = mid - 1
    return lo
