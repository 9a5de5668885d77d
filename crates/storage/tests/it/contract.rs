//! The storage contract, run against SQLite and against the real PostgreSQL server
//! (a fresh database per test).

use chrono::NaiveDate;
use fp_storage::testing::TestDb;
use fp_storage::{
    Backend, HistoryFilter, HistoryFingerprint, ImportCounts, NewModelVersion, NewPrediction,
    NewSession, Owner,
};

on_both_backends!(
    import_is_idempotent_and_updates_corrected_rows,
    aliases_map_other_spellings_to_one_team,
    leagues_teams_and_matches_are_listed,
    model_versions_are_stored_and_the_newest_is_current,
    predictions_belong_to_their_owner_only,
    history_pages_and_filters,
    users_and_sessions,
    the_history_fingerprint_moves_with_every_change,
    every_inserted_prediction_gets_its_own_id,
    the_partial_prediction_indexes_serve_their_queries,
    the_writer_gives_every_concurrent_save_its_own_row,
    a_row_the_database_refuses_fails_alone,
    concurrent_imports_report_true_counts,
);

async fn concurrent_imports_report_true_counts(backend: Backend) {
    let db = TestDb::new(backend).await;
    let lines: Vec<String> = (0..300)
        .map(|i| {
            let day =
                chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(i);
            format!(
                "E0,{},Arsenal,Chelsea,{},1,H,6,3,1.9,3.6,4.2",
                day.format("%d/%m/%Y"),
                i % 5
            )
        })
        .collect();
    let file: Vec<&str> = lines.iter().map(String::as_str).collect();
    let rows = records(&file);
    let (a, b) = tokio::join!(
        db.store.import_matches(&rows),
        db.store.import_matches(&rows)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.inserted + b.inserted, 300, "{a:?} {b:?}");
    assert_eq!(a.unchanged + b.unchanged, 300, "{a:?} {b:?}");
    assert_eq!(db.store.count_matches().await.unwrap(), 300);
    db.cleanup().await;
}

/// Many first visits at once on two threads (their sessions share the batches with the rows):
/// every row is stored under its own id and its new session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_visits_saved_at_once_are_all_stored_with_their_sessions() {
    let db = TestDb::new(Backend::Sqlite).await;
    let ids = seed_league(&db).await;
    let writer = fp_storage::PredictionWriter::start(&db.store).unwrap();
    let saves: Vec<_> = (0..400)
        .map(|i| {
            let writer = writer.clone();
            let owner = Owner::Session(format!("visit-{i}"));
            let session = NewSession {
                id: format!("visit-{i}"),
                data: vec![i as u8],
                user_id: None,
                expiry: chrono::Utc::now() + chrono::Duration::days(1),
            };
            let row = prediction(owner, ids, i, "D");
            tokio::spawn(async move { writer.save_with_session(row, Some(session)).await })
        })
        .collect();
    let mut got = Vec::new();
    for s in saves {
        got.push(s.await.unwrap().unwrap());
    }
    let distinct: std::collections::HashSet<i64> = got.iter().copied().collect();
    assert_eq!(distinct.len(), 400);
    for (i, id) in got.iter().enumerate() {
        let me = Owner::Session(format!("visit-{i}"));
        let stored = db.store.prediction(*id, &me).await.unwrap();
        assert_eq!(
            stored.map(|p| p.created_at.timestamp()),
            Some(1_700_000_000 + i as i64 * 60)
        );
        let session = db.store.load_session(&format!("visit-{i}")).await.unwrap();
        assert_eq!(session.map(|s| s.data), Some(vec![i as u8]));
    }
    db.cleanup().await;
}

#[tokio::test]
async fn a_save_waits_while_another_writer_holds_the_database() {
    saves_wait_while_another_writer_holds_the_database(1).await;
}

/// Many rows that queue up while another writer holds the database: none is saved while it
/// does, all are once it lets go.
#[tokio::test]
async fn many_saves_wait_while_another_writer_holds_the_database() {
    saves_wait_while_another_writer_holds_the_database(40).await;
}

