-- A visitor's active history: owner, not archived, newest first, in one index range that
-- also gives the page order (created_at, then id). Without these, SQLite's planner may walk
-- the (is_archived, created_at) index of every visitor to avoid a sort.
CREATE INDEX predictions_session_active ON predictions (session_id, is_archived, created_at DESC, id DESC);
CREATE INDEX predictions_user_active ON predictions (user_id, is_archived, created_at DESC, id DESC);
