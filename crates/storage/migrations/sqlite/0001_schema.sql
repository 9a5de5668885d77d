-- Football Predictor schema (SQLite). Keep in step with ../postgres/0001_schema.sql.

CREATE TABLE leagues (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    league_id   INTEGER NOT NULL REFERENCES leagues(id),
    name        TEXT NOT NULL,
    UNIQUE (league_id, name)
);

-- Other spellings of a club ("Man United", "Manchester United") map to one team.
CREATE TABLE team_aliases (
    league_id   INTEGER NOT NULL REFERENCES leagues(id),
    alias       TEXT NOT NULL,
    team_id     INTEGER NOT NULL REFERENCES teams(id),
    PRIMARY KEY (league_id, alias)
);

CREATE TABLE matches (
    id                    INTEGER PRIMARY KEY,
    league_id             INTEGER NOT NULL REFERENCES leagues(id),
    season                TEXT NOT NULL,
    match_date            TEXT NOT NULL,
    kickoff_time          TEXT,
    home_team_id          INTEGER NOT NULL REFERENCES teams(id),
    away_team_id          INTEGER NOT NULL REFERENCES teams(id),
    home_goals            INTEGER NOT NULL,
    away_goals            INTEGER NOT NULL,
    result                TEXT NOT NULL CHECK (result IN ('H', 'D', 'A')),
    ht_home_goals         INTEGER,
    ht_away_goals         INTEGER,
    ht_result             TEXT,
    home_shots            INTEGER,
    away_shots            INTEGER,
    home_shots_on_target  INTEGER,
    away_shots_on_target  INTEGER,
    home_corners          INTEGER,
    away_corners          INTEGER,
    home_yellow           INTEGER,
    away_yellow           INTEGER,
    home_red              INTEGER,
    away_red              INTEGER,
    ps_open_home          REAL,
    ps_open_draw          REAL,
    ps_open_away          REAL,
    ps_close_home         REAL,
    ps_close_draw         REAL,
    ps_close_away         REAL,
    avg_open_home         REAL,
    avg_open_draw         REAL,
    avg_open_away         REAL,
    avg_close_home        REAL,
    avg_close_draw        REAL,
    avg_close_away        REAL,
    ou25_open_over        REAL,
    ou25_open_under       REAL,
    ou25_close_over       REAL,
    ou25_close_under      REAL,
    updated_at            TEXT NOT NULL,
    UNIQUE (league_id, match_date, home_team_id, away_team_id)
);
CREATE INDEX matches_home_date ON matches (home_team_id, match_date DESC);
CREATE INDEX matches_away_date ON matches (away_team_id, match_date DESC);
CREATE INDEX matches_league_date ON matches (league_id, match_date DESC);
CREATE INDEX matches_pair_date ON matches (home_team_id, away_team_id, match_date DESC);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    data         BLOB NOT NULL,
    expiry_date  TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);

CREATE TABLE model_versions (
    id            INTEGER PRIMARY KEY,
    league_id     INTEGER NOT NULL REFERENCES leagues(id),
    kind          TEXT NOT NULL,
    params        TEXT NOT NULL,
    fitted_at     TEXT NOT NULL,
    data_from     TEXT NOT NULL,
    data_to       TEXT NOT NULL,
    n_matches     INTEGER NOT NULL,
    backtest_rps  REAL
);
CREATE INDEX model_versions_league ON model_versions (league_id, id DESC);

CREATE TABLE predictions (
    id                    INTEGER PRIMARY KEY,
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
CREATE INDEX predictions_user_created ON predictions (user_id, created_at DESC);
CREATE INDEX predictions_session_created ON predictions (session_id, created_at DESC);
CREATE INDEX predictions_archived_created ON predictions (is_archived, created_at DESC);
CREATE INDEX predictions_league_created ON predictions (league_id, created_at DESC);
CREATE INDEX predictions_outcome_created ON predictions (outcome, created_at DESC);
CREATE INDEX predictions_archived_at ON predictions (is_archived, archived_at);

CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT NOT NULL,
    slot         TEXT NOT NULL,
    instance     TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL,
    message      TEXT,
    UNIQUE (job, slot)
);
