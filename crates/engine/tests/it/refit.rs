//! `refit` against both backends: a stored model version the server can load and use.

use fp_storage::Backend;
use fp_storage::testing::TestDb;

/// Two seasons of a four-team league in which team A is strongest.
fn csv() -> String {
    let teams = ["A", "B", "C", "D"];
    let mut rows = vec!["Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,HST,AST,PSCH,PSCD,PSCA".to_string()];
    let mut day = chrono::NaiveDate::from_ymd_opt(2022, 8, 6).unwrap();
    for round in 0..12 {
        for (i, h) in teams.iter().enumerate() {
            for (j, a) in teams.iter().enumerate() {
                if i == j {
                    continue;
                }
                let hg = if *h == "A" { 3 } else { (round + i) % 3 };
                let ag = if *a == "A" { 2 } else { (round + j) % 2 };
                rows.push(format!(
                    "E0,{},{h},{a},{hg},{ag},{},{},2.0,3.4,4.0",
                    day.format("%d/%m/%Y"),
                    hg + 2,
                    ag + 2
                ));
                day += chrono::Duration::days(5);
            }
        }
    }
    rows.join("\n")
}

/// The model's id of a stored team.
async fn team(db: &TestDb, league: i64, name: &str) -> u32 {
    db.store
        .team_by_name(league, name)
        .await
        .unwrap()
        .unwrap()
        .id as u32
}

async fn refit_stores_a_loadable_model(backend: Backend) {
    let db = TestDb::new(backend).await;
    let records = fp_ingest::parse_matches(csv().as_bytes(), "t.csv").unwrap();
    db.store.import_matches(&records).await.unwrap();
    let outcomes = fp_engine::refit_all(&db.store, |_| {}).await.unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].n_matches, 144);
    assert!(outcomes[0].backtest_rps.is_some_and(|r| r > 0.0 && r < 0.5));
    let evaluation = outcomes[0].evaluation.as_ref().unwrap();
    assert!(evaluation.matches > 0 && evaluation.closing_odds_rps > 0.0);
    assert!(evaluation.log_loss > 0.0 && evaluation.brier > 0.0);
    let forecasts: usize = evaluation.calibration.iter().map(|b| b.n).sum();
    assert_eq!(
        forecasts,
        3 * evaluation.matches,
        "every outcome of every match, binned"
    );

    let models = fp_engine::load_current_models(&db.store).await.unwrap();
    let league = db.store.league("E0").await.unwrap().unwrap();
    let (version, model) = &models[&league.id];
    assert_eq!(version.id, outcomes[0].version_id);
    assert_eq!(version.kind, "market", "the league has prices");
    assert!(model.model.market.is_some());
    let (a, b) = (
        team(&db, league.id, "A").await,
        team(&db, league.id, "B").await,
    );
    let f = model.model.predict(a, b);
    let p = f.probabilities;
    assert!((p.home + p.draw + p.away - 1.0).abs() < 1e-9);
    assert!(p.home > p.away, "{p:?}");
    assert!(f.markets.expected_goals_home > f.markets.expected_goals_away);
    db.cleanup().await;
}

#[tokio::test]
async fn refit_on_sqlite() {
    refit_stores_a_loadable_model(Backend::Sqlite).await;
}

#[tokio::test]
async fn refit_on_postgres() {
    refit_stores_a_loadable_model(Backend::Postgres).await;
}

/// The same league without any odds column: the goal models serve it, and the version says so.
async fn a_league_without_odds_falls_back_to_the_blend(backend: Backend) {
    let db = TestDb::new(backend).await;
    let without: String = csv()
        .lines()
        .map(|l| l.rsplitn(4, ',').last().unwrap_or(l).to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(without.starts_with("Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,HST,AST\n"));
    let records = fp_ingest::parse_matches(without.as_bytes(), "t.csv").unwrap();
    db.store.import_matches(&records).await.unwrap();
    let outcomes = fp_engine::refit_all(&db.store, |_| {}).await.unwrap();
    assert!(outcomes[0].evaluation.is_none(), "nothing to compare with");
    let models = fp_engine::load_current_models(&db.store).await.unwrap();
    let league = db.store.league("E0").await.unwrap().unwrap();
    let (version, model) = &models[&league.id];
    assert_eq!(version.kind, "blend");
    assert!(model.model.market.is_none());
    let (a, b) = (
        team(&db, league.id, "A").await,
        team(&db, league.id, "B").await,
    );
    let p = model.model.predict(a, b).probabilities;
    assert!(p.home > p.away, "{p:?}");
    db.cleanup().await;
}

#[tokio::test]
async fn no_odds_falls_back_on_sqlite() {
    a_league_without_odds_falls_back_to_the_blend(Backend::Sqlite).await;
}

#[tokio::test]
async fn no_odds_falls_back_on_postgres() {
    a_league_without_odds_falls_back_to_the_blend(Backend::Postgres).await;
}
