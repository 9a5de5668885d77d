//! PostgreSQL read routing and reconnection: plain reads go to the replica URL; a visitor's
//! own data and everything else fall back to the primary when the replica does not answer;
//! connections the server dropped are replaced.

use fp_storage::testing::{TestDb, drop_postgres_database};
use fp_storage::{DbConfig, HistoryFilter, Owner, Store};

const CSV: &str = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2024,A,B,1,0\n";

#[tokio::test]
async fn reads_go_to_the_replica_and_fall_back_to_the_primary() {
    let primary = TestDb::postgres().await;
    primary
        .store
        .import_matches(&fp_storage::testing::matches_from_text(CSV))
        .await
        .unwrap();
    // A "replica" that is a different (empty, migrated) database, so we can tell where a read went.
    let (replica_url, replica_name) = TestDb::create_postgres_database().await;
    Store::open(&DbConfig::new(replica_url.clone()))
        .await
        .unwrap()
        .close()
        .await;

    let mut config = DbConfig::new(primary.url.clone());
    config.read_url = Some(replica_url);
    let routed = Store::open(&config).await.unwrap();
    assert_eq!(routed.replica_in_use(), Some(true));
    assert!(
        routed.leagues().await.unwrap().is_empty(),
        "plain reads went to the replica"
    );
    // A visitor's own data comes from the primary.
    let owner = Owner::Session("s".into());
    assert_eq!(
        routed
            .history(&owner, &HistoryFilter::default(), 1, 50)
            .await
            .unwrap()
            .total,
        0
    );
    assert!(routed.count_matches().await.is_ok());
    routed.close().await;

    let mut config = DbConfig::new(primary.url.clone());
    config.read_url = Some("postgres://postgres@127.0.0.1:1/nowhere".into());
    config.acquire_timeout = std::time::Duration::from_secs(1);
    let fallback = Store::open(&config).await.unwrap();
    assert_eq!(fallback.replica_in_use(), Some(false));
    assert_eq!(
        fallback.leagues().await.unwrap().len(),
        1,
        "reads fell back to the primary"
    );
    assert_eq!(fallback.count_matches().await.unwrap(), 1);
    fallback.close().await;

    drop_postgres_database(&replica_name).await;
    primary.cleanup().await;
}

#[tokio::test]
async fn sqlite_has_no_replica() {
    let db = TestDb::sqlite().await;
    assert_eq!(db.store.replica_in_use(), None);
    db.cleanup().await;
}

/// What a PostgreSQL restart does to the pool: every server connection is closed under it.
/// The next queries must get fresh connections (pinged before use) instead of failing.
#[tokio::test]
async fn connections_are_re_established_after_the_server_drops_them() {
    let db = TestDb::postgres().await;
    db.store
        .import_matches(&fp_storage::testing::matches_from_text(CSV))
        .await
        .unwrap();
    assert_eq!(db.store.count_matches().await.unwrap(), 1);
    let name = db.url.rsplit('/').next().unwrap().to_string();
    let admin = sqlx::PgPool::connect(&fp_storage::testing::postgres_admin_url())
        .await
        .unwrap();
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
    )
    .bind(&name)
    .fetch_all(&admin)
    .await
    .unwrap();
    assert!(!killed.is_empty(), "the pool held connections to drop");
    admin.close().await;
    for _ in 0..3 {
        assert_eq!(db.store.count_matches().await.unwrap(), 1);
        assert_eq!(db.store.leagues().await.unwrap().len(), 1);
    }
    db.cleanup().await;
}
