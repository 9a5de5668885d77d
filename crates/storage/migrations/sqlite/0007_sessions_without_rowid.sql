-- Sessions stored in one B-tree keyed by their random id (WITHOUT ROWID) instead of a rowid
-- table plus a separate primary-key index: a first visit's session insert touches one tree
-- fewer. Same columns and indexes as before.
CREATE TABLE sessions_by_id (
    id           TEXT PRIMARY KEY,
    data         BLOB NOT NULL,
    expiry_date  TEXT NOT NULL,
    user_id      INTEGER REFERENCES users(id)
) WITHOUT ROWID;
INSERT INTO sessions_by_id (id, data, expiry_date, user_id)
    SELECT id, data, expiry_date, user_id FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_by_id RENAME TO sessions;
CREATE INDEX sessions_expiry ON sessions (expiry_date);
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
