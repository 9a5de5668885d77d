-- An owner's predictions in ascending order: a new prediction goes at the end of its owner's
-- range instead of at its start, where every insert into a full page made SQLite rebalance
-- three leaves and their parent. The history still reads newest first, by walking the index
-- backwards (no sort).
DROP INDEX IF EXISTS predictions_user_active;
CREATE INDEX predictions_user_active ON predictions (user_id, is_archived, created_at, id)
    WHERE user_id IS NOT NULL;
DROP INDEX IF EXISTS predictions_session_active;
CREATE INDEX predictions_session_active ON predictions (session_id, is_archived, created_at, id)
    WHERE session_id IS NOT NULL;
