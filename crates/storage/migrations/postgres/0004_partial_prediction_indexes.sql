-- Saving a prediction wrote the table and four indexes. A prediction belongs either to an
-- account or to an anonymous session, never both, and is never archived when it is made:
-- partial indexes leave out the entries no query looks for, so a save now writes the table,
-- its owner's index and the (not archived, by date) index the archiving job reads.
DROP INDEX IF EXISTS predictions_user_active;
CREATE INDEX predictions_user_active ON predictions (user_id, is_archived, created_at DESC, id DESC)
    WHERE user_id IS NOT NULL;
DROP INDEX IF EXISTS predictions_session_active;
CREATE INDEX predictions_session_active ON predictions (session_id, is_archived, created_at DESC, id DESC)
    WHERE session_id IS NOT NULL;
-- Archiving: active predictions older than the cut-off, oldest first.
DROP INDEX IF EXISTS predictions_archived_created;
CREATE INDEX predictions_active_created ON predictions (created_at) WHERE is_archived = FALSE;
-- Purging: archived predictions archived before the cut-off.
DROP INDEX IF EXISTS predictions_archived_at;
CREATE INDEX predictions_archived_at ON predictions (archived_at) WHERE is_archived = TRUE;
