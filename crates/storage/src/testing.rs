//! A fresh, migrated database per test, on SQLite or on the real PostgreSQL server.
//!
//! PostgreSQL is reached through `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test gets its own database so tests run
//! in parallel without seeing each other's rows.

// Test support: a failure to set up a test database ends the test, with the reason.
#![allow(clippy::expect_used, clippy::unwrap_used)]

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
        TestDb::sqlite_file(true).await
    }

    pub async fn postgres() -> TestDb {
        TestDb::postgres_database(true).await
    }

    /// A database with no tables at all (not migrated), e.g. the target of a restore.
    pub async fn empty(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb::sqlite_file(false).await,
            Backend::Postgres => TestDb::postgres_database(false).await,
        }
    }

    async fn open(config: &DbConfig, migrate: bool) -> Store {
        let store = if migrate {
            Store::open(config).await
        } else {
            Store::connect(config).await
        };
        store.expect("open the test database")
    }

    async fn sqlite_file(migrate: bool) -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        TestDb {
            store: TestDb::open(&DbConfig::new(url.clone()), migrate).await,
            url,
            _dir: Some(dir),
            pg_name: None,
        }
    }

    async fn postgres_database(migrate: bool) -> TestDb {
        let (url, name) = TestDb::create_postgres_database().await;
        let mut config = DbConfig::new(url.clone());
        config.max_connections = 4;
        TestDb {
            store: TestDb::open(&config, migrate).await,
            url,
            _dir: None,
            pg_name: Some(name),
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

/// Matches from a small comma-separated text for tests of this crate (storage reads no file
/// format; the real parser is `fp-csv`, mapped by `fp-ingest`). A header row names the
/// columns: `Div`, `Date` (dd/mm/yyyy), `HomeTeam`, `AwayTeam`, `FTHG`, `FTAG`, and optionally
/// `HST`, `AST`, `PSCH`, `PSCD`, `PSCA`; other columns and empty cells are ignored.
pub fn matches_from_text(text: &str) -> Vec<crate::NewMatch> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let get = |name: &str| {
                col(name)
                    .and_then(|i| cells.get(i).copied())
                    .filter(|c| !c.is_empty())
            };
            let goals = |name: &str| get(name).and_then(|c| c.parse::<u16>().ok());
            let price = |name: &str| get(name).and_then(|c| c.parse::<f64>().ok());
            let date = chrono::NaiveDate::parse_from_str(get("Date").unwrap_or(""), "%d/%m/%Y")
                .unwrap_or_else(|e| panic!("bad date in {line}: {e}"));
            let (hg, ag) = (goals("FTHG").unwrap_or(0), goals("FTAG").unwrap_or(0));
            let league = get("Div").unwrap_or("E0").to_string();
            let year = if chrono::Datelike::month(&date) >= 7 {
                chrono::Datelike::year(&date)
            } else {
                chrono::Datelike::year(&date) - 1
            };
            crate::NewMatch {
                league_name: league.clone(),
                league,
                season: format!("{year}-{:02}", (year + 1) % 100),
                date,
                kickoff_time: None,
                home_team: get("HomeTeam").unwrap_or("").to_string(),
                away_team: get("AwayTeam").unwrap_or("").to_string(),
                home_goals: hg,
                away_goals: ag,
                result: fp_model::Outcome::from_goals(hg, ag),
                half_time: None,
                stats: crate::MatchStats {
                    home_shots_on_target: goals("HST"),
                    away_shots_on_target: goals("AST"),
                    ..crate::MatchStats::default()
                },
                odds: crate::MatchOdds {
                    pinnacle_close: match (price("PSCH"), price("PSCD"), price("PSCA")) {
                        (Some(home), Some(draw), Some(away)) => {
                            Some(crate::Prices1x2 { home, draw, away })
                        }
                        _ => None,
                    },
                    ..crate::MatchOdds::default()
                },
            }
        })
        .collect()
}
