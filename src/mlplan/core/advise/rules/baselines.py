"""Rules on the gap to the measured baselines: ADV001, ADV002, ADV008, ADV010."""

from __future__ import annotations

from typing import Any

from mlplan.core.advise.diagnosis import diagnose
from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules._common import PUBLISHED_FAR_RELATIVE, fmt, interval_text, pct
from mlplan.records.advice import Finding
from mlplan.records.evaluation import Evaluation
from mlplan.records.evidence import Evidence, PairedDifference
from mlplan.schema.plan import Stage

__all__ = ["CloseToBestBaseline", "PublishedFarAbove", "ScriptedMatchesML", "WorseThanBaseline"]


def _candidate_comparisons(evidence: Evidence) -> list[PairedDifference]:
    names = {c.name for c in evidence.candidates}
    baselines = {b.name for b in evidence.baselines}
    return [c for c in evidence.comparisons if c.candidate in names and c.baseline in baselines]


def _require_candidates(evidence: Evidence) -> None:
    """Raise NotApplicable when no model has a value of the plan's metric."""
    if not evidence.candidates:
        raise NotApplicable("no model has a value of the plan's metric")


def _pair_numbers(d: PairedDifference) -> dict[str, Any]:
    """The numbers a finding on a paired difference carries: who, by how much, the interval."""
    return {
        "candidate": d.candidate,
        "baseline": d.baseline,
        "difference": d.difference,
        "lo": d.lo,
        "hi": d.hi,
    }


class WorseThanBaseline(Rule):
    """A model is worse than a simple baseline beyond the paired interval."""

    code = "ADV001"
    title = "Worse than a simple baseline"
    severity = "issue"
    stage = "training"
    close_when = "no model's paired interval against a baseline rung lies entirely below zero"

    def check(self, evidence: Evidence) -> Finding:
        _require_candidates(evidence)
        comparisons = _candidate_comparisons(evidence)
        if not comparisons:
            raise NotApplicable("no baseline rung has a value to compare with")
        worse = sorted((c for c in comparisons if c.worse), key=lambda c: c.gain)
        level = pct(evidence.confidence)
        if worse:
            w = worse[0]
            others = "; ".join(f"{c.candidate} vs {c.baseline} {c.describe()}" for c in worse[1:4])
            ranking = evidence.ranking_comparisons(w.candidate, w.baseline)
            threshold = bool(ranking) and not any(r.worse for r in ranking)
            if threshold:
                ranks = ", ".join(f"{r.metric} {r.describe()}" for r in ranking)
                action = (
                    f"But it ranks the test rows as well as {w.baseline} ({ranks}, paired, "
                    f"{level}): the scores are comparable and the thresholded metric is not, so "
                    f"check the operating threshold of {w.candidate} (chosen on which rows, "
                    "for which metric, on calibrated scores?) before changing the model."
                )
            else:
                action = (
                    "This approach is not worth pursuing as is: try a different model family, "
                    "or look for a bug (ids misaligned with predictions, inverted scores, "
                    "wrong positive class)."
                )
            return self.fire(
                f"{w.candidate} is worse than the {w.baseline} baseline on {w.metric}: "
                f"{fmt(w.value_candidate)} vs {fmt(w.value_baseline)}, paired difference "
                f"{w.describe()} ({level} interval, {w.method}). "
                + (f"Also: {others}. " if others else "")
                + action,
                subject=w.candidate,
                **_pair_numbers(w),
                n_worse=len(worse),
                check_threshold=threshold,
            )
        best = max(comparisons, key=lambda c: c.gain)
        return self.passed(
            f"no model is significantly worse than a baseline rung "
            f"({len(comparisons)} paired comparisons; e.g. {best.candidate} vs {best.baseline} "
            f"{best.describe()}).",
            n_comparisons=len(comparisons),
        )


class CloseToBestBaseline(Rule):
    """A model is within the paired interval of the best baseline: more data or tune harder.

    "Best" is the results table's ranking (test value, as
    :attr:`~mlplan.records.run.RunResult.best` stars it). Without external models
    the candidate is the best trained rung itself, compared with the next baseline
    in that ranking. The choice between more data and harder tuning is the fit
    diagnosis (:func:`~mlplan.core.advise.diagnosis.diagnose`) of the rung named
    best, so it never disagrees with ADV003 about that rung.
    """

    code = "ADV002"
    title = "Within the interval of the best baseline"
    severity = "tip"
    stage = "training"
    close_when = "a model whose paired interval against the best baseline lies above zero"

    def check(self, evidence: Evidence) -> Finding:
        _require_candidates(evidence)
        ranked = evidence.ranked
        position = {e.name: i for i, e in enumerate(ranked)}
        baselines = {b.name for b in evidence.baselines}
        tied = []
        for candidate in sorted(evidence.candidates, key=lambda c: position.get(c.name, 0)):
            rivals = [e for e in ranked if e.name in baselines and e.name != candidate.name]
            found = evidence.comparison(candidate.name, rivals[0].name) if rivals else None
            if found is not None:
                tied.append((candidate, rivals[0], found))
        if not tied:
            raise NotApplicable("no baseline rung has a value to compare with")
        close = [t for t in tied if t[2].tied]
        if not close:
            c, b, d = tied[0]
            verdict = "better than" if d.better else "worse than"
            return self.passed(
                f"{c.name} is significantly {verdict} the best baseline {b.name}: "
                f"difference {d.describe()}.",
                candidate=c.name,
                baseline=b.name,
                difference=d.difference,
            )
        candidate, rival, d = close[0]
        ahead = position.get(candidate.name, 0) < position.get(rival.name, 0)
        best = candidate if ahead and candidate.name in baselines else rival
        level = pct(evidence.confidence)
        if best is candidate:
            lead = (
                f"{candidate.name}, the best baseline in the results table "
                f"({interval_text(candidate)}), is within the {level} paired interval of the "
                f"next baseline, {rival.name}: difference {d.describe()} on {d.metric}. "
            )
        else:
            lead = (
                f"{candidate.name} ({interval_text(candidate)}) is within the {level} paired "
                f"interval of the best baseline {rival.name} ({interval_text(rival)}): "
                f"difference {d.describe()} on {d.metric}. "
            )
        stage, action = self._next_step(evidence, best)
        return self.fire(
            lead + action,
            stage=stage,
            subject=candidate.name,
            **_pair_numbers(d),
            best_baseline=best.name,
            diagnosed=best.name,
        )

    @staticmethod
    def _next_step(evidence: Evidence, rung: Evaluation) -> tuple[Stage, str]:
        """More data or tune harder, from the fit diagnosis of the rung named best."""
        fit = diagnose(evidence, rung)
        if fit is None:
            return "training", (
                f"{rung.name} has no train/validation scores to choose between collecting more "
                "data and tuning harder; run a trained rung of the same family."
            )
        return fit.stage, f"{fit.numbers}. {fit.action}"


