//! Personal API tokens. The token itself is shown once, at creation; only its SHA-256 digest
//! (hex) is stored, and looked up by that digest.

use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{DateTime, Utc};

/// A token as its owner sees it listed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Whom a valid token acts as.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenOwner {
    pub token_id: i64,
    pub user_id: i64,
    pub username: String,
}

impl Store {
    /// Stores a new token's digest; its id.
    pub async fn create_token(&self, user_id: i64, name: &str, digest: &str) -> Result<i64> {
        let sql = "INSERT INTO api_tokens (user_id, name, token_hash, created_at) \
                   VALUES ($1, $2, $3, $4) RETURNING id";
        Ok(on_pool!(&self.write, |p| sqlx::query_scalar(sql)
            .bind(user_id)
            .bind(name)
            .bind(digest)
            .bind(Utc::now())
            .fetch_one(p)
            .await?))
    }

    /// The account's tokens that are not revoked, newest first.
    pub async fn tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        let sql = "SELECT id, name, created_at, last_used_at FROM api_tokens \
                   WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC";
        Ok(on_pool!(&self.write, |p| sqlx::query_as(sql)
            .bind(user_id)
            .fetch_all(p)
            .await?))
    }

    /// Whom the token with this digest acts as, if it is valid (read on the primary, so a
    /// revocation is seen at once).
    pub async fn token_owner(&self, digest: &str) -> Result<Option<TokenOwner>> {
        let sql = "SELECT t.id AS token_id, t.user_id, u.username FROM api_tokens t \
                   JOIN users u ON u.id = t.user_id \
                   WHERE t.token_hash = $1 AND t.revoked_at IS NULL";
        Ok(on_pool!(&self.write, |p| sqlx::query_as(sql)
            .bind(digest)
            .fetch_optional(p)
            .await?))
    }

    /// Notes when a token was last used.
    pub async fn touch_token(&self, token_id: i64, at: DateTime<Utc>) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2"
        )
        .bind(at)
        .bind(token_id)
        .execute(p)
        .await
        .map(|_| ())?);
        Ok(())
    }

    /// Revokes one of the account's tokens, everywhere; false if it has no such token.
    pub async fn revoke_token(&self, user_id: i64, token_id: i64) -> Result<bool> {
        let owned: Option<i64> = on_pool!(&self.write, |p| sqlx::query_scalar(
            "SELECT id FROM api_tokens WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL"
        )
        .bind(token_id)
        .bind(user_id)
        .fetch_optional(p)
        .await?);
        if owned.is_none() {
            return Ok(false);
        }
        self.revoke(None, None, None, Some(token_id)).await?;
        Ok(true)
    }
}
