-- Fixtures: matches announced but not yet played, one per league, season and pairing (a
-- re-dated fixture keeps its row). `match_id` is set when the result is imported; the model's
-- forecast is kept up to date until then and stays as it was at kick-off afterwards.
CREATE TABLE fixtures (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    league_id         INTEGER NOT NULL REFERENCES leagues(id),
    season            TEXT NOT NULL,
    match_date        TEXT NOT NULL,
    kickoff_time      TEXT,
    home_team_id      INTEGER NOT NULL REFERENCES teams(id),
    away_team_id      INTEGER NOT NULL REFERENCES teams(id),
    ps_home           REAL,
    ps_draw           REAL,
    ps_away           REAL,
    avg_home          REAL,
    avg_draw          REAL,
    avg_away          REAL,
    b365_home         REAL,
    b365_draw         REAL,
    b365_away         REAL,
    ou25_over         REAL,
    ou25_under        REAL,
    pou25_over        REAL,
    pou25_under       REAL,
    match_id          INTEGER REFERENCES matches(id),
    forecast_version  INTEGER REFERENCES model_versions(id),
    forecast_home     REAL,
    forecast_draw     REAL,
    forecast_away     REAL,
    forecast_xg_home  REAL,
    forecast_xg_away  REAL,
    updated_at        TEXT NOT NULL,
    UNIQUE (league_id, season, home_team_id, away_team_id)
);
CREATE INDEX fixtures_upcoming ON fixtures (league_id, match_date) WHERE match_id IS NULL;
CREATE INDEX fixtures_played ON fixtures (match_id) WHERE match_id IS NOT NULL;

-- A prediction made from a fixture is tied to it; grading finds the ungraded ones of a
-- pairing through a partial index, so stored graded predictions cost an import nothing.
ALTER TABLE predictions ADD COLUMN fixture_id INTEGER REFERENCES fixtures(id);
CREATE INDEX predictions_ungraded ON predictions (league_id, home_team_id, away_team_id)
    WHERE match_id IS NULL;
CREATE INDEX predictions_graded ON predictions (match_id) WHERE match_id IS NOT NULL;

-- Moved by every import, sync and refit that changed something: servers poll it to reload
-- data written by another process.
CREATE TABLE data_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO data_state (id, version) VALUES (1, 1);
