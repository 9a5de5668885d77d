//! PostgreSQL read routing: plain reads go to the replica URL; a visitor's own data and
//! everything else fall back to the primary when the replica does not answer.

use fp_storage::testing::{TestDb, drop_postgres_database};
use fp_storage::{DbConfig, HistoryFilter, Owner, Store};

const CSV: &str = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2024,A,B,1,0\n";

#[tokio::test]
async fn reads_go_to_the_replica_and_fall_back_to_the_primary() {
    let primary = TestDb::postgres().await;
    primary
        .store
        .import_matches(&fp_csv::parse(CSV.as_bytes(), "t.csv").unwrap())
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