/// `n` saves made while another connection holds the write lock: none returns before it lets
/// go, then each gets its own stored row.
async fn saves_wait_while_another_writer_holds_the_database(n: i64) {
    let db = TestDb::new(Backend::Sqlite).await;
    let ids = seed_league(&db).await;
    let writer = fp_storage::PredictionWriter::start(&db.store).unwrap();
    let fp_storage::Pool::Sqlite(pool) = db.store.write_pool() else {
        unreachable!()
    };
    let mut other = pool.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *other)
        .await
        .unwrap();
    let me = Owner::Session("waiting".into());
    let saves: Vec<_> = (0..n)
        .map(|i| {
            let writer = writer.clone();
            let row = prediction(me.clone(), ids, i, "H");
            tokio::spawn(async move { writer.save(row).await })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        saves.iter().all(|s| !s.is_finished()),
        "saved while the database was locked"
    );
    sqlx::query("COMMIT").execute(&mut *other).await.unwrap();
    drop(other);
    let mut got = Vec::new();
    for s in saves {
        got.push(s.await.unwrap().unwrap());
    }
    for id in &got {
        assert!(db.store.prediction(*id, &me).await.unwrap().is_some());
    }
    got.sort_unstable();
    got.dedup();
    assert_eq!(got.len() as i64, n);
    let page = db
        .store
        .history(&me, &HistoryFilter::default(), 1, 50)
        .await
        .unwrap();
    assert_eq!(page.total, n);
    db.cleanup().await;
}

const HEADER: &str = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HST,AST,PSCH,PSCD,PSCA";

