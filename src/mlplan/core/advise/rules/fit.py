"""Rules on how the trained rungs fit: ADV003 overfitting, ADV004 underfitting, ADV012 leakage, ADV015 shift."""

from __future__ import annotations

from mlplan.core.advise.rule import NotApplicable, Rule
from mlplan.core.advise.rules._common import OVERFIT_RELATIVE_GAP, fit_gap, fmt, interval_text
from mlplan.records.advice import Finding
from mlplan.records.evidence import Evidence

__all__ = ["LeakageSuspected", "Overfitting", "TestBelowValidation", "Underfitting"]


class Overfitting(Rule):
    """A trained rung scores far better on its fitting folds than on validation."""

    code = "ADV003"
    title = "Overfitting"
    severity = "issue"
    stage = "data"
    close_when = (
        f"every trained rung's train/validation gap within {OVERFIT_RELATIVE_GAP:.0%} of its "
        "train score, or inside the validation interval"
    )

    def check(self, evidence: Evidence) -> Finding:
        hib = evidence.higher_is_better
        rungs = [e for e in evidence.ml if fit_gap(e, hib) is not None]
        if not rungs:
            raise NotApplicable("no trained rung has both train and validation fold scores")
        over = []
        for e in rungs:
            _, relative = fit_gap(e, hib)  # type: ignore[misc]
            if hib:
                outside = e.cv_hi is None or e.cv_hi < e.cv_train_mean  # type: ignore[operator]
            else:
                outside = e.cv_lo is None or e.cv_lo > e.cv_train_mean  # type: ignore[operator]
            if relative > OVERFIT_RELATIVE_GAP and outside:
                over.append((relative, e))
        if over:
            relative, e = max(over, key=lambda t: t[0])
            return self.fire(
                f"{e.name} scores {fmt(e.cv_train_mean)} on its fitting folds but "
                f"{fmt(e.cv_mean)} [{fmt(e.cv_lo)}, {fmt(e.cv_hi)}] on validation: a gap of "
                f"{relative:.0%} of the train score (threshold {OVERFIT_RELATIVE_GAP:.0%}), "
                "outside the validation interval. Collect more labelled data (back to the "
                "data stage), then regularise or simplify the model.",
                rung=e.name,
                train=e.cv_train_mean,
                validation=e.cv_mean,
                relative_gap=relative,
            )
        gaps = [(g[1], e) for e in rungs if (g := fit_gap(e, hib)) is not None]
        relative, e = max(gaps, key=lambda t: t[0])
        return self.passed(
            f"largest train/validation gap: {e.name} {fmt(e.cv_train_mean)} vs "
            f"{fmt(e.cv_mean)} ({relative:.0%} of the train score; threshold "
            f"{OVERFIT_RELATIVE_GAP:.0%}).",
            rung=e.name,
            relative_gap=relative,
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
        gap = fit_gap(best, hib)
        if gap is not None and gap[1] > OVERFIT_RELATIVE_GAP:
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
    """The test rows score below cross-validation: they differ from the training rows."""

    code = "ADV015"
    title = "Test rows unlike the training rows"
    severity = "issue"
    stage = "data"
    close_when = "every trained rung's cross-validation mean inside or below its test interval"

    def check(self, evidence: Evidence) -> Finding:
        hib = evidence.higher_is_better
        judged = [
            e for e in evidence.ml if e.source == "rung" and None not in (e.cv_mean, e.lo, e.hi)
        ]
        if not judged:
            raise NotApplicable("no trained rung with both a test interval and a CV mean")
        shifted = [
            e
            for e in judged
            if ((e.hi < e.cv_mean) if hib else (e.lo > e.cv_mean))  # type: ignore[operator]
        ]
        if not shifted:
            return self.passed(
                "every trained rung's CV mean lies inside or beyond its test interval ("
                + ", ".join(
                    f"{e.name} {interval_text(e)} vs CV {fmt(e.cv_mean)}" for e in judged[:3]
                )
                + ")."
            )
        worst = max(shifted, key=lambda e: abs(float(e.cv_mean) - float(e.value)))  # type: ignore[arg-type]
        return self.fire(
            f"{len(shifted)} of {len(judged)} trained rungs score worse on the test rows than "
            f"in cross-validation beyond the test interval; {worst.name}: test "
            f"{interval_text(worst)} vs CV {fmt(worst.cv_mean)}. The held-out rows differ "
            "from the training rows (with a time split: the period tested is not like the "
            "periods trained on). Collect data that looks like the rows the model will "
            "see, or weigh recent rows more, before tuning against this test set.",
            shifted=[e.name for e in shifted],
            worst=worst.name,
            test=worst.value,
            cv_mean=worst.cv_mean,
        )
