//! Predictions and their owners. Every read and delete names the owner in the query itself,
//! so one visitor can never see or delete another's predictions.

use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{DateTime, Utc};
use fp_model::Outcome;

/// Who a prediction belongs to: an account, or an anonymous session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    User(i64),
    Session(String),
}

impl Owner {
    pub(crate) fn user_id(&self) -> Option<i64> {
        match self {
            Owner::User(id) => Some(*id),
            Owner::Session(_) => None,
        }
    }

    pub(crate) fn session_id(&self) -> Option<&str> {
        match self {
            Owner::User(_) => None,
            Owner::Session(s) => Some(s),
        }
    }
}

/// SQL condition selecting the owner's rows, binding `$1` (user id, or session id). One
/// shape per kind of owner, so each query can use its own index.
fn owner_condition(owner: &Owner) -> &'static str {
    match owner {
        Owner::User(_) => "p.user_id = $1",
        // A prediction moved to an account loses its session id (see
        // `move_predictions_to_user`), so the session id alone identifies anonymous rows.
        Owner::Session(_) => "p.session_id = $1",
    }
}

/// Binds the owner as `$1`.
macro_rules! bind_owner {
    ($q:expr, $owner:expr) => {
        match $owner {
            Owner::User(id) => $q.bind(*id),
            Owner::Session(s) => $q.bind(s.as_str()),
        }
    };
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPrediction {
    pub owner: Owner,
    pub created_at: DateTime<Utc>,
    pub league_id: i64,
    pub home_team_id: i64,
    pub away_team_id: i64,
    pub p_home: f64,
    pub p_draw: f64,
    pub p_away: f64,
    pub predicted_home_goals: i64,
    pub predicted_away_goals: i64,
    pub xg_home: f64,
    pub xg_away: f64,
    pub outcome: Outcome,
    pub confidence: f64,
    pub model_version_id: Option<i64>,
    /// The fixture the prediction was made from, if any (it is then graded by that fixture).
    pub fixture_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct PredictionRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub league_id: i64,
    pub league_code: String,
    pub home_team_id: i64,
    pub away_team_id: i64,
    pub home_team: String,
    pub away_team: String,
    pub p_home: f64,
    pub p_draw: f64,
    pub p_away: f64,
    pub predicted_home_goals: i64,
    pub predicted_away_goals: i64,
    pub xg_home: f64,
    pub xg_away: f64,
    #[sqlx(try_from = "String")]
    pub outcome: Outcome,
    pub confidence: f64,
    pub model_version_id: Option<i64>,
    pub is_archived: bool,
    pub actual_home_goals: Option<i64>,
    pub actual_away_goals: Option<i64>,
    pub actual_result: Option<String>,
    pub fixture_id: Option<i64>,
}

const SELECT: &str = "SELECT p.id, p.created_at, p.league_id, l.code AS league_code, \
    p.home_team_id, p.away_team_id, h.name AS home_team, a.name AS away_team, \
    p.p_home, p.p_draw, p.p_away, p.predicted_home_goals, p.predicted_away_goals, \
    p.xg_home, p.xg_away, p.outcome, p.confidence, p.model_version_id, p.is_archived, \
    p.actual_home_goals, p.actual_away_goals, p.actual_result, p.fixture_id";

const FROM: &str = " FROM predictions p JOIN leagues l ON l.id = p.league_id \
    JOIN teams h ON h.id = p.home_team_id JOIN teams a ON a.id = p.away_team_id";

#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    row: PredictionRow,
    total: i64,
}

/// Filters of the history page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub league_id: Option<i64>,
    pub outcome: Option<Outcome>,
    /// Only graded predictions (`Some(true)`) or only those still waiting (`Some(false)`).
    pub graded: Option<bool>,
}

/// One page of a visitor's active predictions, newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<PredictionRow>,
}

/// What an owner's active predictions add up to: their number, largest and summed ids, and
/// the newest's time. Any insert, delete, archive or move changes it: count and sum move with
/// every row in or out, and when rows go and others come in equal number, the newcomers carry
/// new ids; SQLite may hand out again the id of the table's newest row after it was deleted,
/// but the row then made is newer than the one deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HistoryFingerprint {
    pub count: i64,
    pub max_id: i64,
    pub sum_ids: i64,
    pub newest: Option<DateTime<Utc>>,
}