fn records(rows: &[&str]) -> Vec<fp_storage::NewMatch> {
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let mut matches = fp_storage::testing::matches_from_text(&text);
    for m in &mut matches {
        if m.league == "E0" {
            m.league_name = "England Premier League".to_string();
        }
    }
    matches
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn import_is_idempotent_and_updates_corrected_rows(backend: Backend) {
    let db = TestDb::new(backend).await;
    let file = [
        "E0,10/08/2024,Arsenal,Chelsea,2,1,H,6,3,1.9,3.6,4.2",
        "E0,11/08/2024,Everton,Fulham,0,0,D,2,2,2.5,3.2,3.0",
    ];
    let counts = db.store.import_matches(&records(&file)).await.unwrap();
    assert_eq!(
        counts,
        ImportCounts {
            inserted: 2,
            updated: 0,
            unchanged: 0
        }
    );
    let again = db.store.import_matches(&records(&file)).await.unwrap();
    assert_eq!(
        again,
        ImportCounts {
            inserted: 0,
            updated: 0,
            unchanged: 2
        }
    );
    assert_eq!(db.store.count_matches().await.unwrap(), 2);

    // A corrected file: one score fixed, one odds value filled, one new match.
    let corrected = [
        "E0,10/08/2024,Arsenal,Chelsea,2,2,D,6,3,1.9,3.6,4.2",
        "E0,11/08/2024,Everton,Fulham,0,0,D,2,2,2.5,3.2,3.1",
        "E0,12/08/2024,Chelsea,Everton,1,0,H,,,,,",
    ];
    let counts = db.store.import_matches(&records(&corrected)).await.unwrap();
    assert_eq!(
        counts,
        ImportCounts {
            inserted: 1,
            updated: 2,
            unchanged: 0
        }
    );
    assert_eq!(db.store.count_matches().await.unwrap(), 3);

    let league = db.store.league("E0").await.unwrap().unwrap();
    let matches = db.store.league_matches(league.id).await.unwrap();
    assert_eq!(matches.len(), 3);
    assert_eq!((matches[0].home_goals, matches[0].away_goals), (2, 2));
    assert_eq!(matches[0].result, fp_model::Outcome::Draw);
    assert_eq!(matches[1].ps_close_away, Some(3.1));
    assert_eq!(matches[2].home_shots_on_target, None);
    db.cleanup().await;
}

async fn aliases_map_other_spellings_to_one_team(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.store
        .import_matches(&records(&["E0,10/08/2024,Man United,Fulham,1,0,H,,,,,"]))
        .await
        .unwrap();
    let league = db.store.league("E0").await.unwrap().unwrap();
    let united = db
        .store
        .team_by_name(league.id, "Man United")
        .await
        .unwrap()
        .unwrap();
    db.store
        .add_team_alias(united.id, "Manchester United")
        .await
        .unwrap();
    db.store
        .import_matches(&records(&[
            "E0,17/08/2024,Fulham,Manchester United,0,3,A,,,,,",
        ]))
        .await
        .unwrap();
    let teams = db.store.teams(league.id).await.unwrap();
    assert_eq!(
        teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["Fulham", "Man United"]
    );
    let found = db
        .store
        .team_by_name(league.id, "Manchester United")
        .await
        .unwrap();
    assert_eq!(found.map(|t| t.id), Some(united.id));
    let played = db.store.league_matches(league.id).await.unwrap();
    assert_eq!(played.len(), 2);
    assert_eq!(played[1].away_team, "Man United");
    assert_eq!(played[1].away_team_id, united.id);
    db.cleanup().await;
}

async fn leagues_teams_and_matches_are_listed(backend: Backend) {
    let db = TestDb::new(backend).await;
    assert!(db.store.leagues().await.unwrap().is_empty());
    db.store
        .import_matches(&records(&[
            "E0,10/08/2023,A,B,1,0,H,,,,,",
            "E0,10/09/2023,B,A,2,2,D,,,,,",
            "E0,10/10/2023,A,C,0,1,A,,,,,",
            "D1,10/10/2023,X,Y,3,1,H,,,,,",
        ]))
        .await
        .unwrap();
    let leagues = db.store.leagues().await.unwrap();
    assert_eq!(leagues.len(), 2);
    let e0 = &leagues[1];
    assert_eq!(
        (e0.code.as_str(), e0.name.as_str()),
        ("E0", "England Premier League")
    );
    assert_eq!((e0.matches, e0.teams), (3, 3));
    assert_eq!(e0.first_date, Some(date("2023-08-10")));
    assert_eq!(e0.last_date, Some(date("2023-10-10")));

    let a = db.store.team_by_name(e0.id, "A").await.unwrap().unwrap();
    let played = db.store.league_matches(e0.id).await.unwrap();
    assert_eq!(
        played.iter().map(|m| m.match_date).collect::<Vec<_>>(),
        [date("2023-08-10"), date("2023-09-10"), date("2023-10-10")]
    );
    assert_eq!(played[0].home_team_id, a.id);
    assert!(db.store.league("I1").await.unwrap().is_none());
    db.cleanup().await;
}

async fn model_versions_are_stored_and_the_newest_is_current(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.store
        .import_matches(&records(&["E0,10/08/2024,A,B,1,0,H,,,,,"]))
        .await
        .unwrap();
    let league = db.store.league("E0").await.unwrap().unwrap();
    let mut v = NewModelVersion {
        league_id: league.id,
        kind: "blend".into(),
        params: "{\"a\":1}".into(),
        data_from: date("2022-08-01"),
        data_to: date("2024-08-10"),
        n_matches: 1,
        backtest_rps: Some(0.2),
    };
    let first = db.store.insert_model_version(&v).await.unwrap();
    v.params = "{\"a\":2}".into();
    let second = db.store.insert_model_version(&v).await.unwrap();
    assert!(second > first);
    let current = db.store.current_model_versions().await.unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].id, second);
    assert_eq!(current[0].params, "{\"a\":2}");
    assert_eq!(current[0].data_to, date("2024-08-10"));
    db.cleanup().await;
}

