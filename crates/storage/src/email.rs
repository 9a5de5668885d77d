//! Email addresses, single-use email tokens and the outbox.
//!
//! Every mail is a row of `outbox`, written in the same transaction as what causes it (a
//! token, a grading), and sent by the outbox job: it claims due rows for a while (a lease), so
//! that instances sharing the database never send one row twice at once, marks them sent, or
//! schedules a retry with backoff. Nothing is lost while the SMTP server is down: rows wait.

use crate::error::{Result, StorageError};
use crate::store::{Store, on_pool};
use chrono::{DateTime, Utc};

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    ConfirmEmail,
    ResetPassword,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::ConfirmEmail => "confirm",
            TokenPurpose::ResetPassword => "reset",
        }
    }
}

/// A token to store (its hash: the token itself only travels in the mail).
#[derive(Debug, Clone)]
pub struct NewEmailToken {
    pub token_hash: String,
    pub user_id: i64,
    pub purpose: TokenPurpose,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

/// A mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    /// What it is (`confirm`, `reset`, `results`, `report`), for the admin page.
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
}

/// A mail of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// Mails waiting and mails given up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct OutboxBacklog {
    pub pending: i64,
    pub failed: i64,
    pub sent: i64,
}

/// An account's address and opt-ins.
#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct EmailSettings {
    pub email: Option<String>,
    pub email_confirmed: bool,
    pub notify_results: bool,
    pub notify_weekly: bool,
}

const MAIL_COLUMNS: &str = "id, kind, recipient, subject, text_body, html_body, status, attempts, \
                            created_at, sent_at, last_error";

macro_rules! insert_mail {
    ($exec:expr, $mail:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO outbox (kind, recipient, subject, text_body, html_body, created_at, \
             next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&$mail.kind)
        .bind(&$mail.recipient)
        .bind(&$mail.subject)
        .bind(&$mail.text_body)
        .bind(&$mail.html_body)
        .bind($now)
        .execute($exec)
        .await
    };
}
pub(crate) use insert_mail;

macro_rules! insert_token {
    ($exec:expr, $token:expr) => {
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&$token.token_hash)
        .bind($token.user_id)
        .bind($token.purpose.as_str())
        .bind(&$token.email)
        .bind($token.expires_at)
        .execute($exec)
        .await
    };
}

