//! Fixtures, grading, track records and season odds over HTTP, with new data arriving from
//! another process (no Redis: the server polls the data version).

use crate::common::{TestServer, generous_config};
use fp_storage::Backend;
use serde_json::Value;
use std::time::{Duration, Instant};

fn config() -> fp_web::AppConfig {
    let mut c = generous_config();
    c.cache.generation_poll = Duration::from_millis(100);
    c.season.simulations = 2_000;
    c
}

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset))
        .format("%d/%m/%Y")
        .to_string()
}

/// Imports a file as the CLI does (parse, store, forecast the fixtures), beside the server.
fn import(s: &TestServer, text: &str) -> fp_storage::FileCounts {
    let store = s.state.store().clone();
    s.runtime.block_on(async {
        let c = fp_ingest::import_bytes(&store, text.as_bytes(), "file.csv")
            .await
            .unwrap();
        fp_engine::forecast_fixtures(&store).await.unwrap();
        c
    })
}

/// Waits until `check` holds (the server reloads within a few polls).
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(20), "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn fixtures(v: &mut crate::common::Visitor) -> Vec<Value> {
    let r = v.get("/api/leagues/E0/fixtures");
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["fixtures"].as_array().unwrap().clone()
}

fn fixtures_are_predicted_tied_and_graded(backend: Backend) {
    let s = TestServer::start_config(backend, config(), None);
    let mut v = s.visitor();
    assert!(fixtures(&mut v).is_empty());
    let page = v.get("/leagues/E0");
    assert!(page.body.contains("No upcoming fixtures"), "{}", page.body);

    let (d1, d2) = (day(3), day(4));
    let counts = import(
        &s,
        &format!(
            "Div,Date,Time,HomeTeam,AwayTeam,PSH,PSD,PSA\n\
             E0,{d1},15:00,Arsenal,Chelsea,2.00,3.50,4.00\n\
             E0,{d2},17:30,Everton,Fulham,,,\n"
        ),
    );
    assert_eq!(counts.fixtures.inserted, 2);
    eventually("the fixtures are served", || fixtures(&mut v).len() == 2);
    let list = fixtures(&mut v);
    let first = &list[0];
    assert_eq!(
        (first["home_team"].as_str(), first["away_team"].as_str()),
        (Some("Arsenal"), Some("Chelsea"))
    );
    let p = &first["probabilities"];
    let sum =
        p["home"].as_f64().unwrap() + p["draw"].as_f64().unwrap() + p["away"].as_f64().unwrap();
    assert!((sum - 1.0).abs() < 1e-9);
    assert!(first["expected_goals"]["home"].as_f64().unwrap() > 0.0);
    let m = &first["market"];
    // 2.0/3.5/4.0 with the margin removed proportionally: 0.5/0.2857/0.25 over 1.0357.
    assert!(
        (m["home"].as_f64().unwrap() - 0.5 / (0.5 + 1.0 / 3.5 + 0.25)).abs() < 1e-6,
        "{m}"
    );
    assert!(list[1].get("market").is_none());
    let fixture_id = first["id"].as_i64().unwrap();

    let page = v.get("/leagues/E0");
    assert!(page.body.contains("Arsenal v Chelsea") && page.body.contains("Save prediction"));
    assert!(page.body.contains("no odds") && page.body.contains("Season odds"));

    // A prediction of the pairing is tied to its fixture; another one is ad hoc.
    let tied = v.predict("E0", "Arsenal", "Chelsea").json();
    assert_eq!(tied["fixture_id"].as_i64(), Some(fixture_id));
    let ad_hoc = v.predict("E0", "Leeds", "Spurs").json();
    assert!(ad_hoc.get("fixture_id").is_none());
    // One click on the matchday page saves the fixture's prediction too.
    let click = v.post_form(
        "/predict",
        &[("league", "E0"), ("home", "Arsenal"), ("away", "Chelsea")],
    );
    assert_eq!(click.status, 303, "{}", click.body);

    let waiting = v.get("/api/history?graded=false").json();
    assert_eq!(waiting["total"].as_i64(), Some(3));

    // Results arrive: the three are graded.
    let counts = import(
        &s,
        &format!(
            "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,PSCH,PSCD,PSCA\n\
             E0,{},Arsenal,Chelsea,2,1,H,1.9,3.6,4.3\n\
             E0,{},Leeds,Spurs,0,0,D,2.5,3.2,2.9\n",
            day(5),
            day(6)
        ),
    );
    assert_eq!((counts.matches.inserted, counts.graded), (2, 3));
    eventually("the played fixture leaves the list", || {
        fixtures(&mut v).len() == 1
    });
    let id = tied["id"].as_i64().unwrap();
    let graded = v.get(&format!("/api/predictions/{id}")).json();
    let result = &graded["result"];
    assert_eq!(
        (
            result["home_goals"].as_i64(),
            result["away_goals"].as_i64(),
            result["outcome"].as_str()
        ),
        (Some(2), Some(1), Some("H")),
        "{graded}"
    );
    let p_home = graded["probabilities"]["home"].as_f64().unwrap();
    let p_draw = graded["probabilities"]["draw"].as_f64().unwrap();
    let rps = ((p_home - 1.0).powi(2) + (p_home + p_draw - 1.0).powi(2)) / 2.0;
    assert!((result["rps"].as_f64().unwrap() - rps).abs() < 1e-12);
    let h = v.get("/api/history?graded=true").json();
    assert_eq!(h["total"].as_i64(), Some(3));
    assert!(h["items"][0]["result"]["rps"].is_number());
    let page = v.get("/history?graded=yes");
    assert!(page.body.contains("2-1 ·"), "{}", page.body);
    let csv = v.get("/history.csv");
    assert!(
        csv.body
            .lines()
            .next()
            .unwrap()
            .ends_with("final_score,favourite_won,rps")
    );
    assert!(csv.body.contains(",0-0,"));
    let result_page = v.get(&format!("/predictions/{id}"));
    assert!(result_page.body.contains("Final score 2-1"));

    let record = v.get("/api/track-record").json();
    assert_eq!(record["yours"]["graded"].as_u64(), Some(3));
    assert_eq!(record["yours"]["market"]["matches"].as_u64(), Some(3));
    assert_eq!(record["model"]["graded"].as_u64(), Some(1), "{record}");
    assert_eq!(v.get("/track-record").status, 200);
    let about = v.get("/about");
    assert!(
        about
            .body
            .contains("forecasts of <strong>1</strong> fixtures"),
        "{}",
        about.body
    );
    // Pages with data say how recent it is: here the newest result is in the future.
    let home = v.get("/");
    assert!(
        home.body.contains("id=\"data-freshness\">Results up to"),
        "{}",
        home.body
    );
    // Someone else has graded nothing.
    let other = s.visitor().get("/api/track-record").json();
    assert_eq!(other["yours"]["graded"].as_u64(), Some(0));

    let sim = v.get("/api/leagues/E0/simulation").json();
    assert_eq!(sim["simulations"].as_u64(), Some(2_000));
    let teams = sim["teams"].as_array().unwrap();
    let total = |k: &str| teams.iter().map(|t| t[k].as_f64().unwrap()).sum::<f64>();
    assert!((total("p_title") - 1.0).abs() < 1e-9, "{sim}");
    assert!((total("p_relegation") - 3.0f64.min(teams.len() as f64)).abs() < 1e-9);
    for t in teams {
        assert!(t["expected_points"].as_f64().unwrap() >= t["points"].as_f64().unwrap());
    }
}