async fn seed_league(db: &TestDb) -> (i64, i64, i64) {
    db.store
        .import_matches(&records(&["E0,10/08/2024,Arsenal,Chelsea,1,0,H,,,,,"]))
        .await
        .unwrap();
    let league = db.store.league("E0").await.unwrap().unwrap();
    let a = db
        .store
        .team_by_name(league.id, "Arsenal")
        .await
        .unwrap()
        .unwrap();
    let c = db
        .store
        .team_by_name(league.id, "Chelsea")
        .await
        .unwrap()
        .unwrap();
    (league.id, a.id, c.id)
}

fn prediction(owner: Owner, ids: (i64, i64, i64), minute: i64, outcome: &str) -> NewPrediction {
    NewPrediction {
        owner,
        created_at: chrono::DateTime::from_timestamp(1_700_000_000 + minute * 60, 0).unwrap(),
        league_id: ids.0,
        home_team_id: ids.1,
        away_team_id: ids.2,
        p_home: 0.5,
        p_draw: 0.3,
        p_away: 0.2,
        predicted_home_goals: 1,
        predicted_away_goals: 0,
        xg_home: 1.4,
        xg_away: 0.9,
        outcome: fp_model::Outcome::from_code(outcome).unwrap(),
        confidence: 0.5,
        model_version_id: None,
        fixture_id: None,
    }
}

async fn predictions_belong_to_their_owner_only(backend: Backend) {
    let db = TestDb::new(backend).await;
    let ids = seed_league(&db).await;
    let alice = Owner::Session("alice-session".into());
    let bob = Owner::Session("bob-session".into());
    let a = db
        .store
        .insert_predictions(&[
            prediction(alice.clone(), ids, 1, "H"),
            prediction(alice.clone(), ids, 2, "D"),
        ])
        .await
        .unwrap();
    let b = db
        .store
        .insert_predictions(&[prediction(bob.clone(), ids, 3, "H")])
        .await
        .unwrap();
    assert_eq!(a.len(), 2);
    assert!(db.store.prediction(a[0], &alice).await.unwrap().is_some());
    assert!(db.store.prediction(a[0], &bob).await.unwrap().is_none());
    // Bob cannot delete Alice's prediction by id, nor by "delete all".
    assert_eq!(
        db.store
            .delete_predictions(&bob, &[a[0], a[1]])
            .await
            .unwrap(),
        0
    );
    assert_eq!(db.store.delete_all_predictions(&bob).await.unwrap(), 1);
    let f = HistoryFilter::default();
    assert_eq!(db.store.history(&alice, &f, 1, 50).await.unwrap().total, 2);
    assert!(db.store.prediction(b[0], &bob).await.unwrap().is_none());
    // Alice registers: her predictions move to the account.
    let user = db
        .store
        .create_user("alice", "hash")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        db.store
            .move_predictions_to_user("alice-session", user)
            .await
            .unwrap(),
        2
    );
    let account = Owner::User(user);
    assert_eq!(
        db.store.history(&account, &f, 1, 50).await.unwrap().total,
        2
    );
    assert_eq!(db.store.history(&alice, &f, 1, 50).await.unwrap().total, 0);
    assert_eq!(
        db.store
            .delete_predictions(&account, &[a[1]])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        db.store.history(&account, &f, 1, 50).await.unwrap().total,
        1
    );
    db.cleanup().await;
}

async fn history_pages_and_filters(backend: Backend) {
    let db = TestDb::new(backend).await;
    let ids = seed_league(&db).await;
    let me = Owner::Session("me".into());
    let rows: Vec<_> = (0..120)
        .map(|i| prediction(me.clone(), ids, i, if i % 3 == 0 { "D" } else { "H" }))
        .collect();
    db.store.insert_predictions(&rows).await.unwrap();
    let f = HistoryFilter::default();
    let first = db.store.history(&me, &f, 1, 50).await.unwrap();
    assert_eq!((first.total, first.items.len()), (120, 50));
    assert!(
        first
            .items
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at)
    );
    assert_eq!(first.items[0].home_team, "Arsenal");
    let last = db.store.history(&me, &f, 3, 50).await.unwrap();
    assert_eq!(last.items.len(), 20);
    let draws = HistoryFilter {
        outcome: Some(fp_model::Outcome::Draw),
        ..Default::default()
    };
    assert_eq!(
        db.store.history(&me, &draws, 1, 50).await.unwrap().total,
        40
    );
    let other_league = HistoryFilter {
        league_id: Some(ids.0 + 1000),
        ..Default::default()
    };
    assert_eq!(
        db.store
            .history(&me, &other_league, 1, 50)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(db.store.count_predictions().await.unwrap(), 120);
    db.cleanup().await;
}