/// Rows per INSERT statement (19 values each, well under SQLite's limit of bound values).
pub const INSERT_CHUNK: usize = 500;

pub(crate) const INSERT_COLUMNS: &str = "user_id, session_id, created_at, league_id, home_team_id, \
     away_team_id, p_home, p_draw, p_away, predicted_home_goals, predicted_away_goals, xg_home, \
     xg_away, outcome, confidence, model_version_id, fixture_id, is_archived";

/// Allocates `$1` prediction ids from PostgreSQL's identity sequence.
const NEXT_IDS: &str =
    "SELECT nextval(pg_get_serial_sequence('predictions', 'id')) FROM generate_series(1, $1)";

/// PostgreSQL prediction ids taken from the sequence at a time, ahead of use.
const ID_BLOCK: usize = 1000;

/// One multi-row INSERT of `rows`, with the given ids or (`None`) ids the database assigns.
fn insert_statement<DB>(
    rows: &[NewPrediction],
    ids: Option<&[i64]>,
) -> sqlx::QueryBuilder<'static, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let id_column = if ids.is_some() { "id, " } else { "" };
    let mut qb = sqlx::QueryBuilder::new(format!(
        "INSERT INTO predictions ({id_column}{INSERT_COLUMNS}) "
    ));
    qb.push_values(rows.iter().enumerate(), |mut b, (i, r)| {
        if let Some(id) = ids.and_then(|ids| ids.get(i)) {
            b.push_bind(*id);
        }
        b.push_bind(r.owner.user_id())
            .push_bind(r.owner.session_id().map(str::to_string))
            .push_bind(r.created_at)
            .push_bind(r.league_id)
            .push_bind(r.home_team_id)
            .push_bind(r.away_team_id)
            .push_bind(r.p_home)
            .push_bind(r.p_draw)
            .push_bind(r.p_away)
            .push_bind(r.predicted_home_goals)
            .push_bind(r.predicted_away_goals)
            .push_bind(r.xg_home)
            .push_bind(r.xg_away)
            .push_bind(r.outcome.code().to_string())
            .push_bind(r.confidence)
            .push_bind(r.model_version_id)
            .push_bind(r.fixture_id)
            .push_bind(false);
    });
    qb
}

