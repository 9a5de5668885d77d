-- SQLite checks `outcome IN ('H', 'D', 'A')` by building a temporary B-tree of the three
-- values for every row it inserts (OpenEphemeral and three inserts into it, per row of a
-- multi-row INSERT): about 8,400 instructions a row, more than the table and all its indexes
-- together. Three comparisons say the same. SQLite cannot change a CHECK constraint in
-- place, so the table is rebuilt with the same columns in the same order, its indexes made
-- again, and its AUTOINCREMENT counter kept (a deleted prediction's id is never handed out
-- again).
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
    outcome               TEXT NOT NULL CHECK (outcome = 'H' OR outcome = 'D' OR outcome = 'A'),
    confidence            REAL NOT NULL,
    model_version_id      INTEGER REFERENCES model_versions(id),
    is_archived           BOOLEAN NOT NULL DEFAULT FALSE,
    archived_at           TEXT,
    match_id              INTEGER REFERENCES matches(id),
    actual_home_goals     INTEGER,
    actual_away_goals     INTEGER,
    actual_result         TEXT,
    fixture_id            INTEGER REFERENCES fixtures(id),
    notified_at           TEXT,
    CHECK (user_id IS NOT NULL OR session_id IS NOT NULL)
);
INSERT INTO predictions_new SELECT * FROM predictions;
DELETE FROM sqlite_sequence WHERE name = 'predictions_new';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'predictions_new', seq FROM sqlite_sequence WHERE name = 'predictions';
DROP TABLE predictions;
ALTER TABLE predictions_new RENAME TO predictions;
CREATE INDEX predictions_active_created ON predictions (created_at) WHERE is_archived = FALSE;
CREATE INDEX predictions_archived_at ON predictions (archived_at) WHERE is_archived = TRUE;
CREATE INDEX predictions_ungraded ON predictions (league_id, home_team_id, away_team_id)
    WHERE match_id IS NULL;
CREATE INDEX predictions_graded ON predictions (match_id) WHERE match_id IS NOT NULL;
CREATE INDEX predictions_to_notify ON predictions (user_id)
    WHERE match_id IS NOT NULL AND notified_at IS NULL AND user_id IS NOT NULL;
CREATE INDEX predictions_user_active ON predictions (user_id, is_archived, created_at, id)
    WHERE user_id IS NOT NULL;
CREATE INDEX predictions_session_active ON predictions (session_id, is_archived, created_at, id)
    WHERE session_id IS NOT NULL;
