//! The operator's figures, upkeep and backups, on both backends.

use fp_storage::testing::TestDb;
use fp_storage::{Backend, NewMail, NewPrediction, Owner};

on_both_backends!(
    stats_count_what_the_database_holds,
    upkeep_runs_while_data_is_there,
    a_backup_restores_into_an_empty_database_only,
);

const CSV: &str = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\n\
E0,10/08/2024,Arsenal,Chelsea,2,1\n\
E0,17/08/2024,Chelsea,Everton,0,0\n\
E0,24/08/2024,Everton,Arsenal,1,3\n";

async fn seed(db: &TestDb, predictions: usize) -> Vec<i64> {
    db.store
        .import_matches(&fp_storage::testing::matches_from_text(CSV))
        .await
        .unwrap();
    let league = db.store.league("E0").await.unwrap().unwrap();
    let teams = db.store.teams(league.id).await.unwrap();
    let rows: Vec<NewPrediction> = (0..predictions)
        .map(|i| NewPrediction {
            owner: Owner::Session(format!("session-{}", i % 3)),
            created_at: chrono::DateTime::from_timestamp(1_700_000_000 + i as i64 * 60, 0).unwrap(),
            league_id: league.id,
            home_team_id: teams[0].id,
            away_team_id: teams[1].id,
            p_home: 0.5,
            p_draw: 0.3,
            p_away: 0.2,
            predicted_home_goals: 1,
            predicted_away_goals: 0,
            xg_home: 1.4,
            xg_away: 0.9,
            outcome: fp_model::Outcome::Home,
            confidence: 0.5,
            model_version_id: None,
            fixture_id: None,
        })
        .collect();
    db.store.insert_predictions(&rows).await.unwrap()
}

async fn stats_count_what_the_database_holds(backend: Backend) {
    let db = TestDb::new(backend).await;
    let empty = db.store.stats().await.unwrap();
    assert_eq!(empty.rows("matches"), 0);
    assert_eq!(empty.oldest_active_prediction, None);
    let ids = seed(&db, 7).await;
    db.store.create_user("olga", "hash").await.unwrap();
    // Archive the two oldest.
    let cutoff = chrono::DateTime::from_timestamp(1_700_000_000 + 90, 0).unwrap();
    db.store
        .archive_batch(cutoff, chrono::Utc::now(), 100)
        .await
        .unwrap();
    let s = db.store.stats().await.unwrap();
    assert_eq!(s.backend, backend.name());
    assert_eq!(s.rows("matches"), 3);
    assert_eq!(s.rows("teams"), 3);
    assert_eq!(s.rows("leagues"), 1);
    assert_eq!(s.rows("users"), 1);
    assert_eq!(s.rows("predictions"), ids.len() as i64);
    assert_eq!((s.predictions.active, s.predictions.archived), (5, 2));
    assert_eq!(
        s.oldest_active_prediction,
        chrono::DateTime::from_timestamp(1_700_000_000 + 120, 0)
    );
    assert!(s.size.total_bytes > 0);
    assert_eq!(s.size.wal_bytes.is_some(), backend == Backend::Sqlite);
    assert_eq!(s.tables.len(), fp_storage::TABLES.len());
    // What the stats job stores is what it measured.
    db.store
        .save_stats_snapshot(&(&s).into(), chrono::Utc::now() - chrono::Duration::days(1))
        .await
        .unwrap();
    let back = db.store.latest_stats_snapshot().await.unwrap().unwrap();
    assert_eq!(back.predictions_active, 5);
    assert_eq!(back.size_bytes, s.size.total_bytes);
    db.cleanup().await;
}

async fn upkeep_runs_while_data_is_there(backend: Backend) {
    let db = TestDb::new(backend).await;
    seed(&db, 20).await;
    let report = db.store.upkeep().await.unwrap();
    let text = report.to_string();
    match backend {
        Backend::Postgres => assert!(text.contains("VACUUM (ANALYZE)"), "{text}"),
        Backend::Sqlite => {
            assert!(text.contains("PRAGMA optimize"), "{text}");
            assert!(text.contains("checkpoint"), "{text}");
        }
    }
    assert_eq!(db.store.count_predictions().await.unwrap(), 20);
    db.cleanup().await;
}

fn pg_tools() -> bool {
    std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

async fn a_backup_restores_into_an_empty_database_only(backend: Backend) {
    if backend == Backend::Postgres && !pg_tools() {
        assert!(
            std::env::var("CI").is_err(),
            "pg_dump is missing on a CI machine"
        );
        eprintln!("skipped: pg_dump is not installed");
        return;
    }
    let db = TestDb::new(backend).await;
    let ids = seed(&db, 50).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.bin");
    let report = db.store.backup_to(&file, &db.url).await.unwrap();
    assert!(report.bytes > 0 && file.exists());
    let again = db.store.backup_to(&file, &db.url).await.unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");

    // Into the same (non-empty) database: refused, nothing touched.
    let config = fp_storage::DbConfig::new(db.url.clone());
    let refused = fp_storage::restore(&config, &file, false)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("not empty"), "{refused}");
    assert_eq!(db.store.count_predictions().await.unwrap(), 50);

    // Into an empty one: everything is there.
    let target = TestDb::empty(backend).await;
    let config = fp_storage::DbConfig::new(target.url.clone());
    let done = fp_storage::restore(&config, &file, false).await.unwrap();
    assert!(!done.replaced);
    let restored = fp_storage::Store::open(&config).await.unwrap();
    assert_eq!(restored.count_matches().await.unwrap(), 3);
    let owner = Owner::Session("session-0".into());
    for id in &ids {
        let found = restored.prediction(*id, &owner).await.unwrap();
        let mine = ids.iter().position(|i| i == id).unwrap() % 3 == 0;
        assert_eq!(found.is_some(), mine, "prediction {id}");
    }
    assert_eq!(restored.count_predictions().await.unwrap(), 50);
    restored.close().await;

    // --force replaces what a database holds.
    seed(&db, 5).await;
    let file2 = dir.path().join("backup2.bin");
    db.store.backup_to(&file2, &db.url).await.unwrap();
    fp_storage::restore(&config, &file2, true).await.unwrap();
    let restored = fp_storage::Store::open(&config).await.unwrap();
    assert_eq!(restored.count_predictions().await.unwrap(), 55);
    restored.close().await;

    // Not a backup at all.
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, "hello").unwrap();
    let empty = TestDb::empty(backend).await;
    let bad = fp_storage::restore(&fp_storage::DbConfig::new(empty.url.clone()), &junk, false)
        .await
        .unwrap_err();
    assert!(!bad.to_string().is_empty());
    empty.cleanup().await;
    target.cleanup().await;
    db.cleanup().await;
}