async fn users_and_sessions(backend: Backend) {
    let db = TestDb::new(backend).await;
    let id = db.store.create_user("carol", "h1").await.unwrap().unwrap();
    assert!(db.store.create_user("carol", "h2").await.unwrap().is_none());
    db.store.set_password(id, "h3").await.unwrap();
    assert_eq!(
        db.store
            .user_by_name("carol")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "h3"
    );
    let session = |id: &str, user_id: Option<i64>, days: i64| NewSession {
        id: id.into(),
        data: b"{}".to_vec(),
        user_id,
        expiry: chrono::Utc::now() + chrono::Duration::days(days),
    };
    db.store
        .save_session(&session("s1", None, 1))
        .await
        .unwrap();
    assert_eq!(
        db.store.load_session("s1").await.unwrap().unwrap().data,
        b"{}"
    );
    db.store
        .save_session(&session("old", None, -1))
        .await
        .unwrap();
    assert!(db.store.load_session("old").await.unwrap().is_none());
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    db.store.delete_session("s1").await.unwrap();
    assert!(db.store.load_session("s1").await.unwrap().is_none());
    // Ending a session is announced; so is ending an account's sessions but one.
    let alice = id;
    for id in ["a1", "a2", "a3"] {
        db.store
            .save_session(&session(id, Some(alice), 30))
            .await
            .unwrap();
    }
    db.store
        .delete_user_sessions(alice, Some("a2"))
        .await
        .unwrap();
    assert!(db.store.load_session("a1").await.unwrap().is_none());
    assert!(db.store.load_session("a2").await.unwrap().is_some());
    assert!(db.store.load_session("a3").await.unwrap().is_none());
    let r = db.store.revocations_since(before).await.unwrap();
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0].session_id.as_deref(), Some("s1"));
    assert_eq!(r[1].user_id, Some(alice));
    assert_eq!(r[1].keep_session_id.as_deref(), Some("a2"));
    assert!(r[0].seq < r[1].seq);
    // The purge removes expired sessions with their anonymous predictions only.
    let ids = seed_league(&db).await;
    db.store
        .insert_sessions(&[session("gone", None, -1), session("kept", None, 1)])
        .await
        .unwrap();
    for (owner, minute) in [
        (Owner::Session("gone".into()), 1),
        (Owner::Session("gone".into()), 2),
        (Owner::Session("kept".into()), 3),
    ] {
        db.store
            .insert_predictions(&[prediction(owner, ids, minute, "H")])
            .await
            .unwrap();
    }
    let report = db
        .store
        .purge_sessions(
            chrono::Utc::now(),
            chrono::Utc::now() + chrono::Duration::days(1),
        )
        .await
        .unwrap();
    assert_eq!(report.sessions, 2, "'old' and 'gone': {report:?}");
    assert_eq!(report.predictions, 2);
    assert_eq!(report.revocations, 2);
    assert!(db.store.load_session("kept").await.unwrap().is_some());
    // API tokens: stored by digest, listed, revoked everywhere.
    let t = db
        .store
        .create_token(alice, "script", "digest-1")
        .await
        .unwrap();
    assert_eq!(db.store.tokens(alice).await.unwrap().len(), 1);
    let owner = db.store.token_owner("digest-1").await.unwrap().unwrap();
    assert_eq!((owner.token_id, owner.user_id), (t, alice));
    assert!(
        !db.store.revoke_token(alice + 1, t).await.unwrap(),
        "not theirs"
    );
    assert!(db.store.revoke_token(alice, t).await.unwrap());
    assert!(db.store.token_owner("digest-1").await.unwrap().is_none());
    assert!(db.store.tokens(alice).await.unwrap().is_empty());
    let r = db.store.revocations_since(before).await.unwrap();
    assert_eq!(r.last().unwrap().token_id, Some(t));
    db.cleanup().await;
}

