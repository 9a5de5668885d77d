//! Users.

use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Creates a user; `None` when the name is taken.
    pub async fn create_user(&self, username: &str, password_hash: &str) -> Result<Option<i64>> {
        let sql = "INSERT INTO users (username, password_hash, created_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (username) DO NOTHING RETURNING id";
        Ok(on_pool!(&self.write, |p| sqlx::query_scalar(sql)
            .bind(username)
            .bind(password_hash)
            .bind(Utc::now())
            .fetch_optional(p)
            .await?))
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let sql = "SELECT id, username, password_hash, created_at FROM users WHERE username = $1";
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
            .bind(username)
            .fetch_optional(p)
            .await?))
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let sql = "SELECT id, username, password_hash, created_at FROM users WHERE id = $1";
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(p)
            .await?))
    }

    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()> {
        let sql = "UPDATE users SET password_hash = $1 WHERE id = $2";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(password_hash)
            .bind(user_id)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Refreshes the planner's statistics of the predictions table (and, on PostgreSQL, its
    /// visibility map, so that history counts are answered from the index alone), as
    /// autovacuum would after a bulk load.
    pub async fn analyze_predictions(&self) -> Result<()> {
        match &self.write {
            crate::Pool::Sqlite(p) => {
                sqlx::query("ANALYZE predictions").execute(p).await?;
            }
            crate::Pool::Postgres(p) => {
                sqlx::query("VACUUM ANALYZE predictions").execute(p).await?;
            }
        }
        Ok(())
    }
}