#[test]
fn fixtures_are_predicted_tied_and_graded_on_sqlite() {
    fixtures_are_predicted_tied_and_graded(Backend::Sqlite);
}

#[test]
fn fixtures_are_predicted_tied_and_graded_on_postgres() {
    fixtures_are_predicted_tied_and_graded(Backend::Postgres);
}

#[test]
fn teams_of_the_current_season_come_first() {
    let s = TestServer::start_config(Backend::Sqlite, config(), None);
    let mut v = s.visitor();
    // A new season announced with four of the six teams.
    import(
        &s,
        &format!(
            "Div,Date,HomeTeam,AwayTeam\nE0,{},Arsenal,Chelsea\nE0,{},Everton,Fulham\n",
            day(3),
            day(3)
        ),
    );
    eventually("the new season is seen", || {
        v.get("/api/leagues/E0/teams").json()[5]["current"] == Value::Bool(false)
    });
    let teams = v.get("/api/leagues/E0/teams").json();
    let names: Vec<(&str, bool)> = teams
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["current"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("Arsenal", true),
            ("Chelsea", true),
            ("Everton", true),
            ("Fulham", true),
            ("Leeds", false),
            ("Spurs", false)
        ]
    );
    assert!(teams[4]["last_played"].is_string());
    let form = v.get("/predict?league=E0");
    assert!(form.body.contains("Past teams"), "{}", form.body);
    let id = v.predict("E0", "Leeds", "Spurs").json()["id"]
        .as_i64()
        .unwrap();
    let page = v.get(&format!("/predictions/{id}"));
    assert!(
        page.body.contains("Leeds is not in the current season"),
        "{}",
        page.body
    );
}