async fn the_history_fingerprint_moves_with_every_change(backend: Backend) {
    let db = TestDb::new(backend).await;
    let ids = seed_league(&db).await;
    let me = Owner::Session("me".into());
    let other = Owner::Session("other".into());
    let fp = |o: &Owner| {
        let (store, o) = (db.store.clone(), o.clone());
        async move { store.history_fingerprint(&o).await.unwrap() }
    };
    let mut seen = vec![fp(&me).await];
    assert_eq!(seen[0], HistoryFingerprint::default());
    let mut changed = |f: HistoryFingerprint, what: &str| {
        assert!(!seen.contains(&f), "{what}: {f:?} seen before");
        seen.push(f);
    };
    let new = db
        .store
        .insert_predictions(&[
            prediction(me.clone(), ids, 1, "H"),
            prediction(me.clone(), ids, 2, "D"),
            prediction(me.clone(), ids, 3, "A"),
        ])
        .await
        .unwrap();
    changed(fp(&me).await, "insert");
    // Another visitor's predictions leave mine alone.
    let before = fp(&me).await;
    db.store
        .insert_predictions(&[prediction(other.clone(), ids, 4, "H")])
        .await
        .unwrap();
    assert_eq!(fp(&me).await, before);
    db.store.delete_predictions(&me, &[new[1]]).await.unwrap();
    changed(fp(&me).await, "delete");
    // Archive everything older than minute 2 (my first prediction).
    let cutoff = chrono::DateTime::from_timestamp(1_700_000_000 + 90, 0).unwrap();
    assert_eq!(
        db.store
            .archive_batch(cutoff, chrono::Utc::now(), 100)
            .await
            .unwrap(),
        1
    );
    changed(fp(&me).await, "archive");
    // The newest prediction of the table deleted and another made: its id is new on both
    // backends (SQLite AUTOINCREMENT), and the fingerprint moves.
    let newest = db
        .store
        .insert_predictions(&[prediction(me.clone(), ids, 5, "H")])
        .await
        .unwrap()[0];
    changed(fp(&me).await, "insert");
    let before = fp(&me).await;
    db.store.delete_predictions(&me, &[newest]).await.unwrap();
    assert_ne!(fp(&me).await, before, "delete the newest");
    let again = db
        .store
        .insert_predictions(&[prediction(me.clone(), ids, 6, "A")])
        .await
        .unwrap()[0];
    let after = fp(&me).await;
    assert!(
        again > newest,
        "{backend:?}: the deleted id {newest} was given again"
    );
    assert_ne!(after, before, "a new prediction after a deletion");
    db.store.delete_predictions(&me, &[again]).await.unwrap();
    let user = db.store.create_user("me", "hash").await.unwrap().unwrap();
    db.store.move_predictions_to_user("me", user).await.unwrap();
    assert_eq!(fp(&me).await, HistoryFingerprint::default());
    let mine = fp(&Owner::User(user)).await;
    assert_eq!((mine.count, mine.max_id, mine.sum_ids), (1, new[2], new[2]));
    assert_eq!(
        mine.newest,
        chrono::DateTime::from_timestamp(1_700_000_000 + 3 * 60, 0)
    );
    db.cleanup().await;
}