on_both_backends!(graded_predictions_are_mailed_once_to_accounts_that_asked);

async fn graded_predictions_are_mailed_once_to_accounts_that_asked(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = &db.store;
    // The league exists before the predictions; the results come later.
    store
        .import_matches(&fp_storage::testing::matches_from_text(
            "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,01/08/2023,Everton,Fulham,0,0\n\
             E0,02/08/2023,Arsenal,Chelsea,1,1\n",
        ))
        .await
        .unwrap();
    let ann = store.create_user("ann", "h").await.unwrap().unwrap();
    let bob = store.create_user("bob", "h").await.unwrap().unwrap();
    let token = fp_storage::NewEmailToken {
        token_hash: "t".into(),
        user_id: ann,
        purpose: fp_storage::TokenPurpose::ConfirmEmail,
        email: "ann@example.org".into(),
        expires_at: chrono::Utc::now() + chrono::Duration::hours(1),
    };
    let confirm = NewMail {
        kind: "confirm".into(),
        recipient: "ann@example.org".into(),
        subject: "c".into(),
        text_body: "c".into(),
        html_body: "c".into(),
    };
    store.request_email_change(&token, &confirm).await.unwrap();
    assert!(store.confirm_email(ann, "ann@example.org").await.unwrap());
    store
        .set_notifications_with_token(ann, true, false, "unsub-ann")
        .await
        .unwrap();
    let league = store.league("E0").await.unwrap().unwrap();
    let team = |name: &str| {
        let store = store.clone();
        let name = name.to_string();
        async move {
            store
                .team_by_name(league.id, &name)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let (arsenal, chelsea) = (team("Arsenal").await, team("Chelsea").await);
    let predict = |owner: i64, day: u32| NewPrediction {
        owner: Owner::User(owner),
        created_at: chrono::DateTime::from_naive_utc_and_offset(
            chrono::NaiveDate::from_ymd_opt(2024, 8, day)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            chrono::Utc,
        ),
        league_id: league.id,
        home_team_id: arsenal,
        away_team_id: chelsea,
        p_home: 0.5,
        p_draw: 0.3,
        p_away: 0.2,
        predicted_home_goals: 1,
        predicted_away_goals: 0,
        xg_home: 1.4,
        xg_away: 0.9,
        outcome: fp_model::Outcome::Home,
        confidence: 0.5,
        model_version_id: None,
        fixture_id: None,
    };
    store
        .insert_predictions(&[predict(ann, 1), predict(ann, 2), predict(bob, 1)])
        .await
        .unwrap();
    store
        .import_matches(&fp_storage::testing::matches_from_text(
            "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2024,Arsenal,Chelsea,2,1\n",
        ))
        .await
        .unwrap();
    let compose = |lines: &[fp_storage::DigestLine]| NewMail {
        kind: "results".into(),
        recipient: lines[0].email.clone(),
        subject: format!("{} results", lines.len()),
        text_body: lines
            .iter()
            .map(|l| format!("{} v {} {:?}", l.home, l.away, l.actual_result))
            .collect(),
        html_body: String::new(),
    };
    let first = store.queue_result_digests(compose).await.unwrap();
    assert_eq!((first.mails, first.predictions), (1, 2));
    let mails = store.recent_mails(5).await.unwrap();
    let digest = mails.iter().find(|m| m.kind == "results").unwrap();
    assert_eq!(
        (digest.recipient.as_str(), digest.subject.as_str()),
        ("ann@example.org", "2 results")
    );
    assert!(
        digest.text_body.contains("Arsenal v Chelsea Some(\"H\")"),
        "{}",
        digest.text_body
    );
    // Nothing twice; bob (who did not ask) was skipped, not queued for later.
    let again = store.queue_result_digests(compose).await.unwrap();
    assert_eq!((again.mails, again.predictions), (0, 0));
    // A new grading: one more digest with the new line only.
    store.insert_predictions(&[predict(ann, 11)]).await.unwrap();
    store
        .import_matches(&fp_storage::testing::matches_from_text(
            "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,20/08/2024,Arsenal,Chelsea,0,3\n",
        ))
        .await
        .unwrap();
    let third = store.queue_result_digests(compose).await.unwrap();
    assert_eq!((third.mails, third.predictions), (1, 1));
    // Unsubscribed: no more.
    assert_eq!(
        store.unsubscribe("unsub-ann").await.unwrap().as_deref(),
        Some("ann")
    );
    assert_eq!(store.unsubscribe("nope").await.unwrap(), None);
    assert!(!store.email_settings(ann).await.unwrap().notify_results);
    db.cleanup().await;
}
