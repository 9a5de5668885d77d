//! A fresh, migrated database per test, on SQLite or on the real PostgreSQL server.
//!
//! PostgreSQL is reached through `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test gets its own database so tests run
//! in parallel without seeing each other's rows.

use crate::{Backend, DbConfig, Store};
use std::sync::atomic::{AtomicU32, Ordering};

/// The admin connection used to create per-test PostgreSQL databases.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "fp_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A database that exists for one test.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    /// A fresh database of the given backend, migrated.
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite().await,
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&DbConfig::new(url.clone()))
            .await
            .expect("open SQLite test database");
        TestDb {
            store,
            url,
            _dir: Some(dir),
            pg_name: None,
        }
    }

    /// The URL of a new, empty PostgreSQL database (not migrated).
    pub async fn create_postgres_database() -> (String, String) {
        let admin = postgres_admin_url();
        let name = unique_name();
        let pool = sqlx::PgPool::connect(&admin)
            .await
            .expect("PostgreSQL must be running for this test (TEST_DATABASE_URL)");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .expect("create test database");
        pool.close().await;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        (format!("{base}/{name}"), name)
    }

    pub async fn postgres() -> TestDb {
        let (url, name) = TestDb::create_postgres_database().await;
        let mut config = DbConfig::new(url.clone());
        config.max_connections = 4;
        let store = Store::open(&config)
            .await
            .expect("open PostgreSQL test database");
        TestDb {
            store,
            url,
            _dir: None,
            pg_name: Some(name),
        }
    }

    /// Closes the pools and drops the PostgreSQL database.
    pub async fn cleanup(self) {
        self.store.close().await;
        if let Some(name) = self.pg_name {
            drop_postgres_database(&name).await;
        }
    }
}

pub async fn drop_postgres_database(name: &str) {
    if let Ok(pool) = sqlx::PgPool::connect(&postgres_admin_url()).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&pool)
            .await;
        pool.close().await;
    }
}
