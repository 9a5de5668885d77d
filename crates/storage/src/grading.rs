//! Grading: when results arrive, their fixtures are marked played and every stored
//! prediction of those matches gets the result. The statements run inside the import's
//! transaction, a few hundred pairings at a time, and reach only ungraded predictions of the
//! imported pairings (through the partial index `predictions_ungraded`): a million graded or
//! unrelated predictions cost an import nothing. Running them again changes nothing.

use crate::Backend;

/// Pairings per statement (two bound values each).
pub(crate) const PAIRS_PER_STATEMENT: usize = 400;

type Builder<DB> = sqlx::QueryBuilder<'static, DB>;

fn pairs_in<DB>(qb: &mut Builder<DB>, home: &str, away: &str, pairs: &[(i64, i64)])
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    qb.push(format!(" AND ({home}, {away}) IN (VALUES "));
    for (i, (h, a)) in pairs.iter().enumerate() {
        qb.push(if i == 0 { "(" } else { ", (" });
        qb.push_bind(*h).push(", ").push_bind(*a).push(")");
    }
    qb.push(")");
}

fn start<DB>(sql: &str, league_id: i64) -> Builder<DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let mut qb = sqlx::QueryBuilder::new(sql.to_string());
    qb.push_bind(league_id);
    qb
}

/// The fixture of a pairing and season is played when a match of it is stored (a re-dated
/// fixture included).
pub(crate) fn link_fixtures<DB>(league_id: i64, pairs: &[(i64, i64)]) -> Builder<DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    const MATCH: &str = "FROM matches m WHERE m.league_id = fixtures.league_id \
        AND m.season = fixtures.season AND m.home_team_id = fixtures.home_team_id \
        AND m.away_team_id = fixtures.away_team_id";
    let mut qb = start(
        &format!(
            "UPDATE fixtures SET match_id = (SELECT m.id {MATCH} ORDER BY m.match_date LIMIT 1) \
             WHERE match_id IS NULL AND EXISTS (SELECT 1 {MATCH}) AND league_id = "
        ),
        league_id,
    );
    pairs_in(&mut qb, "home_team_id", "away_team_id", pairs);
    qb
}

/// A prediction made from a fixture is graded by that fixture.
pub(crate) fn grade_by_fixture<DB>(league_id: i64, pairs: &[(i64, i64)]) -> Builder<DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let mut qb = start(
        "UPDATE predictions SET match_id = \
             (SELECT f.match_id FROM fixtures f WHERE f.id = predictions.fixture_id) \
         WHERE match_id IS NULL AND fixture_id IS NOT NULL \
           AND EXISTS (SELECT 1 FROM fixtures f \
                       WHERE f.id = predictions.fixture_id AND f.match_id IS NOT NULL) \
           AND league_id = ",
        league_id,
    );
    pairs_in(&mut qb, "home_team_id", "away_team_id", pairs);
    qb
}

/// Any other prediction by the first match of its league and pairing played on or after the
/// day it was made.
pub(crate) fn grade_ad_hoc<DB>(
    backend: Backend,
    league_id: i64,
    pairs: &[(i64, i64)],
) -> Builder<DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let day = match backend {
        Backend::Sqlite => "substr(predictions.created_at, 1, 10)",
        Backend::Postgres => "CAST(predictions.created_at AT TIME ZONE 'UTC' AS DATE)",
    };
    let matches = format!(
        "FROM matches m WHERE m.league_id = predictions.league_id \
         AND m.home_team_id = predictions.home_team_id \
         AND m.away_team_id = predictions.away_team_id AND m.match_date >= {day}"
    );
    let mut qb = start(
        &format!(
            "UPDATE predictions SET match_id = \
                 (SELECT m.id {matches} ORDER BY m.match_date LIMIT 1) \
             WHERE match_id IS NULL AND fixture_id IS NULL AND EXISTS (SELECT 1 {matches}) \
               AND league_id = "
        ),
        league_id,
    );
    pairs_in(&mut qb, "home_team_id", "away_team_id", pairs);
    qb
}

/// Copies the result of the matches of these pairings this import stored (its `now`) into
/// their graded predictions: new grades, and corrected results of matches graded before.
/// Predictions graded by earlier matches are not touched.
pub(crate) fn record_results<DB>(
    league_id: i64,
    pairs: &[(i64, i64)],
    now: chrono::DateTime<chrono::Utc>,
) -> Builder<DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    chrono::DateTime<chrono::Utc>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let of = |c: &str| format!("(SELECT m.{c} FROM matches m WHERE m.id = predictions.match_id)");
    let mut qb = start(
        &format!(
            "UPDATE predictions SET actual_home_goals = {}, actual_away_goals = {}, \
                 actual_result = {} \
             WHERE match_id IN (SELECT m.id FROM matches m WHERE m.league_id = ",
            of("home_goals"),
            of("away_goals"),
            of("result")
        ),
        league_id,
    );
    pairs_in(&mut qb, "m.home_team_id", "m.away_team_id", pairs);
    qb.push(" AND m.updated_at = ").push_bind(now).push(")");
    qb
}
