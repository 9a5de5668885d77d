-- Fixtures: matches announced but not yet played, one per league, season and pairing (a
-- re-dated fixture keeps its row). `match_id` is set when the result is imported; the model's
-- forecast is kept up to date until then and stays as it was at kick-off afterwards.
CREATE TABLE fixtures (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    league_id         BIGINT NOT NULL REFERENCES leagues(id),
    season            TEXT NOT NULL,
    match_date        DATE NOT NULL,
    kickoff_time      TEXT,
    home_team_id      BIGINT NOT NULL REFERENCES teams(id),
    away_team_id      BIGINT NOT NULL REFERENCES teams(id),
    ps_home           DOUBLE PRECISION,
    ps_draw           DOUBLE PRECISION,
    ps_away           DOUBLE PRECISION,
    avg_home          DOUBLE PRECISION,
    avg_draw          DOUBLE PRECISION,
    avg_away          DOUBLE PRECISION,
    b365_home         DOUBLE PRECISION,
    b365_draw         DOUBLE PRECISION,
    b365_away         DOUBLE PRECISION,
    ou25_over         DOUBLE PRECISION,
    ou25_under        DOUBLE PRECISION,
    pou25_over        DOUBLE PRECISION,
    pou25_under       DOUBLE PRECISION,
    match_id          BIGINT REFERENCES matches(id),
    forecast_version  BIGINT REFERENCES model_versions(id),
    forecast_home     DOUBLE PRECISION,
    forecast_draw     DOUBLE PRECISION,
    forecast_away     DOUBLE PRECISION,
    forecast_xg_home  DOUBLE PRECISION,
    forecast_xg_away  DOUBLE PRECISION,
    updated_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (league_id, season, home_team_id, away_team_id)
);
CREATE INDEX fixtures_upcoming ON fixtures (league_id, match_date) WHERE match_id IS NULL;
CREATE INDEX fixtures_played ON fixtures (match_id) WHERE match_id IS NOT NULL;

-- A prediction made from a fixture is tied to it; grading finds the ungraded ones of a
-- pairing through a partial index, so stored graded predictions cost an import nothing.
ALTER TABLE predictions ADD COLUMN fixture_id BIGINT REFERENCES fixtures(id);
CREATE INDEX predictions_ungraded ON predictions (league_id, home_team_id, away_team_id)
    WHERE match_id IS NULL;
CREATE INDEX predictions_graded ON predictions (match_id) WHERE match_id IS NOT NULL;

-- Moved by every import, sync and refit that changed something: servers poll it to reload
-- data written by another process.
CREATE TABLE data_state (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO data_state (id, version) VALUES (1, 1);
