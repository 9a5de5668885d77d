//! Result digests: the graded predictions of accounts that opted in, one mail per account per
//! run, queued in the outbox in the same transaction that marks the predictions notified, so
//! a prediction is in exactly one digest and none is lost if the process stops.

use crate::email::NewMail;
use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::Utc;

/// One graded prediction of an account that wants its results.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DigestLine {
    pub user_id: i64,
    pub username: String,
    pub email: String,
    pub unsubscribe_token: Option<String>,
    pub prediction_id: i64,
    pub league: String,
    pub home: String,
    pub away: String,
    pub outcome: String,
    pub p_home: f64,
    pub p_draw: f64,
    pub p_away: f64,
    pub actual_home_goals: Option<i64>,
    pub actual_away_goals: Option<i64>,
    pub actual_result: Option<String>,
}

/// What a digest run queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DigestReport {
    pub mails: usize,
    pub predictions: usize,
}

/// Graded predictions put in one run's digests (more wait for the next run).
const LINES_PER_RUN: i64 = 20_000;

const PENDING: &str = "SELECT p.user_id, u.username, u.email, u.unsubscribe_token, \
    p.id AS prediction_id, l.code AS league, th.name AS home, ta.name AS away, p.outcome, \
    p.p_home, p.p_draw, p.p_away, p.actual_home_goals, p.actual_away_goals, p.actual_result \
    FROM predictions p JOIN users u ON u.id = p.user_id JOIN leagues l ON l.id = p.league_id \
    JOIN teams th ON th.id = p.home_team_id JOIN teams ta ON ta.id = p.away_team_id \
    WHERE p.match_id IS NOT NULL AND p.notified_at IS NULL AND p.user_id IS NOT NULL \
      AND u.notify_results AND u.email_confirmed AND u.email IS NOT NULL \
    ORDER BY p.user_id, p.id LIMIT $1";

/// Graded predictions of accounts that do not want digests leave the index at once.
const SKIP_OTHERS: &str = "UPDATE predictions SET notified_at = $1 \
    WHERE match_id IS NOT NULL AND notified_at IS NULL AND user_id IS NOT NULL \
      AND user_id IN (SELECT id FROM users \
                      WHERE NOT (notify_results AND email_confirmed AND email IS NOT NULL))";

impl Store {
    /// Queues one digest per account from `compose` (given that account's lines).
    pub async fn queue_result_digests(
        &self,
        compose: impl Fn(&[DigestLine]) -> NewMail,
    ) -> Result<DigestReport> {
        let now = Utc::now();
        let mut report = DigestReport::default();
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            let lines: Vec<DigestLine> = sqlx::query_as(PENDING)
                .bind(LINES_PER_RUN)
                .fetch_all(&mut *tx)
                .await?;
            for account in lines.chunk_by(|a, b| a.user_id == b.user_id) {
                let mail = compose(account);
                crate::email::insert_mail!(&mut *tx, mail, now)?;
                report.mails += 1;
            }
            for chunk in lines.chunks(500) {
                let mut qb = sqlx::QueryBuilder::<DB>::new("UPDATE predictions SET notified_at = ");
                qb.push_bind(now).push(" WHERE id IN (");
                let mut ids = qb.separated(", ");
                for l in chunk {
                    ids.push_bind(l.prediction_id);
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }
            report.predictions = lines.len();
            sqlx::query(SKIP_OTHERS).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(report)
    }

    /// Turns notifications on or off. Turning result mails on starts from now (what was
    /// graded before is not mailed) and gives the account its unsubscribe token.
    pub async fn set_notifications_with_token(
        &self,
        user_id: i64,
        results: bool,
        weekly: bool,
        unsubscribe_token: &str,
    ) -> Result<()> {
        let now = Utc::now();
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE users SET notify_results = $1, notify_weekly = $2, \
                 unsubscribe_token = COALESCE(unsubscribe_token, $3) WHERE id = $4",
            )
            .bind(results)
            .bind(weekly)
            .bind(unsubscribe_token)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE predictions SET notified_at = $1 WHERE user_id = $2 \
                 AND match_id IS NOT NULL AND notified_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Turns every notification of the account with this unsubscribe token off; its name,
    /// or `None` for an unknown token.
    pub async fn unsubscribe(&self, token: &str) -> Result<Option<String>> {
        let sql = "UPDATE users SET notify_results = FALSE, notify_weekly = FALSE \
                   WHERE unsubscribe_token = $1 RETURNING username";
        Ok(on_pool!(&self.write, |p| sqlx::query_scalar(sql)
            .bind(token)
            .fetch_optional(p)
            .await?))
    }

    /// Accounts with a confirmed address that want the weekly report: (address, staff,
    /// unsubscribe token).
    pub async fn weekly_subscribers(&self) -> Result<Vec<(String, bool, Option<String>)>> {
        let sql = "SELECT email, is_staff, unsubscribe_token FROM users \
                   WHERE notify_weekly AND email_confirmed AND email IS NOT NULL ORDER BY id";
        Ok(on_pool!(&self.write, |p| sqlx::query_as(sql)
            .fetch_all(p)
            .await?))
    }
}
