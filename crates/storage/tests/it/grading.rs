//! Fixtures, their results, and the grading of stored predictions, on both backends.

use chrono::{DateTime, NaiveDate, Utc};
use fp_storage::testing::TestDb;
use fp_storage::{
    Backend, FixtureForecast, FixturePrices, HistoryFilter, NewFixture, NewMatch, NewPrediction,
    Owner, Prices1x2,
};

on_both_backends!(
    fixtures_are_imported_redated_and_played,
    results_grade_fixture_and_ad_hoc_predictions_once,
    grading_goes_through_many_pairings_in_batches,
    the_data_version_moves_only_with_changes,
);

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn result(date: &str, home: &str, away: &str, hg: u16, ag: u16) -> NewMatch {
    let text = format!(
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,PSCH,PSCD,PSCA\nE0,{},{home},{away},{hg},{ag},2.0,3.5,4.0\n",
        day(date).format("%d/%m/%Y")
    );
    fp_storage::testing::matches_from_text(&text).remove(0)
}

fn fixture(date: &str, home: &str, away: &str) -> NewFixture {
    NewFixture {
        league: "E0".into(),
        league_name: "E0".into(),
        season: "2024-25".into(),
        date: day(date),
        kickoff_time: Some("15:00".into()),
        home_team: home.into(),
        away_team: away.into(),
        prices: FixturePrices {
            pinnacle: Some(Prices1x2 {
                home: 2.1,
                draw: 3.4,
                away: 3.6,
            }),
            ..FixturePrices::default()
        },
    }
}

fn prediction(
    owner: &Owner,
    ids: (i64, i64, i64),
    at: &str,
    fixture: Option<i64>,
) -> NewPrediction {
    NewPrediction {
        owner: owner.clone(),
        created_at: DateTime::<Utc>::from_naive_utc_and_offset(
            day(at).and_hms_opt(12, 0, 0).unwrap(),
            Utc,
        ),
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
        outcome: fp_model::Outcome::Home,
        confidence: 0.5,
        model_version_id: None,
        fixture_id: fixture,
    }
}

async fn ids(db: &TestDb, home: &str, away: &str) -> (i64, i64, i64) {
    let league = db.store.league("E0").await.unwrap().unwrap();
    let team = |n: &str| {
        let store = db.store.clone();
        let n = n.to_string();
        async move { store.team_by_name(league.id, &n).await.unwrap().unwrap().id }
    };
    (league.id, team(home).await, team(away).await)
}

async fn fixtures_are_imported_redated_and_played(backend: Backend) {
    let db = TestDb::new(backend).await;
    let s = &db.store;
    s.import_matches(&[result("2024-08-10", "Arsenal", "Chelsea", 1, 0)])
        .await
        .unwrap();
    let both = [
        fixture("2024-08-20", "Chelsea", "Arsenal"),
        fixture("2024-08-21", "Fulham", "Everton"),
    ];
    let c = s.import_file(&[], &both).await.unwrap();
    assert_eq!((c.fixtures.inserted, c.matches.inserted), (2, 0));
    let again = s.import_file(&[], &both).await.unwrap();
    assert_eq!(again.fixtures.unchanged, 2);
    assert!(!again.changed());
    // Re-dated: the same fixture, moved.
    let moved = s
        .import_file(&[], &[fixture("2024-08-22", "Chelsea", "Arsenal")])
        .await
        .unwrap();
    assert_eq!(moved.fixtures.updated, 1);
    let league = s.league("E0").await.unwrap().unwrap();
    let upcoming = s.upcoming_fixtures(league.id).await.unwrap();
    assert_eq!(upcoming.len(), 2);
    assert_eq!(upcoming[1].match_date, day("2024-08-22"));
    assert_eq!(upcoming[1].ps_home, Some(2.1));
    let market = upcoming[1].price_sources().prices().unwrap();
    assert!((market.result.home + market.result.draw + market.result.away - 1.0).abs() < 1e-9);
    // Played (a day later than announced): no longer upcoming, linked to its match.
    let played = s
        .import_matches(&[result("2024-08-23", "Chelsea", "Arsenal", 2, 2)])
        .await
        .unwrap();
    assert_eq!(played.inserted, 1);
    let upcoming = s.upcoming_fixtures(league.id).await.unwrap();
    assert_eq!(upcoming.len(), 1);
    assert_eq!(
        upcoming[0].home_team_id,
        ids(&db, "Fulham", "Everton").await.1
    );
    let id = s.fixture(moved_id(&db).await).await.unwrap().unwrap();
    assert!(id.match_id.is_some());
    // A fixture row for a match already played is left alone.
    let late = s
        .import_file(&[], &[fixture("2024-08-22", "Chelsea", "Arsenal")])
        .await
        .unwrap();
    assert_eq!(late.fixtures.unchanged, 1);
    assert_eq!(s.upcoming_fixtures(league.id).await.unwrap().len(), 1);
    db.cleanup().await;
}

