-- Operations: staff accounts for the admin page, a record of every admin action, and the
-- database figures measured by the scheduled stats job (read by every instance's gauges and
-- drawn on the admin page).
ALTER TABLE users ADD COLUMN is_staff BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE admin_actions (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    user_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL
);

CREATE TABLE stats_snapshots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    measured_at  TEXT NOT NULL,
    body         TEXT NOT NULL
);

-- The admin page lists the latest runs of every job.
CREATE INDEX job_runs_started ON job_runs (started_at);
