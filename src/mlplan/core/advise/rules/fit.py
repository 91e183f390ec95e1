"""Rules on how the trained rungs fit: ADV003 overfitting, ADV004 underfitting, ADV012 leakage, ADV015 shift."""

from __future__ import annotations

from mlplan.core.advise.diagnosis import GAP_SHARE, diagnose
from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules._common import fmt, interval_text
from mlplan.records.advice import Finding
from mlplan.records.evaluation import Evaluation
from mlplan.records.evidence import Evidence

__all__ = ["LeakageSuspected", "Overfitting", "TestBelowValidation", "Underfitting"]


class Overfitting(Rule):
    """A trained rung's train/validation gap hurts: more data, or regularise.

    The gap alone is not overfitting worth acting on (see
    :mod:`~mlplan.core.advise.diagnosis`): it hurts when a rung with a smaller gap
    does better both in validation and on the test rows, or when the test score
    falls below validation. The stage follows the learning curve: data when more
    data helps (or no curve says otherwise), training when the curve is flat or
    the requirement is out of reach.
    """

    code = "ADV003"
    title = "Overfitting"
    severity = "issue"
    stage = "data"
    close_when = (
        f"every trained rung's train/validation gap below {GAP_SHARE:.0%} of its train score "
        "or inside the validation interval, or a gap that does not hurt (no rung with a "
        "smaller gap better in validation and on test, test agreeing with validation)"
    )

    def check(self, evidence: Evidence) -> Finding:
        found = [d for e in evidence.ml if (d := diagnose(evidence, e)) is not None]
        if not found:
            raise NotApplicable("no trained rung has both train and validation fold scores")
        hurting = [d for d in found if d.verdict == "variance"]
        if hurting:
            d = max(hurting, key=lambda d: d.relative_gap)
            return self.fire(
                f"{d.numbers}, outside the validation interval. {d.action}",
                stage=d.stage,
                subject=d.rung,
                rung=d.rung,
                relative_gap=d.relative_gap,
                hurts=list(d.hurts),
                learning_curve=d.outlook.trend,
            )
        benign = [d for d in found if d.verdict == "benign"]
        if benign:
            d = max(benign, key=lambda d: d.relative_gap)
            return self.passed(
                f"{d.numbers}: a gap, but it does not hurt ({'; '.join(d.clears)}).",
                rung=d.rung,
                relative_gap=d.relative_gap,
                learning_curve=d.outlook.trend,
            )
        d = max(found, key=lambda d: d.relative_gap)
        return self.passed(
            f"largest train/validation gap: {d.numbers}; a gap counts from {GAP_SHARE:.0%} of "
            "the train score, outside the validation interval.",
            rung=d.rung,
            relative_gap=d.relative_gap,
        )


class Underfitting(Rule):
    """Even on its fitting folds the best trained rung misses the requirement or the dummy."""

    code = "ADV004"
    title = "Underfitting"
    severity = "issue"
    stage = "training"
    close_when = (
        "a trained rung whose score on its own fitting folds meets the requirement and is "
        "above the dummy's validation interval"
    )

    def check(self, evidence: Evidence) -> Finding:
        hib = evidence.higher_is_better
        rungs = [e for e in evidence.ml if e.cv_train_mean is not None]
        if not rungs:
            raise NotApplicable("no trained rung has scores on its fitting folds")
        sign = 1.0 if hib else -1.0
        best = max(rungs, key=lambda e: sign * e.cv_train_mean)  # type: ignore[operator]
        train = float(best.cv_train_mean)  # type: ignore[arg-type]
        fit = diagnose(evidence, best)
        if fit is not None and fit.gap:
            return self.passed(
                f"{best.name} fits its training folds well ({fmt(train)}; validation "
                f"{fmt(best.cv_mean)}): the problem, if any, is variance, not bias.",
                rung=best.name,
                train=train,
            )
        reasons = []
        target = evidence.requirement_target()
        dummy = evidence.dummy
        if target is not None and not evidence.beats(train, target[1]):
            reasons.append(f"below the requirement {target[0]} {fmt(target[1])}")
        if dummy is not None and dummy.cv_mean is not None:
            ceiling = dummy.cv_hi if hib else dummy.cv_lo
            ceiling = dummy.cv_mean if ceiling is None else ceiling
            if not evidence.beats(train, ceiling) or train == ceiling:
                reasons.append(
                    f"no better than the dummy's validation score {fmt(dummy.cv_mean)} "
                    f"[{fmt(dummy.cv_lo)}, {fmt(dummy.cv_hi)}]"
                )
        if target is None and (dummy is None or dummy.cv_mean is None):
            raise NotApplicable(
                "no requirement on the plan's metric and no dummy validation score to judge "
                "the training score against"
            )
        if reasons:
            return self.fire(
                f"the best trained rung, {best.name}, scores only {fmt(train)} on its own "
                f"fitting folds (validation {fmt(best.cv_mean)}): "
                + " and ".join(reasons)
                + ". It cannot fit even the data it sees: try a bigger model family, better "
                "features or less regularisation before collecting more data.",
                subject=best.name,
                rung=best.name,
                train=train,
                validation=best.cv_mean,
                requirement=target[1] if target else None,
            )
        return self.passed(
            f"{best.name} fits its training folds to {fmt(train)}"
            + (f", above the requirement {fmt(target[1])}" if target else "")
            + ".",
            rung=best.name,
            train=train,
        )


