-- Every saved prediction updates every index of the table, and these four answer no query:
-- owner lookups use the (owner, is_archived, created_at, id) indexes of 0002, which also
-- serve the league and outcome filters of a history page (always per owner), and nothing
-- selects predictions by league or outcome across owners. Cleanup keeps its two indexes.
DROP INDEX IF EXISTS predictions_user_created;
DROP INDEX IF EXISTS predictions_session_created;
DROP INDEX IF EXISTS predictions_league_created;
DROP INDEX IF EXISTS predictions_outcome_created;