/// The id of the Chelsea v Arsenal fixture.
async fn moved_id(db: &TestDb) -> i64 {
    let (l, h, a) = ids(db, "Chelsea", "Arsenal").await;
    let _ = l;
    let rows: Vec<(i64, i64, i64)> = match db.store.write_pool() {
        fp_storage::Pool::Sqlite(p) => {
            sqlx::query_as("SELECT id, home_team_id, away_team_id FROM fixtures")
                .fetch_all(p)
                .await
                .unwrap()
        }
        fp_storage::Pool::Postgres(p) => {
            sqlx::query_as("SELECT id, home_team_id, away_team_id FROM fixtures")
                .fetch_all(p)
                .await
                .unwrap()
        }
    };
    rows.into_iter()
        .find(|r| r.1 == h && r.2 == a)
        .map(|r| r.0)
        .unwrap()
}

async fn results_grade_fixture_and_ad_hoc_predictions_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let s = &db.store;
    s.import_matches(&[result("2024-08-10", "Arsenal", "Chelsea", 1, 0)])
        .await
        .unwrap();
    s.import_file(
        &[],
        &[
            fixture("2024-08-24", "Chelsea", "Arsenal"),
            fixture("2024-08-24", "Fulham", "Everton"),
        ],
    )
    .await
    .unwrap();
    let ca = ids(&db, "Chelsea", "Arsenal").await;
    let fe = ids(&db, "Fulham", "Everton").await;
    let fixture_id = moved_id(&db).await;
    s.record_fixture_forecasts(&[FixtureForecast {
        fixture_id,
        model_version_id: insert_version(&db, ca.0).await,
        p_home: 0.4,
        p_draw: 0.3,
        p_away: 0.3,
        xg_home: 1.3,
        xg_away: 1.1,
    }])
    .await
    .unwrap();
    let me = Owner::Session("grading-session".into());
    let saved = s
        .insert_predictions(&[
            prediction(&me, ca, "2024-08-20", Some(fixture_id)),
            prediction(&me, ca, "2024-08-21", None),
            // Made after the match: the next meeting grades it, not this one.
            prediction(&me, ca, "2024-08-25", None),
            prediction(&me, fe, "2024-08-21", None),
        ])
        .await
        .unwrap();
    assert_eq!(saved.len(), 4);
    let c = s
        .import_matches(&[result("2024-08-24", "Chelsea", "Arsenal", 2, 1)])
        .await
        .unwrap();
    assert_eq!(c.inserted, 1);
    let row = |i: usize| {
        let id = saved[i];
        let me = me.clone();
        async move { s.prediction(id, &me).await.unwrap().unwrap() }
    };
    for i in [0, 1] {
        let r = row(i).await;
        assert_eq!(
            (
                r.actual_home_goals,
                r.actual_away_goals,
                r.actual_result.as_deref()
            ),
            (Some(2), Some(1), Some("H")),
            "prediction {i}"
        );
    }
    assert_eq!(row(2).await.actual_result, None);
    assert_eq!(row(3).await.actual_result, None);
    // Importing the same file again grades nothing more.
    let again = s
        .import_file(&[result("2024-08-24", "Chelsea", "Arsenal", 2, 1)], &[])
        .await
        .unwrap();
    assert_eq!((again.matches.unchanged, again.graded), (1, 0));
    // A corrected score reaches the graded predictions.
    let fixed = s
        .import_file(&[result("2024-08-24", "Chelsea", "Arsenal", 2, 2)], &[])
        .await
        .unwrap();
    assert_eq!((fixed.matches.updated, fixed.graded), (1, 0));
    assert_eq!(row(0).await.actual_result.as_deref(), Some("D"));
    assert_eq!(row(1).await.actual_home_goals, Some(2));
    // The next meeting grades the late prediction.
    let next = s
        .import_file(&[result("2025-02-01", "Chelsea", "Arsenal", 0, 3)], &[])
        .await
        .unwrap();
    assert_eq!(next.graded, 1);
    assert_eq!(row(2).await.actual_result.as_deref(), Some("A"));
    // History filter and the track-record reads.
    let graded = HistoryFilter {
        graded: Some(true),
        ..HistoryFilter::default()
    };
    assert_eq!(s.history(&me, &graded, 1, 50).await.unwrap().total, 3);
    let waiting = HistoryFilter {
        graded: Some(false),
        ..HistoryFilter::default()
    };
    assert_eq!(s.history(&me, &waiting, 1, 50).await.unwrap().total, 1);
    let record = s.graded_predictions(&me, 100).await.unwrap();
    assert_eq!(record.len(), 3);
    assert!(
        record
            .iter()
            .all(|r| r.closing_prices() == Some([2.0, 3.5, 4.0]))
    );
    let model = s.graded_fixture_forecasts().await.unwrap();
    assert_eq!(model.len(), 1);
    assert_eq!(
        (model[0].p_home, model[0].actual_result.as_str()),
        (0.4, "D")
    );
    db.cleanup().await;
}

