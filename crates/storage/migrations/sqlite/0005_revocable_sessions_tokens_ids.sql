-- Sessions know their account, so that all of an account's sessions can be ended at once
-- (password change, "log out everywhere"); ended sessions and revoked tokens are announced in
-- session_revocations, which every instance reads to drop what it has cached.
ALTER TABLE sessions ADD COLUMN user_id INTEGER REFERENCES users(id);
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE session_revocations (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id       TEXT,
    user_id          INTEGER,
    keep_session_id  TEXT,
    token_id         INTEGER,
    revoked_at       TEXT NOT NULL
);
CREATE INDEX session_revocations_at ON session_revocations (revoked_at);

-- Personal API tokens: only a SHA-256 digest of the token is kept.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id DESC);

-- Prediction ids are never reused (AUTOINCREMENT): a deleted prediction's URL can never name
-- someone else's newer prediction. SQLite cannot add it to a table, so the table is rebuilt.
CREATE TABLE predictions_new (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id               INTEGER REFERENCES users(id),
    session_id            TEXT,
    created_at            TEXT NOT NULL,
    league_id             INTEGER NOT NULL REFERENCES leagues(id),
    home_team_id          INTEGER NOT NULL REFERENCES teams(id),
    away_team_id          INTEGER NOT NULL REFERENCES teams(id),
    p_home                REAL NOT NULL,
    p_draw                REAL NOT NULL,
    p_away                REAL NOT NULL,
    predicted_home_goals  INTEGER NOT NULL,
    predicted_away_goals  INTEGER NOT NULL,
    xg_home               REAL NOT NULL,
    xg_away               REAL NOT NULL,
    outcome               TEXT NOT NULL CHECK (outcome IN ('H', 'D', 'A')),
    confidence            REAL NOT NULL,
    model_version_id      INTEGER REFERENCES model_versions(id),
    is_archived           BOOLEAN NOT NULL DEFAULT FALSE,
    archived_at           TEXT,
    match_id              INTEGER REFERENCES matches(id),
    actual_home_goals     INTEGER,
    actual_away_goals     INTEGER,
    actual_result         TEXT,
    CHECK (user_id IS NOT NULL OR session_id IS NOT NULL)
);
INSERT INTO predictions_new SELECT * FROM predictions;
DROP TABLE predictions;
ALTER TABLE predictions_new RENAME TO predictions;
CREATE INDEX predictions_user_active ON predictions (user_id, is_archived, created_at DESC, id DESC)
    WHERE user_id IS NOT NULL;
CREATE INDEX predictions_session_active ON predictions (session_id, is_archived, created_at DESC, id DESC)
    WHERE session_id IS NOT NULL;
CREATE INDEX predictions_active_created ON predictions (created_at) WHERE is_archived = FALSE;
CREATE INDEX predictions_archived_at ON predictions (archived_at) WHERE is_archived = TRUE;
