use crate::config::{DbArgs, redact};

pub async fn run(db: &DbArgs) -> anyhow::Result<()> {
    db.open().await?;
    println!("{}: migrations applied", redact(&db.database_url));
    Ok(())
}
