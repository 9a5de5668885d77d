//! The storage contract, run against SQLite and against the real PostgreSQL server
//! (a fresh database per test).

use chrono::NaiveDate;
use fp_storage::testing::TestDb;
use fp_storage::{Backend, ImportCounts, NewModelVersion};

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

on_both_backends!(
    import_is_idempotent_and_updates_corrected_rows,
    aliases_map_other_spellings_to_one_team,
    leagues_teams_and_matches_are_listed,
    model_versions_are_stored_and_the_newest_is_current,
);

const HEADER: &str = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HST,AST,PSCH,PSCD,PSCA";

fn records(rows: &[&str]) -> Vec<fp_csv::MatchRecord> {
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    fp_csv::parse(text.as_bytes(), "test.csv").unwrap()
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
    assert_eq!(matches[0].result, "D");
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
    let recent = db.store.team_matches(united.id, 10).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].away_team, "Man United");
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
    let b = db.store.team_by_name(e0.id, "B").await.unwrap().unwrap();
    let h2h = db.store.head_to_head(a.id, b.id, 10).await.unwrap();
    assert_eq!(h2h.len(), 2);
    assert_eq!(h2h[0].match_date, date("2023-09-10"));
    let recent = db.store.team_matches(a.id, 2).await.unwrap();
    assert_eq!(
        recent.iter().map(|m| m.match_date).collect::<Vec<_>>(),
        [date("2023-10-10"), date("2023-09-10")]
    );
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
