"""The champion in the store: who was accepted, on which test set, with which predictions.

A promotion writes one ``champion`` event (name, source file, predictions
fingerprint, test fingerprint, who/when/why) and one row of the ``champions``
table holding the predictions as ``.npy`` bytes (never pickled).  Accepting a new
test set writes a ``decision`` event.  Every gate run writes a ``gate`` event.
The writers take an open transaction: the gate command writes all of it at once.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mlplan.io.store.sqlite import Store, Tx, utc_now

__all__ = [
    "NEW_TEST_SET",
    "ChampionRecord",
    "accepted_test_fingerprint",
    "latest_champion",
    "predictions_fingerprint",
    "promote",
    "who",
]

NEW_TEST_SET = "accept_new_test_set"


@dataclass(frozen=True, kw_only=True)
class ChampionRecord:
    """The last accepted model, as stored."""

    id: int
    event_id: int
    accepted_at: str
    name: str
    test_fingerprint: str
    threshold: float | None
    pred: NDArray[Any]
    score: NDArray[Any] | None
    payload: dict[str, Any]


def who() -> str:
    """Who is acting: the CI actor when known, else the login name."""
    for variable in ("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR", "USER"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def predictions_fingerprint(pred: NDArray[Any], score: NDArray[Any] | None) -> str:
    """Short hash of a model's test predictions."""
    digest = hashlib.sha256(np.ascontiguousarray(pred).tobytes())
    if score is not None:
        digest.update(np.ascontiguousarray(score).tobytes())
    return digest.hexdigest()[:16]


def latest_champion(store: Store) -> ChampionRecord | None:
    """The plan's last accepted champion, or None."""
    row = store.latest_champion()
    if row is None:
        return None
    return ChampionRecord(
        id=row["id"],
        event_id=row["event_id"],
        accepted_at=row["accepted_at"],
        name=row["name"],
        test_fingerprint=row["test_fingerprint"],
        threshold=row["threshold"],
        pred=row["pred"],
        score=row["score"],
        payload=row["payload"],
    )


def accepted_test_fingerprint(store: Store) -> tuple[str | None, str]:
    """The test fingerprint the gate must match, and where it comes from.

    The newest of: the champion's test set, or a test set accepted with
    ``--accept-new-test-set``.
    """
    champion = latest_champion(store)
    decisions = [
        e for e in store.events("decision") if e["payload"].get("decision") == NEW_TEST_SET
    ]
    last = decisions[-1] if decisions else None
    if last is not None and (champion is None or last["id"] > champion.event_id):
        return str(last["payload"]["test_fingerprint"]), f"the test set accepted on {last['at']}"
    if champion is not None:
        return champion.test_fingerprint, f"the champion {champion.name!r}"
    return None, "nothing yet"


def promote(
    tx: Tx,
    *,
    name: str,
    source: str,
    pred: NDArray[Any],
    score: NDArray[Any] | None,
    threshold: float | None,
    test_fingerprint: str,
    reason: str | None,
    gate_summary: dict[str, Any],
) -> dict[str, Any]:
    """Make a model the champion (event + predictions) inside ``tx``; returns the payload."""
    now = utc_now()
    payload: dict[str, Any] = {
        "summary": f"champion: {name}",
        "name": name,
        "source": source,
        "predictions_fingerprint": predictions_fingerprint(pred, score),
        "test_fingerprint": test_fingerprint,
        "threshold": threshold,
        "who": who(),
        "when": now,
        "why": reason or "passed the regression gate",
        "gate": gate_summary,
    }
    event_id = tx.add_event("champion", payload, at=now)
    tx.add_champion(
        event_id=event_id,
        accepted_at=now,
        name=name,
        test_fingerprint=test_fingerprint,
        threshold=threshold,
        pred=pred,
        score=score,
    )
    return payload