async fn insert_version(db: &TestDb, league_id: i64) -> i64 {
    db.store
        .insert_model_version(&fp_storage::NewModelVersion {
            league_id,
            kind: "test".into(),
            params: "{}".into(),
            data_from: day("2024-08-01"),
            data_to: day("2024-08-10"),
            n_matches: 1,
            backtest_rps: None,
        })
        .await
        .unwrap()
}

async fn grading_goes_through_many_pairings_in_batches(backend: Backend) {
    let db = TestDb::new(backend).await;
    let s = &db.store;
    let teams: Vec<String> = (0..30).map(|i| format!("Team {i:02}")).collect();
    let pairs: Vec<(&str, &str)> = teams
        .iter()
        .flat_map(|h| {
            teams
                .iter()
                .filter(move |a| *a != h)
                .map(move |a| (h.as_str(), a.as_str()))
        })
        .take(450)
        .collect();
    // Teams exist once a match names them.
    let seed: Vec<NewMatch> = pairs
        .iter()
        .map(|(h, a)| result("2024-08-01", h, a, 0, 0))
        .collect();
    s.import_matches(&seed).await.unwrap();
    let me = Owner::Session("many".into());
    let mut rows = Vec::new();
    for (h, a) in &pairs {
        rows.push(prediction(&me, ids(&db, h, a).await, "2024-09-01", None));
    }
    s.insert_predictions(&rows).await.unwrap();
    let results: Vec<NewMatch> = pairs
        .iter()
        .map(|(h, a)| result("2024-10-05", h, a, 1, 0))
        .collect();
    let c = s.import_file(&results, &[]).await.unwrap();
    assert_eq!((c.matches.inserted, c.graded), (450, 450));
    let graded = HistoryFilter {
        graded: Some(true),
        ..HistoryFilter::default()
    };
    assert_eq!(s.history(&me, &graded, 1, 10).await.unwrap().total, 450);
    db.cleanup().await;
}

async fn the_data_version_moves_only_with_changes(backend: Backend) {
    let db = TestDb::new(backend).await;
    let s = &db.store;
    let v0 = s.data_version().await.unwrap();
    let file = [result("2024-08-10", "Arsenal", "Chelsea", 1, 0)];
    s.import_matches(&file).await.unwrap();
    let v1 = s.data_version().await.unwrap();
    assert!(v1 > v0);
    s.import_matches(&file).await.unwrap();
    assert_eq!(s.data_version().await.unwrap(), v1, "nothing changed");
    s.import_file(&[], &[fixture("2024-08-20", "Chelsea", "Arsenal")])
        .await
        .unwrap();
    let v2 = s.data_version().await.unwrap();
    assert!(v2 > v1, "a new fixture is new data");
    insert_version(&db, s.league("E0").await.unwrap().unwrap().id).await;
    assert!(
        s.data_version().await.unwrap() > v2,
        "a new model is new data"
    );
    db.cleanup().await;
}