impl Store {
    pub async fn email_settings(&self, user_id: i64) -> Result<EmailSettings> {
        let sql = "SELECT email, email_confirmed, notify_results, notify_weekly FROM users \
                   WHERE id = $1";
        let row: Option<EmailSettings> = on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
            .bind(user_id)
            .fetch_optional(p)
            .await?);
        Ok(row.unwrap_or_default())
    }

    /// Sets a new, unconfirmed address with its confirmation token and mail, in one
    /// transaction (the mail is sent exactly when the address is stored).
    pub async fn request_email_change(&self, token: &NewEmailToken, mail: &NewMail) -> Result<()> {
        let now = Utc::now();
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE users SET email = $1, email_confirmed = FALSE WHERE id = $2")
                .bind(&token.email)
                .bind(token.user_id)
                .execute(&mut *tx)
                .await?;
            insert_token!(&mut *tx, token)?;
            insert_mail!(&mut *tx, mail, now)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Stores a token and its mail in one transaction.
    pub async fn store_token_with_mail(&self, token: &NewEmailToken, mail: &NewMail) -> Result<()> {
        let now = Utc::now();
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            insert_token!(&mut *tx, token)?;
            insert_mail!(&mut *tx, mail, now)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Uses a token once: its account and address when it exists, has this purpose, has not
    /// expired and was not used before.
    pub async fn use_email_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
    ) -> Result<Option<(i64, String)>> {
        let sql = "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
                   AND used_at IS NULL AND expires_at > $1 RETURNING user_id, email";
        Ok(on_pool!(&self.write, |p| sqlx::query_as(sql)
            .bind(Utc::now())
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(p)
            .await?))
    }

    /// The account and address of a token that would work now (not used, not expired),
    /// without using it.
    pub async fn peek_email_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
    ) -> Result<Option<(i64, String)>> {
        let sql = "SELECT user_id, email FROM email_tokens WHERE token_hash = $1 AND purpose = $2 \
                   AND used_at IS NULL AND expires_at > $3";
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(Utc::now())
            .fetch_optional(p)
            .await?))
    }

    /// Marks the address confirmed if it is still the account's; `false` otherwise. An
    /// address another account has confirmed is [`StorageError::Invalid`].
    pub async fn confirm_email(&self, user_id: i64, email: &str) -> Result<bool> {
        let sql = "UPDATE users SET email_confirmed = TRUE WHERE id = $1 AND email = $2";
        let done = on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(user_id)
            .bind(email)
            .execute(p)
            .await
            .map(|r| r.rows_affected()));
        match done {
            Ok(n) => Ok(n > 0),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(StorageError::Invalid(
                "that address belongs to another account".into(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The account whose confirmed address this is.
    pub async fn user_by_confirmed_email(&self, email: &str) -> Result<Option<(i64, String)>> {
        let sql = "SELECT id, username FROM users WHERE email = $1 AND email_confirmed";
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
            .bind(email)
            .fetch_optional(p)
            .await?))
    }

    /// Queues a mail.
    pub async fn enqueue_mail(&self, mail: &NewMail) -> Result<()> {
        let now = Utc::now();
        on_pool!(&self.write, |p| insert_mail!(p, mail, now).map(|_| ())?);
        Ok(())
    }

    /// Claims up to `limit` due mails for `lease` (another instance takes them over only
    /// after it ran out, e.g. when this one died mid-send).
    pub async fn claim_mails(
        &self,
        instance: &str,
        lease: chrono::Duration,
        limit: i64,
    ) -> Result<Vec<OutboxMail>> {
        let now = Utc::now();
        let due = "status = 'pending' AND next_attempt_at <= $3 \
                   AND (claimed_until IS NULL OR claimed_until < $3)";
        let sql = match self.write {
            // PostgreSQL: rows another instance is claiming are skipped, and the claimed ids
            // are fixed once (a CTE) so that the limit holds.
            crate::Pool::Postgres(_) => format!(
                "WITH due AS (SELECT id FROM outbox WHERE {due} ORDER BY id LIMIT $4 \
                 FOR UPDATE SKIP LOCKED) \
                 UPDATE outbox SET claimed_by = $1, claimed_until = $2 FROM due \
                 WHERE outbox.id = due.id RETURNING {}",
                MAIL_COLUMNS
                    .split(", ")
                    .map(|c| format!("outbox.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            // SQLite: one writer at a time, the subquery is read once.
            crate::Pool::Sqlite(_) => format!(
                "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN \
                 (SELECT id FROM outbox WHERE {due} ORDER BY id LIMIT $4) RETURNING {MAIL_COLUMNS}"
            ),
        };
        Ok(on_pool!(&self.write, |p| sqlx::query_as(&sql)
            .bind(instance)
            .bind(now + lease)
            .bind(now)
            .bind(limit)
            .fetch_all(p)
            .await?))
    }

    /// A claimed mail went out.
    pub async fn mark_mail_sent(&self, id: i64, instance: &str) -> Result<()> {
        let sql = "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, \
                   claimed_until = NULL WHERE id = $2 AND claimed_by = $3";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(Utc::now())
            .bind(id)
            .bind(instance)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// A claimed mail could not be sent: retried at `retry_at`, or given up (`None`).
    pub async fn mark_mail_attempt_failed(
        &self,
        id: i64,
        instance: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let sql = "UPDATE outbox SET attempts = attempts + 1, last_error = $1, \
                   status = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'pending' END, \
                   next_attempt_at = COALESCE($2, next_attempt_at), claimed_until = NULL \
                   WHERE id = $3 AND claimed_by = $4";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(error)
            .bind(retry_at)
            .bind(id)
            .bind(instance)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Puts a mail given up on back in the queue; `false` when it was not a failed mail.
    pub async fn resend_mail(&self, id: i64) -> Result<bool> {
        let sql = "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, \
                   claimed_until = NULL WHERE id = $2 AND status = 'failed'";
        Ok(on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(Utc::now())
            .bind(id)
            .execute(p)
            .await?
            .rows_affected())
            > 0)
    }

    pub async fn outbox_backlog(&self) -> Result<OutboxBacklog> {
        let sql = "SELECT \
                   COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0), \
                   COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0), \
                   COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0) FROM outbox";
        let (pending, failed, sent): (i64, i64, i64) =
            on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
                .fetch_one(p)
                .await?);
        Ok(OutboxBacklog {
            pending,
            failed,
            sent,
        })
    }

    /// The latest mails, newest first.
    pub async fn recent_mails(&self, limit: i64) -> Result<Vec<OutboxMail>> {
        let sql = format!("SELECT {MAIL_COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1");
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(p)
            .await?))
    }

    /// Removes email tokens that expired before `before`; how many.
    pub async fn purge_email_tokens(&self, before: DateTime<Utc>) -> Result<u64> {
        let sql = "DELETE FROM email_tokens WHERE expires_at < $1";
        Ok(on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(before)
            .execute(p)
            .await?
            .rows_affected()))
    }
}
