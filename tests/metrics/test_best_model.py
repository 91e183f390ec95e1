"""Which model is "best": one rule for the results table, the advice and the report."""

from __future__ import annotations

from mlplan.records.evaluation import ConstraintCheck, Evaluation, best_evaluation


def _model(name: str, value: float, precision: float, lo: float, hi: float) -> Evaluation:
    check = ConstraintCheck(
        name="precision", op=">=", bound=0.5, value=precision, lo=lo, hi=hi, holds=precision >= 0.5
    )
    return Evaluation(
        name=name, source="model", metric="recall s.t. precision >= 0.5", value=value,
        lo=value - 0.02, hi=value + 0.02, constraints=(check,),
    )  # fmt: skip


def test_a_constraint_missed_within_noise_still_competes() -> None:
    """The demo's case: 0.494 [0.476, 0.512] against >= 0.5 is not disqualifying."""
    meets = _model("linear", 0.447, 0.505, 0.49, 0.52)
    within_noise = _model("blend", 0.476, 0.494, 0.476, 0.512)
    assert within_noise.constraints[0].shown_violated is False
    assert best_evaluation([meets, within_noise], higher_is_better=True) is within_noise


def test_a_constraint_missed_beyond_noise_wins_only_when_every_model_misses() -> None:
    meets = _model("linear", 0.447, 0.505, 0.49, 0.52)
    beyond = _model("no-weather", 0.535, 0.410, 0.394, 0.426)
    assert beyond.constraints[0].shown_violated is True
    assert best_evaluation([meets, beyond], higher_is_better=True) is meets
    assert best_evaluation([beyond], higher_is_better=True) is beyond
    assert best_evaluation([], higher_is_better=True) is None
