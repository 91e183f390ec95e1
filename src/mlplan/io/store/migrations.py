"""Schema migrations of the store, applied in order, each in its own transaction.

Never edit a released migration: append a new one. ``MIGRATIONS[i]`` brings the
schema from version ``i`` to ``i + 1``.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id               INTEGER PRIMARY KEY,
        started_at       TEXT NOT NULL,
        finished_at      TEXT NOT NULL,
        project          TEXT NOT NULL,
        stage            TEXT NOT NULL,
        plan_hash        TEXT NOT NULL,
        data_fingerprint TEXT NOT NULL,
        test_fingerprint TEXT NOT NULL,
        git_sha          TEXT,
        command          TEXT NOT NULL,
        summary          TEXT NOT NULL          -- JSON: task, metric, notes
    );
    CREATE TABLE splits (
        id               INTEGER PRIMARY KEY,
        created_at       TEXT NOT NULL,
        data_fingerprint TEXT NOT NULL,
        strategy         TEXT NOT NULL,
        config           TEXT NOT NULL,         -- JSON of the plan's split section
        test_fingerprint TEXT NOT NULL,
        train_ids        BLOB NOT NULL,         -- zlib-compressed JSON list
        test_ids         BLOB NOT NULL,
        note             TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE evaluations (
        run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        source     TEXT NOT NULL,               -- rung | model | declared
        value      REAL,
        lo         REAL,
        hi         REAL,
        threshold  REAL,
        record     TEXT NOT NULL,               -- JSON of the whole Evaluation
        PRIMARY KEY (run_id, name)
    );
    CREATE TABLE predictions (
        run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name    TEXT NOT NULL,
        part    TEXT NOT NULL,                  -- pred | score
        array   BLOB NOT NULL,                  -- .npy bytes, never pickled
        PRIMARY KEY (run_id, name, part)
    );
    CREATE TABLE events (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,
        kind    TEXT NOT NULL,                  -- stage | decision | gate | ...
        payload TEXT NOT NULL                   -- JSON
    );
    """,
    # 1 -> 2: champions accepted by the regression gate, with their test predictions
    """
    CREATE TABLE champions (
        id               INTEGER PRIMARY KEY,
        event_id         INTEGER NOT NULL REFERENCES events(id),
        accepted_at      TEXT NOT NULL,
        name             TEXT NOT NULL,
        test_fingerprint TEXT NOT NULL,          -- test ids + labels it was scored on
        threshold        REAL,                   -- its operating point, when scored
        pred             BLOB NOT NULL,          -- .npy bytes, never pickled
        score            BLOB                    -- .npy bytes or NULL
    );
    """,
    # 2 -> 3: a store per plan. Every run, split, event and champion belongs to one plan
    # (its key: the plan file's name in the store's folder, or its absolute path when
    # the store lives elsewhere). Rows written before this belonged to the folder's
    # default plan, mlplan.yaml.
    """
    ALTER TABLE runs ADD COLUMN plan TEXT NOT NULL DEFAULT 'mlplan.yaml';
    ALTER TABLE splits ADD COLUMN plan TEXT NOT NULL DEFAULT 'mlplan.yaml';
    ALTER TABLE events ADD COLUMN plan TEXT NOT NULL DEFAULT 'mlplan.yaml';
    ALTER TABLE champions ADD COLUMN plan TEXT NOT NULL DEFAULT 'mlplan.yaml';
    CREATE INDEX runs_by_plan ON runs (plan, id);
    CREATE INDEX splits_by_plan ON splits (plan, id);
    CREATE INDEX events_by_plan ON events (plan, kind, id);
    CREATE INDEX champions_by_plan ON champions (plan, id);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
