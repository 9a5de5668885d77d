//! The data version: one number moved by every import, sync and refit that changed something,
//! so that a server notices data written by another process (the CLI, another instance) with
//! one cheap read, Redis or not.

use crate::error::Result;
use crate::store::{Store, on_pool};

/// Moves the version; run inside the transaction that changed the data.
pub(crate) const BUMP: &str = "UPDATE data_state SET version = version + 1 WHERE id = 1";

impl Store {
    /// The current data version: from the primary on PostgreSQL (a replica may lag), from a
    /// reader on SQLite (which sees every commit, and leaves the one writer alone).
    pub async fn data_version(&self) -> Result<i64> {
        let sql = "SELECT version FROM data_state WHERE id = 1";
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_scalar(
            sql
        )
        .fetch_one(p)
        .await?))
    }

    /// Moves the data version (after a refit, or anything else that changed what servers
    /// show without going through an import).
    pub async fn bump_data_version(&self) -> Result<()> {
        on_pool!(&self.write, |p| {
            sqlx::query(BUMP).execute(p).await?;
        });
        Ok(())
    }
}
