//! `cleanup-predictions` against both backends: boundaries, dry run, batches, and archived
//! predictions leaving the history.

use chrono::{Duration, Utc};
use fp_engine::{CleanupOptions, cleanup_predictions};
use fp_storage::testing::TestDb;
use fp_storage::{Backend, HistoryFilter, NewPrediction, Owner};

async fn seed(db: &TestDb, ages_hours: &[i64]) -> Owner {
    let text = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2024,A,B,1,0\n";
    db.store
        .import_matches(&fp_ingest::parse_matches(text.as_bytes(), "t.csv").unwrap())
        .await
        .unwrap();
    let league = db.store.league("E0").await.unwrap().unwrap();
    let a = db
        .store
        .team_by_name(league.id, "A")
        .await
        .unwrap()
        .unwrap();
    let b = db
        .store
        .team_by_name(league.id, "B")
        .await
        .unwrap()
        .unwrap();
    let owner = Owner::Session("visitor".into());
    let now = Utc::now();
    let rows: Vec<NewPrediction> = ages_hours
        .iter()
        .map(|h| NewPrediction {
            owner: owner.clone(),
            created_at: now - Duration::hours(*h),
            league_id: league.id,
            home_team_id: a.id,
            away_team_id: b.id,
            p_home: 0.5,
            p_draw: 0.3,
            p_away: 0.2,
            predicted_home_goals: 1,
            predicted_away_goals: 0,
            xg_home: 1.5,
            xg_away: 1.0,
            outcome: fp_model::Outcome::Home,
            confidence: 0.5,
            model_version_id: None,
            fixture_id: None,
        })
        .collect();
    db.store.insert_predictions(&rows).await.unwrap();
    owner
}

async fn archives_deletes_in_batches_and_respects_boundaries(backend: Backend) {
    let db = TestDb::new(backend).await;
    // 90 days = 2160 hours: two just past the boundary, one just inside, two recent.
    let owner = seed(&db, &[2161, 2200, 2159, 10, 1]).await;
    let history = |db: &TestDb| {
        let store = db.store.clone();
        let owner = owner.clone();
        async move {
            store
                .history(&owner, &HistoryFilter::default(), 1, 50)
                .await
                .unwrap()
                .total
        }
    };
    let options = CleanupOptions {
        batch_size: 1,
        ..CleanupOptions::default()
    };

    let dry = cleanup_predictions(
        &db.store,
        &CleanupOptions {
            dry_run: true,
            ..options
        },
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!((dry.archived, dry.deleted), (2, 0));
    assert_eq!(dry.before, dry.after);
    assert_eq!(history(&db).await, 5, "a dry run changes nothing");

    let mut calls = 0;
    let run = cleanup_predictions(&db.store, &options, |_, _| calls += 1)
        .await
        .unwrap();
    assert_eq!((run.archived, run.deleted, run.batches), (2, 0, 2));
    assert_eq!(calls, 2);
    assert_eq!((run.before.active, run.before.archived), (5, 0));
    assert_eq!((run.after.active, run.after.archived), (3, 2));
    assert_eq!(
        history(&db).await,
        3,
        "archived predictions leave the history"
    );

    // Everything: archive all (0 days), then delete what was archived before this run.
    let all = CleanupOptions {
        archive_days: 0,
        delete_archived_days: 0,
        batch_size: 2,
        dry_run: false,
    };
    let r = cleanup_predictions(&db.store, &all, |_, _| {})
        .await
        .unwrap();
    assert_eq!((r.deleted, r.archived), (2, 3));
    assert_eq!(history(&db).await, 0);
    let r = cleanup_predictions(&db.store, &all, |_, _| {})
        .await
        .unwrap();
    assert_eq!((r.deleted, r.archived), (3, 0));
    assert_eq!((r.after.active, r.after.archived), (0, 0));
    assert!(
        cleanup_predictions(
            &db.store,
            &CleanupOptions {
                batch_size: 0,
                ..all
            },
            |_, _| {}
        )
        .await
        .is_err()
    );
    db.cleanup().await;
}

#[tokio::test]
async fn cleanup_on_sqlite() {
    archives_deletes_in_batches_and_respects_boundaries(Backend::Sqlite).await;
}

#[tokio::test]
async fn cleanup_on_postgres() {
    archives_deletes_in_batches_and_respects_boundaries(Backend::Postgres).await;
}