class LeakageSuspected(Rule):
    """A leakage warning from the ladder, or a test score suspiciously above cross-validation."""

    code = "ADV012"
    title = "Possible leakage"
    severity = "issue"
    stage = "data"
    close_when = (
        "no leakage warning, and every trained rung's test interval overlapping its "
        "cross-validation interval or below it"
    )

    def check(self, evidence: Evidence) -> Finding:
        hib = evidence.higher_is_better
        suspicious = []
        for e in evidence.ml:
            if e.cv_mean is None or e.lo is None or e.hi is None or e.cv_hi is None:
                continue
            if (e.lo > e.cv_hi) if hib else (e.hi < e.cv_lo):  # type: ignore[operator]
                suspicious.append(e)
        warnings = [n for n in evidence.leakage if n.severity != "info"]
        if warnings or suspicious:
            parts = [n.message for n in warnings]
            parts += [
                f"{e.name} scores {interval_text(e)} on the test rows, above its "
                f"cross-validation {fmt(e.cv_mean)} [{fmt(e.cv_lo)}, {fmt(e.cv_hi)}]"
                for e in suspicious
            ]
            return self.fire(
                "; ".join(parts)
                + ". Stop and check the data: a column known only after the outcome, "
                "duplicated rows across the split, or ids that encode the label.",
                warnings=[n.message for n in warnings],
                suspicious=[e.name for e in suspicious],
            )
        judged = [e for e in evidence.ml if e.cv_mean is not None and e.value is not None]
        if not judged:
            raise NotApplicable(
                "no leakage warning recorded and no trained rung with both test and "
                "cross-validation scores"
            )
        return self.passed(
            "no leakage warning (info notes are handled by the ladder); no test score is "
            "above its cross-validation interval ("
            + ", ".join(f"{e.name} {fmt(e.value)} vs CV {fmt(e.cv_mean)}" for e in judged[:3])
            + ")."
        )


class TestBelowValidation(Rule):
    """The test rows score below cross-validation: they differ from the training rows.

    Both numbers are uncertain: the test value by its bootstrap interval, the CV
    mean by its interval over the folds (wide for a constrained metric on a few
    folds). The rule fires only when the gap is significant against both, so a
    CV mean that is merely noisy never sends the project back to the data stage.
    """

    code = "ADV015"
    title = "Test rows unlike the training rows"
    severity = "issue"
    stage = "data"
    close_when = (
        "every trained rung's test score within noise of its cross-validation mean "
        "(both intervals counted)"
    )

    def check(self, evidence: Evidence) -> Finding:
        hib = evidence.higher_is_better
        judged = [
            e
            for e in evidence.ml
            if e.source == "rung" and None not in (e.value, e.cv_mean, e.lo, e.hi)
        ]
        if not judged:
            raise NotApplicable("no trained rung with both a test interval and a CV mean")
        gaps = {e.name: _shortfall_z(e, hib) for e in judged}
        shifted = [e for e in judged if gaps[e.name] > _Z_95]
        if not shifted:
            return self.passed(
                "no trained rung scores significantly worse on the test rows than in "
                "cross-validation, both intervals counted ("
                + ", ".join(
                    f"{e.name} {interval_text(e)} vs CV {fmt(e.cv_mean)} "
                    f"[{fmt(e.cv_lo)}, {fmt(e.cv_hi)}]"
                    for e in judged[:3]
                )
                + ")."
            )
        worst = max(shifted, key=lambda e: gaps[e.name])
        return self.fire(
            f"{len(shifted)} of {len(judged)} trained rungs score significantly worse on the "
            f"test rows than in cross-validation; {worst.name}: test {interval_text(worst)} "
            f"vs CV {fmt(worst.cv_mean)} [{fmt(worst.cv_lo)}, {fmt(worst.cv_hi)}] "
            f"(gap {gaps[worst.name]:.1f} standard errors). The held-out rows differ "
            "from the training rows (with a time split: the period tested is not like the "
            "periods trained on). Collect data that looks like the rows the model will "
            "see, or weigh recent rows more, before tuning against this test set.",
            shifted=[e.name for e in shifted],
            worst=worst.name,
            test=worst.value,
            cv_mean=worst.cv_mean,
            z=gaps[worst.name],
        )


#: Two-sided 95 % normal quantile: interval half-widths are read as 1.96 standard errors.
_Z_95 = 1.959964


def _shortfall_z(e: Evaluation, higher_is_better: bool) -> float:
    """How many standard errors the test score falls short of the CV mean (<= 0: no shortfall).

    Half-widths are divided by the normal quantile; the CV interval is a t-interval
    over a few folds, so its standard error is overstated, which errs towards silence.
    """
    value, cv = float(e.value), float(e.cv_mean)  # type: ignore[arg-type]
    shortfall = (cv - value) if higher_is_better else (value - cv)
    se_test = (float(e.hi) - float(e.lo)) / (2 * _Z_95)  # type: ignore[arg-type]
    if e.cv_lo is not None and e.cv_hi is not None:
        se_cv = (float(e.cv_hi) - float(e.cv_lo)) / (2 * _Z_95)
    else:
        se_cv = 0.0
    se = (se_test**2 + se_cv**2) ** 0.5
    if se == 0.0:
        return float("inf") if shortfall > 0 else 0.0
    return shortfall / se
