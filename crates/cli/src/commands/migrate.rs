use crate::config::{DbArgs, redact};
use anyhow::Context;

/// Applies pending migrations, also when DATABASE_PGBOUNCER is set (then `serve` does not):
/// point DATABASE_URL at the primary itself for this, not at a transaction-mode PgBouncer.
pub async fn run(db: &DbArgs) -> anyhow::Result<()> {
    let store = fp_storage::Store::connect(&db.config())
        .await
        .with_context(|| format!("cannot open the database {}", redact(&db.database_url)))?;
    store
        .migrate()
        .await
        .with_context(|| format!("cannot migrate {}", redact(&db.database_url)))?;
    println!("{}: migrations applied", redact(&db.database_url));
    Ok(())
}
