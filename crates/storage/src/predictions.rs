//! Predictions and their owners. Every read and delete names the owner in the query itself,
//! so one visitor can never see or delete another's predictions.

use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{DateTime, Utc};

/// Who a prediction belongs to: an account, or an anonymous session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    User(i64),
    Session(String),
}

impl Owner {
    fn user_id(&self) -> Option<i64> {
        match self {
            Owner::User(id) => Some(*id),
            Owner::Session(_) => None,
        }
    }

    fn session_id(&self) -> Option<&str> {
        match self {
            Owner::User(_) => None,
            Owner::Session(s) => Some(s),
        }
    }
}

/// SQL condition selecting the owner's rows; binds `$1` (user id) and `$2` (session id).
const OWNER: &str =
    "((p.user_id = $1) OR (p.user_id IS NULL AND $1 IS NULL AND p.session_id = $2))";

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
    pub outcome: String,
    pub confidence: f64,
    pub model_version_id: Option<i64>,
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
    pub outcome: String,
    pub confidence: f64,
    pub model_version_id: Option<i64>,
    pub is_archived: bool,
    pub actual_home_goals: Option<i64>,
    pub actual_away_goals: Option<i64>,
    pub actual_result: Option<String>,
}

const SELECT: &str = "SELECT p.id, p.created_at, p.league_id, l.code AS league_code, \
    p.home_team_id, p.away_team_id, h.name AS home_team, a.name AS away_team, \
    p.p_home, p.p_draw, p.p_away, p.predicted_home_goals, p.predicted_away_goals, \
    p.xg_home, p.xg_away, p.outcome, p.confidence, p.model_version_id, p.is_archived, \
    p.actual_home_goals, p.actual_away_goals, p.actual_result \
    FROM predictions p JOIN leagues l ON l.id = p.league_id \
    JOIN teams h ON h.id = p.home_team_id JOIN teams a ON a.id = p.away_team_id";

/// Filters of the history page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub league_id: Option<i64>,
    /// `H`, `D` or `A`.
    pub outcome: Option<String>,
}

/// One page of a visitor's active predictions, newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<PredictionRow>,
}

impl Store {
    /// Inserts predictions in one transaction; returns their ids in order.
    pub async fn insert_predictions(&self, rows: &[NewPrediction]) -> Result<Vec<i64>> {
        let sql = "INSERT INTO predictions (user_id, session_id, created_at, league_id, \
            home_team_id, away_team_id, p_home, p_draw, p_away, predicted_home_goals, \
            predicted_away_goals, xg_home, xg_away, outcome, confidence, model_version_id, is_archived) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, FALSE) RETURNING id";
        let mut ids = Vec::with_capacity(rows.len());
        on_pool!(&self.write, |pool| {
            let mut tx = pool.begin().await?;
            for r in rows {
                let id: i64 = sqlx::query_scalar(sql)
                    .bind(r.owner.user_id())
                    .bind(r.owner.session_id())
                    .bind(r.created_at)
                    .bind(r.league_id)
                    .bind(r.home_team_id)
                    .bind(r.away_team_id)
                    .bind(r.p_home)
                    .bind(r.p_draw)
                    .bind(r.p_away)
                    .bind(r.predicted_home_goals)
                    .bind(r.predicted_away_goals)
                    .bind(r.xg_home)
                    .bind(r.xg_away)
                    .bind(&r.outcome)
                    .bind(r.confidence)
                    .bind(r.model_version_id)
                    .fetch_one(&mut *tx)
                    .await?;
                ids.push(id);
            }
            tx.commit().await?;
        });
        Ok(ids)
    }

    /// One prediction, only if `owner` owns it (archived ones included).
    pub async fn prediction(&self, id: i64, owner: &Owner) -> Result<Option<PredictionRow>> {
        let sql = format!("{SELECT} WHERE p.id = $3 AND {OWNER}");
        Ok(on_pool!(&self.write, |p| sqlx::query_as(&sql)
            .bind(owner.user_id())
            .bind(owner.session_id())
            .bind(id)
            .fetch_optional(p)
            .await?))
    }

    /// The owner's active predictions, newest first. Read from the primary so a visitor sees
    /// what they just saved.
    pub async fn history(
        &self,
        owner: &Owner,
        filter: &HistoryFilter,
        page: i64,
        per_page: i64,
    ) -> Result<HistoryPage> {
        let page = page.max(1);
        let cond = format!(
            "{OWNER} AND p.is_archived = FALSE AND ($3 IS NULL OR p.league_id = $3) \
             AND ($4 IS NULL OR p.outcome = $4)"
        );
        let count_sql = format!("SELECT COUNT(*) FROM predictions p WHERE {cond}");
        let list_sql = format!(
            "{SELECT} WHERE {cond} ORDER BY p.created_at DESC, p.id DESC LIMIT $5 OFFSET $6"
        );
        let (total, items) = on_pool!(&self.write, |p| {
            let total: i64 = sqlx::query_scalar(&count_sql)
                .bind(owner.user_id())
                .bind(owner.session_id())
                .bind(filter.league_id)
                .bind(filter.outcome.as_deref())
                .fetch_one(p)
                .await?;
            let items = sqlx::query_as(&list_sql)
                .bind(owner.user_id())
                .bind(owner.session_id())
                .bind(filter.league_id)
                .bind(filter.outcome.as_deref())
                .bind(per_page)
                .bind((page - 1) * per_page)
                .fetch_all(p)
                .await?;
            (total, items)
        });
        Ok(HistoryPage {
            total,
            page,
            per_page,
            items,
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
                    "DELETE FROM predictions WHERE id IN (SELECT p.id FROM predictions p WHERE ",
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
             (SELECT p.id FROM predictions p WHERE {OWNER} AND p.is_archived = FALSE)"
        );
        Ok(on_pool!(&self.write, |p| sqlx::query(&sql)
            .bind(owner.user_id())
            .bind(owner.session_id())
            .execute(p)
            .await?
            .rows_affected()))
    }

    /// Moves an anonymous session's predictions to an account (at registration or login).
    pub async fn move_predictions_to_user(&self, session_id: &str, user_id: i64) -> Result<u64> {
        let sql = "UPDATE predictions SET user_id = $1 WHERE session_id = $2 AND user_id IS NULL";
        Ok(on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(user_id)
            .bind(session_id)
            .execute(p)
            .await?
            .rows_affected()))
    }

    pub async fn count_predictions(&self) -> Result<i64> {
        Ok(on_pool!(&self.read, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM predictions"
        )
        .fetch_one(p)
        .await?))
    }
}

fn push_owner<'a, DB: sqlx::Database>(qb: &mut sqlx::QueryBuilder<'a, DB>, owner: &'a Owner)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match owner {
        Owner::User(id) => {
            qb.push("p.user_id = ").push_bind(*id);
        }
        Owner::Session(s) => {
            qb.push("p.user_id IS NULL AND p.session_id = ")
                .push_bind(s.as_str());
        }
    }
}
