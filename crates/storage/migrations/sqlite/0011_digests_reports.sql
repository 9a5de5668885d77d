-- Result digests: a graded prediction of an account is in at most one digest (notified_at),
-- and a partial index holds only the graded ones not yet dealt with (the digest job marks
-- those of accounts that did not opt in too, so it stays small). Each account that opts in
-- gets an unsubscribe token for the link in every notification. Weekly reports are stored.
ALTER TABLE predictions ADD COLUMN notified_at TEXT;
CREATE INDEX predictions_to_notify ON predictions (user_id)
    WHERE match_id IS NOT NULL AND notified_at IS NULL AND user_id IS NOT NULL;
ALTER TABLE users ADD COLUMN unsubscribe_token TEXT;
CREATE UNIQUE INDEX users_unsubscribe_token ON users (unsubscribe_token);

CREATE TABLE reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    week        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    body        TEXT NOT NULL
);