impl Store {
    /// Inserts predictions with multi-row statements; returns their ids in order.
    ///
    /// Up to [`INSERT_CHUNK`] rows are one statement and need no explicit transaction: on
    /// SQLite the single writer connection inserts them under the database's write lock, where
    /// every row takes the largest id plus one, so their ids are the consecutive run ending at
    /// `last_insert_rowid`; on PostgreSQL the ids come from the identity sequence, taken
    /// [`ID_BLOCK`] at a time ahead of use, so that a batch is one round trip. Ids are unique
    /// on every instance, but those of different instances interleave, not in time order; one
    /// taken and not used (a failed statement, a restart) is simply never used. More rows go
    /// in one transaction, one statement per chunk, ids allocated first. Every caller learns
    /// its own id either way.
    pub async fn insert_predictions(&self, rows: &[NewPrediction]) -> Result<Vec<i64>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let n = rows.len() as i64;
        match &self.write {
            crate::store::Pool::Sqlite(pool) if rows.len() <= INSERT_CHUNK => {
                let done = insert_statement::<sqlx::Sqlite>(rows, None)
                    .build()
                    .execute(pool)
                    .await?;
                if done.rows_affected() != n as u64 {
                    return Err(crate::StorageError::Invalid(format!(
                        "inserted {} predictions of {n}",
                        done.rows_affected()
                    )));
                }
                let last = done.last_insert_rowid();
                return Ok((last - n + 1..=last).collect());
            }
            crate::store::Pool::Postgres(pool) if rows.len() <= INSERT_CHUNK => {
                let ids = self.take_prediction_ids(pool, rows.len()).await?;
                insert_statement::<sqlx::Postgres>(rows, Some(&ids))
                    .build()
                    .execute(pool)
                    .await?;
                return Ok(ids);
            }
            _ => {}
        }
        let ids = on_pool!(&self.write, |pool| {
            let mut tx = pool.begin().await?;
            let ids: Vec<i64> = match self.backend() {
                crate::Backend::Postgres => {
                    sqlx::query_scalar(NEXT_IDS)
                        .bind(n)
                        .fetch_all(&mut *tx)
                        .await?
                }
                crate::Backend::Sqlite => {
                    // The largest id ever given (AUTOINCREMENT keeps it), not only the
                    // largest left: ids are never reused.
                    let max: i64 = sqlx::query_scalar(
                        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence \
                         WHERE name = 'predictions'), 0), COALESCE(MAX(id), 0)) FROM predictions",
                    )
                    .fetch_one(&mut *tx)
                    .await?;
                    (max + 1..=max + n).collect()
                }
            };
            for (chunk, chunk_ids) in rows.chunks(INSERT_CHUNK).zip(ids.chunks(INSERT_CHUNK)) {
                insert_statement::<DB>(chunk, Some(chunk_ids))
                    .build()
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            ids
        });
        Ok(ids)
    }

    /// `n` new prediction ids: from the stock, topped up from the sequence when short.
    async fn take_prediction_ids(&self, pool: &sqlx::PgPool, n: usize) -> Result<Vec<i64>> {
        let stock = || {
            self.prediction_ids
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        {
            let mut s = stock();
            if s.len() >= n {
                return Ok(s.drain(..n).collect());
            }
        }
        let mut fresh: Vec<i64> = sqlx::query_scalar(NEXT_IDS)
            .bind((n + ID_BLOCK) as i64)
            .fetch_all(pool)
            .await?;
        if fresh.len() < n {
            return Err(crate::StorageError::Invalid(format!(
                "the id sequence gave {} ids of {n}",
                fresh.len()
            )));
        }
        stock().extend(fresh.split_off(n));
        Ok(fresh)
    }

    /// One prediction, only if `owner` owns it (archived ones included).
    pub async fn prediction(&self, id: i64, owner: &Owner) -> Result<Option<PredictionRow>> {
        let sql = format!(
            "{SELECT}{FROM} WHERE p.id = $2 AND {}",
            owner_condition(owner)
        );
        Ok(on_pool!(self.fresh_read_pool(), |p| {
            let q = sqlx::query_as(&sql);
            bind_owner!(q, owner).bind(id).fetch_optional(p).await?
        }))
    }

    /// The owner's active predictions, newest first, read where the visitor's own latest
    /// writes are visible.
    pub async fn history(
        &self,
        owner: &Owner,
        filter: &HistoryFilter,
        page: i64,
        per_page: i64,
    ) -> Result<HistoryPage> {
        let page = page.max(1);
        let (total, items) = on_pool!(self.fresh_read_pool(), |p| {
            // Only the filters in use appear in the SQL, so the count can be answered from the
            // owner's index alone.
            let conditions = |qb: &mut sqlx::QueryBuilder<'_, DB>, alias: &str| {
                qb.push(format!(" WHERE {alias}."));
                push_owner(qb, owner);
                qb.push(format!(" AND {alias}.is_archived = FALSE"));
                if let Some(league) = filter.league_id {
                    qb.push(format!(" AND {alias}.league_id = "))
                        .push_bind(league);
                }
                if let Some(outcome) = &filter.outcome {
                    qb.push(format!(" AND {alias}.outcome = "))
                        .push_bind(outcome.code().to_string());
                }
                match filter.graded {
                    Some(true) => qb.push(format!(" AND {alias}.actual_result IS NOT NULL")),
                    Some(false) => qb.push(format!(" AND {alias}.actual_result IS NULL")),
                    None => qb,
                };
            };
            // One round trip: the page, with the owner's total from a scalar subquery that the
            // database evaluates once.
            let mut list = sqlx::QueryBuilder::<DB>::new(SELECT);
            list.push(", (SELECT COUNT(*) FROM predictions c");
            conditions(&mut list, "c");
            list.push(") AS total");
            list.push(FROM);
            conditions(&mut list, "p");
            list.push(" ORDER BY p.created_at DESC, p.id DESC LIMIT ")
                .push_bind(per_page)
                .push(" OFFSET ")
                .push_bind((page - 1) * per_page);
            let rows: Vec<PageRow> = list.build_query_as().fetch_all(p).await?;
            let total = match rows.first() {
                Some(r) => r.total,
                // Past the last page: count on its own.
                None => {
                    let mut count =
                        sqlx::QueryBuilder::<DB>::new("SELECT COUNT(*) FROM predictions p");
                    conditions(&mut count, "p");
                    count.build_query_scalar().fetch_one(p).await?
                }
            };
            let items: Vec<PredictionRow> = rows.into_iter().map(|r| r.row).collect();
            (total, items)
        });
        Ok(HistoryPage {
            total,
            page,
            per_page,
            items,
        })
    }

    /// A summary of `owner`'s active predictions that changes whenever one is added, deleted,
    /// archived or moved, from the owner's index alone (see [`HistoryFingerprint`]). A cached
    /// history page is still right while this is unchanged.
    pub async fn history_fingerprint(&self, owner: &Owner) -> Result<HistoryFingerprint> {
        let (count, max_id, sum_ids, newest) = on_pool!(self.fresh_read_pool(), |p| {
            // The newest time is the first entry of the owner's index (ordered by time), not
            // an aggregate over every row.
            let mut q = sqlx::QueryBuilder::<DB>::new(
                "SELECT COUNT(*), COALESCE(MAX(id), 0), CAST(COALESCE(SUM(id), 0) AS BIGINT), \
                 (SELECT n.created_at FROM predictions n WHERE n.",
            );
            push_owner(&mut q, owner);
            q.push(
                " AND n.is_archived = FALSE ORDER BY n.created_at DESC, n.id DESC LIMIT 1) \
                 FROM predictions WHERE ",
            );
            push_owner(&mut q, owner);
            q.push(" AND is_archived = FALSE");
            q.build_query_as::<(i64, i64, i64, Option<DateTime<Utc>>)>()
                .fetch_one(p)
                .await?
        });
        Ok(HistoryFingerprint {
            count,
            max_id,
            sum_ids,
            newest,
        })
    }

    /// Deletes the given predictions of `owner` (others' ids are ignored); returns how many.
    pub async fn delete_predictions(&self, owner: &Owner, ids: &[i64]) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut deleted = 0;
        on_pool!(&self.write, |pool| {
            let mut tx = pool.begin().await?;
            for chunk in ids.chunks(500) {
                let mut qb = sqlx::QueryBuilder::<DB>::new(
                    "DELETE FROM predictions WHERE id IN (SELECT p.id FROM predictions p WHERE p.",
                );
                push_owner(&mut qb, owner);
                qb.push(" AND p.id IN (");
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push("))");
                deleted += qb.build().execute(&mut *tx).await?.rows_affected();
            }
            tx.commit().await?;
        });
        Ok(deleted)
    }

    /// Deletes all of `owner`'s active predictions; returns how many.
    pub async fn delete_all_predictions(&self, owner: &Owner) -> Result<u64> {
        let sql = format!(
            "DELETE FROM predictions WHERE id IN \
             (SELECT p.id FROM predictions p WHERE {} AND p.is_archived = FALSE)",
            owner_condition(owner)
        );
        Ok(on_pool!(&self.write, |p| {
            let q = sqlx::query(&sql);
            bind_owner!(q, owner).execute(p).await?.rows_affected()
        }))
    }

    /// Moves an anonymous session's predictions to an account (at registration or login).
    pub async fn move_predictions_to_user(&self, session_id: &str, user_id: i64) -> Result<u64> {
        let sql = "UPDATE predictions SET user_id = $1, session_id = NULL WHERE session_id = $2";
        Ok(on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(user_id)
            .bind(session_id)
            .execute(p)
            .await?
            .rows_affected()))
    }

    pub async fn count_predictions(&self) -> Result<i64> {
        Ok(on_pool!(self.reader(), |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM predictions"
        )
        .fetch_one(p)
        .await?))
    }
}

fn push_owner<'q, DB: sqlx::Database>(qb: &mut sqlx::QueryBuilder<'q, DB>, owner: &Owner)
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    match owner {
        Owner::User(id) => {
            qb.push("user_id = ").push_bind(*id);
        }
        Owner::Session(s) => {
            qb.push("session_id = ").push_bind(s.clone());
        }
    }
}