async fn every_inserted_prediction_gets_its_own_id(backend: Backend) {
    let db = TestDb::new(backend).await;
    let ids = seed_league(&db).await;
    let me = Owner::Session("me".into());
    // One statement (up to INSERT_CHUNK rows), then one transaction of several chunks, then a
    // gap in the ids (the newest rows deleted) before the next insert.
    for n in [3, fp_storage::INSERT_CHUNK + 7, 2] {
        let rows: Vec<NewPrediction> = (0..n as i64)
            .map(|i| prediction(me.clone(), ids, i, ["H", "D", "A"][i as usize % 3]))
            .collect();
        let got = db.store.insert_predictions(&rows).await.unwrap();
        assert_eq!(got.len(), n);
        for (row, id) in rows.iter().zip(&got).step_by(97) {
            let stored = db.store.prediction(*id, &me).await.unwrap().unwrap();
            assert_eq!(
                (stored.created_at, &stored.outcome),
                (row.created_at, &row.outcome)
            );
        }
        let newest = &got[got.len() - 2..];
        assert_eq!(db.store.delete_predictions(&me, newest).await.unwrap(), 2);
    }
    // Two instances on one database, saving batches in turn (on PostgreSQL each takes ids
    // from the sequence ahead of use, so theirs interleave): every row its own id.
    let other = fp_storage::Store::open(&fp_storage::DbConfig::new(db.url.clone()))
        .await
        .unwrap();
    let mut all = std::collections::HashSet::new();
    for round in 0..30i64 {
        let store = if round % 2 == 0 { &db.store } else { &other };
        let rows: Vec<NewPrediction> = (0..7)
            .map(|i| prediction(me.clone(), ids, 100 + round * 7 + i, "H"))
            .collect();
        for (row, id) in rows
            .iter()
            .zip(store.insert_predictions(&rows).await.unwrap())
        {
            assert!(all.insert(id), "id {id} given twice");
            let stored = db.store.prediction(id, &me).await.unwrap().unwrap();
            assert_eq!(stored.created_at, row.created_at);
        }
    }
    db.cleanup().await;
}

/// The query plan of `sql` (with its parameters bound to `binds`), as text. On PostgreSQL
/// sequential scans are switched off for it: a test table is small enough that the planner
/// would rightly prefer them, and the question is whether an index can answer.
async fn plan(db: &TestDb, sql: &str, binds: &[&str]) -> String {
    match db.store.write_pool() {
        fp_storage::Pool::Sqlite(p) => {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
            for b in binds {
                q = q.bind(*b);
            }
            let rows = q.fetch_all(p).await.unwrap();
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ")
        }
        fp_storage::Pool::Postgres(p) => {
            let mut conn = p.acquire().await.unwrap();
            sqlx::query("SET enable_seqscan = off")
                .execute(&mut *conn)
                .await
                .unwrap();
            // Literal values: EXPLAIN of a statement with parameters needs their types.
            let mut text = sql.to_string();
            for (i, b) in binds.iter().enumerate().rev() {
                text = text.replace(&format!("${}", i + 1), b);
            }
            let explain = format!("EXPLAIN {text}");
            let rows: Vec<(String,)> = sqlx::query_as(&explain)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
            rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("; ")
        }
    }
}

