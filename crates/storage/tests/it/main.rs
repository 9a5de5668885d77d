//! Integration tests of fp-storage: one test binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Runs an `async fn(Backend)` test once on SQLite and once on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(fp_storage::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(fp_storage::Backend::Postgres).await
            }
        }
    )*};
}

mod contract;
mod grading;
mod migrations;
mod operations;
mod replica;
mod sqlite_build;