class ScriptedMatchesML(Rule):
    """A scripted (rule-based) baseline matches or beats every ML model: do you need ML?"""

    code = "ADV008"
    title = "A scripted rule matches every ML model"
    severity = "issue"
    stage = "planning"
    close_when = "an ML model whose paired interval against the scripted rule lies above zero"

    def check(self, evidence: Evidence) -> Finding:
        if not evidence.scripted:
            raise NotApplicable("the run has no scripted (rule-based) baseline")
        if not evidence.ml:
            raise NotApplicable("no ML model to compare with the scripted baseline")
        for name in evidence.scripted:
            scripted = evidence.evaluation(name)
            if scripted is None or scripted.value is None:
                continue
            pairs = [evidence.comparison(m.name, name) for m in evidence.ml]
            judged = [p for p in pairs if p is not None]
            if not judged:
                continue
            winners = [p for p in judged if p.better]
            if not winners:
                best = max(judged, key=lambda p: p.gain)
                return self.fire(
                    f"the scripted rule {name} ({interval_text(scripted)}) is matched or beaten "
                    f"by no ML model: the best, {best.candidate}, differs by {best.describe()} "
                    "(paired). Do you need ML? Ship the rule, or re-scope to where a rule "
                    "cannot reach.",
                    scripted=name,
                    best_ml=best.candidate,
                    difference=best.difference,
                    lo=best.lo,
                    hi=best.hi,
                )
            top = max(winners, key=lambda p: p.gain)
            return self.passed(
                f"{top.candidate} beats the scripted rule {name} by {top.describe()} (paired).",
                scripted=name,
                best_ml=top.candidate,
            )
        raise NotApplicable("the scripted baselines have no value of the plan's metric")


class PublishedFarAbove(Rule):
    """A published result is far above every measured rung: check fairness, or go stronger."""

    code = "ADV010"
    title = "Published result far above every rung"
    severity = "tip"
    stage = "training"
    close_when = "a measured model whose interval reaches the published result"

    def check(self, evidence: Evidence) -> Finding:
        keys = {k for k in (evidence.metric, evidence.optimise) if k}
        declared = [
            (p, next(p.metrics[k] for k in keys if k in p.metrics))
            for p in evidence.published
            if keys & set(p.metrics)
        ]
        if not declared:
            raise NotApplicable(
                "no published result states the plan's metric"
                + (f" ({evidence.optimise})" if evidence.optimise else "")
            )
        measured = [e for e in evidence.ml if e.value is not None]
        if not measured:
            raise NotApplicable("no measured model has a value of the plan's metric")
        sign = 1.0 if evidence.higher_is_better else -1.0
        top = max(measured, key=lambda e: sign * (e.hi if e.hi is not None else e.value))  # type: ignore[operator]
        reach = top.hi if evidence.higher_is_better else top.lo
        reach = top.value if reach is None else reach
        assert reach is not None and top.value is not None
        for paper, value in declared:
            margin = sign * (value - reach)
            relative = sign * (value - top.value) / max(abs(top.value), 1e-12)
            if margin > 0 and relative > PUBLISHED_FAR_RELATIVE:
                fair = []
                if paper.same_data is not True:
                    fair.append(
                        "the same data"
                        if paper.same_data is False
                        else "the same data (not stated)"
                    )
                if paper.same_split is not True:
                    fair.append(
                        "the same split"
                        if paper.same_split is False
                        else "the same split (not stated)"
                    )
                check = (
                    "Check the comparison is fair: " + ", ".join(fair) + "; if it is, "
                    if fair
                    else "The comparison is declared fair, so "
                )
                return self.fire(
                    f"{paper.name} reports {fmt(value)}, {relative:.0%} beyond the best measured "
                    f"model {top.name} ({interval_text(top)}). {check}a stronger model family "
                    "is the way forward.",
                    subject=top.name,
                    published=paper.name,
                    published_value=value,
                    best=top.name,
                    best_value=top.value,
                )
        paper, value = declared[0]
        return self.passed(
            f"{paper.name} reports {fmt(value)}; the best measured model {top.name} is at "
            f"{interval_text(top)}, not far below.",
            published=paper.name,
        )