/// A new prediction goes into the table, its owner's index and the archiving index only (the
/// others are partial); the queries of history pages, archiving and purging still find
/// their rows through an index.
async fn the_partial_prediction_indexes_serve_their_queries(backend: Backend) {
    let db = TestDb::new(backend).await;
    let ids = seed_league(&db).await;
    let rows: Vec<NewPrediction> = (0..20)
        .map(|i| prediction(Owner::Session("s".into()), ids, i, "H"))
        .collect();
    db.store.insert_predictions(&rows).await.unwrap();
    let cases = [
        (
            "SELECT id FROM predictions p WHERE p.session_id = $1 AND p.is_archived = FALSE \
             ORDER BY p.created_at DESC, p.id DESC LIMIT 50",
            vec!["'s'"],
            "predictions_session_active",
        ),
        (
            "SELECT id FROM predictions p WHERE p.user_id = $1 AND p.is_archived = FALSE \
             ORDER BY p.created_at DESC, p.id DESC LIMIT 50",
            vec!["1"],
            "predictions_user_active",
        ),
        (
            "SELECT id FROM predictions WHERE is_archived = FALSE AND created_at < $1 LIMIT 100",
            vec!["'2030-01-01'"],
            "predictions_active_created",
        ),
        (
            "SELECT id FROM predictions WHERE is_archived = TRUE AND archived_at < $1 LIMIT 100",
            vec!["'2030-01-01'"],
            "predictions_archived_at",
        ),
    ];
    for (sql, binds, index) in cases {
        let plan = plan(&db, sql, &binds).await;
        assert!(plan.contains(index), "{sql}\n  uses: {plan}");
        // Newest first straight from the owner's index (walked backwards on SQLite), not
        // sorted afterwards.
        if sql.contains("ORDER BY") {
            assert!(
                !plan.contains("TEMP B-TREE") && !plan.contains("Sort"),
                "{sql}\n  sorts: {plan}"
            );
        }
    }
    db.cleanup().await;
}

/// Many predictions saved at once (they share batches): each caller gets its own id, and the
/// row under that id is the caller's, to the microsecond.
async fn the_writer_gives_every_concurrent_save_its_own_row(backend: Backend) {
    let db = TestDb::new(backend).await;
    let ids = seed_league(&db).await;
    let writer = fp_storage::PredictionWriter::start(&db.store).unwrap();
    let me = Owner::Session("many".into());
    let rows: Vec<NewPrediction> = (0..300)
        .map(|i| {
            let mut r = prediction(me.clone(), ids, i, ["H", "D", "A"][i as usize % 3]);
            // Microseconds: what both databases keep.
            r.created_at += chrono::Duration::microseconds(123_456 + i);
            r.p_home = 0.001 * i as f64;
            r
        })
        .collect();
    let saves: Vec<_> = rows
        .iter()
        .cloned()
        .map(|r| {
            let writer = writer.clone();
            tokio::spawn(async move { writer.save(r).await })
        })
        .collect();
    let mut got = Vec::new();
    for s in saves {
        got.push(s.await.unwrap().unwrap());
    }
    let distinct: std::collections::HashSet<i64> = got.iter().copied().collect();
    assert_eq!(distinct.len(), rows.len());
    for (row, id) in rows.iter().zip(&got) {
        let stored = db.store.prediction(*id, &me).await.unwrap().unwrap();
        assert_eq!(
            (stored.created_at, stored.p_home, &stored.outcome),
            (row.created_at, row.p_home, &row.outcome)
        );
    }
    let page = db
        .store
        .history(&me, &HistoryFilter::default(), 1, 50)
        .await
        .unwrap();
    assert_eq!(page.total, 300);
    assert_eq!(page.items[0].id, *got.iter().max().unwrap());
    db.cleanup().await;
}

/// A row that breaks a constraint fails on its own; the rows saved with it are kept.
async fn a_row_the_database_refuses_fails_alone(backend: Backend) {
    let db = TestDb::new(backend).await;
    let ids = seed_league(&db).await;
    let writer = fp_storage::PredictionWriter::start(&db.store).unwrap();
    let me = Owner::Session("mixed".into());
    let saves: Vec<_> = (0..40)
        .map(|i| {
            let mut r = prediction(me.clone(), ids, i, "H");
            if i == 17 {
                r.league_id = 999_999; // no such league
            }
            let writer = writer.clone();
            tokio::spawn(async move { writer.save(r).await })
        })
        .collect();
    let mut failed = Vec::new();
    for (i, s) in saves.into_iter().enumerate() {
        if s.await.unwrap().is_err() {
            failed.push(i);
        }
    }
    assert_eq!(failed, [17]);
    let page = db
        .store
        .history(&me, &HistoryFilter::default(), 1, 50)
        .await
        .unwrap();
    assert_eq!(page.total, 39);
    db.cleanup().await;
}
