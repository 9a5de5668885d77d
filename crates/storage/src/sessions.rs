//! Sessions, their revocations, and the purge of expired ones.
//!
//! Ending a session (logout, the old id at login, a password change, "log out everywhere", a
//! revoked API token) deletes what it ends and writes a row to `session_revocations` in the
//! same transaction; every instance reads the recent rows ([`Store::revocations_since`])
//! to drop what it has cached.

use crate::error::Result;
use crate::store::{Pool, Store, on_pool};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: String,
    pub data: Vec<u8>,
    pub expiry_date: DateTime<Utc>,
}

/// A session to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub id: String,
    pub data: Vec<u8>,
    pub user_id: Option<i64>,
    pub expiry: DateTime<Utc>,
}

/// What an instance must stop serving from its caches.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Revocation {
    pub seq: i64,
    /// This session.
    pub session_id: Option<String>,
    /// Every session of this account (but `keep_session_id`).
    pub user_id: Option<i64>,
    pub keep_session_id: Option<String>,
    /// This API token.
    pub token_id: Option<i64>,
    pub revoked_at: DateTime<Utc>,
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PurgeReport {
    pub sessions: u64,
    pub predictions: u64,
    pub revocations: u64,
}

/// Rows per purge transaction.
const PURGE_BATCH: i64 = 5_000;

pub(crate) const INSERT_SESSION: &str = "INSERT INTO sessions (id, data, expiry_date, user_id) \
    VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET data = excluded.data, \
    expiry_date = excluded.expiry_date, user_id = excluded.user_id";

const INSERT_REVOCATION: &str = "INSERT INTO session_revocations \
    (session_id, user_id, keep_session_id, token_id, revoked_at) VALUES ($1, $2, $3, $4, $5)";

impl Store {
    pub async fn load_session(&self, id: &str) -> Result<Option<SessionRecord>> {
        let sql = "SELECT id, data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2";
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
            .bind(id)
            .bind(Utc::now())
            .fetch_optional(p)
            .await?))
    }

    /// Stores a session (new, or changed).
    pub async fn save_session(&self, s: &NewSession) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(INSERT_SESSION)
            .bind(&s.id)
            .bind(&s.data)
            .bind(s.expiry)
            .bind(s.user_id)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Stores new sessions with one statement (those already stored are left as they are).
    pub async fn insert_sessions(&self, sessions: &[NewSession]) -> Result<()> {
        if sessions.is_empty() {
            return Ok(());
        }
        macro_rules! build {
            ($db:ty) => {{
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO sessions (id, data, expiry_date, user_id) ",
                );
                qb.push_values(sessions, |mut b, s| {
                    b.push_bind(s.id.clone())
                        .push_bind(s.data.clone())
                        .push_bind(s.expiry)
                        .push_bind(s.user_id);
                });
                qb.push(" ON CONFLICT (id) DO NOTHING");
                qb
            }};
        }
        match &self.write {
            Pool::Sqlite(p) => {
                build!(sqlx::Sqlite).build().execute(p).await?;
            }
            Pool::Postgres(p) => {
                build!(sqlx::Postgres).build().execute(p).await?;
            }
        }
        Ok(())
    }

    /// Moves a session's expiry (a returning visitor's session lives on).
    pub async fn extend_session(&self, id: &str, expiry: DateTime<Utc>) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(
            "UPDATE sessions SET expiry_date = $1 WHERE id = $2"
        )
        .bind(expiry)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// Ends one session, everywhere.
    pub async fn delete_session(&self, id: &str) -> Result<()> {
        self.revoke(Some(id), None, None, None).await
    }

    /// Ends every session of an account but `keep`, everywhere.
    pub async fn delete_user_sessions(&self, user_id: i64, keep: Option<&str>) -> Result<()> {
        self.revoke(None, Some(user_id), keep, None).await
    }

    /// Deletes what is ended and announces it, in one transaction.
    pub(crate) async fn revoke(
        &self,
        session: Option<&str>,
        user: Option<i64>,
        keep: Option<&str>,
        token: Option<i64>,
    ) -> Result<()> {
        macro_rules! run {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                if let Some(id) = session {
                    sqlx::query("DELETE FROM sessions WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(user) = user {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                        .bind(user)
                        .bind(keep.unwrap_or(""))
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(token) = token {
                    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                        .bind(Utc::now())
                        .bind(token)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(INSERT_REVOCATION)
                    .bind(session)
                    .bind(user)
                    .bind(keep)
                    .bind(token)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }};
        }
        match &self.write {
            Pool::Sqlite(p) => run!(p),
            Pool::Postgres(p) => run!(p),
        }
        Ok(())
    }

    /// Revocations written at or after `since` (read on the primary: a replica may lag).
    pub async fn revocations_since(&self, since: DateTime<Utc>) -> Result<Vec<Revocation>> {
        let sql = "SELECT seq, session_id, user_id, keep_session_id, token_id, revoked_at \
                   FROM session_revocations WHERE revoked_at >= $1 ORDER BY seq";
        Ok(on_pool!(&self.write, |p| sqlx::query_as(sql)
            .bind(since)
            .fetch_all(p)
            .await?))
    }

    /// Sessions stored (expired or not).
    pub async fn count_sessions(&self) -> Result<i64> {
        let n = on_pool!(&self.write, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions"
        )
        .fetch_one(p)
        .await?);
        Ok(n)
    }

    /// Removes expired sessions with the anonymous predictions saved under them, and
    /// revocations older than `revocations_before`, in small transactions.
    pub async fn purge_sessions(
        &self,
        now: DateTime<Utc>,
        revocations_before: DateTime<Utc>,
    ) -> Result<PurgeReport> {
        let mut report = PurgeReport::default();
        loop {
            let ids: Vec<String> = on_pool!(&self.write, |p| sqlx::query_scalar(
                "SELECT id FROM sessions WHERE expiry_date <= $1 LIMIT $2"
            )
            .bind(now)
            .bind(PURGE_BATCH)
            .fetch_all(p)
            .await?);
            if ids.is_empty() {
                break;
            }
            let list = serde_json::to_string(&ids).unwrap_or_default();
            let (predictions, sessions) = match &self.write {
                Pool::Sqlite(p) => {
                    let mut tx = p.begin().await?;
                    let a = sqlx::query(
                        "DELETE FROM predictions WHERE user_id IS NULL AND session_id IN \
                         (SELECT value FROM json_each($1))",
                    )
                    .bind(&list)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    let b = sqlx::query(
                        "DELETE FROM sessions WHERE expiry_date <= $2 AND id IN \
                         (SELECT value FROM json_each($1))",
                    )
                    .bind(&list)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    tx.commit().await?;
                    (a, b)
                }
                Pool::Postgres(p) => {
                    let mut tx = p.begin().await?;
                    let a = sqlx::query(
                        "DELETE FROM predictions WHERE user_id IS NULL AND session_id = ANY($1)",
                    )
                    .bind(&ids)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    let b = sqlx::query(
                        "DELETE FROM sessions WHERE expiry_date <= $2 AND id = ANY($1)",
                    )
                    .bind(&ids)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    tx.commit().await?;
                    (a, b)
                }
            };
            report.predictions += predictions;
            report.sessions += sessions;
            if (ids.len() as i64) < PURGE_BATCH {
                break;
            }
        }
        report.revocations = on_pool!(&self.write, |p| sqlx::query(
            "DELETE FROM session_revocations WHERE revoked_at < $1"
        )
        .bind(revocations_before)
        .execute(p)
        .await?
        .rows_affected());
        Ok(report)
    }
}
