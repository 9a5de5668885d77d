//! The real server over HTTP: every page and endpoint, the error cases, and that visitors
//! never see or touch each other's predictions.

use crate::common::TestServer;
use fp_storage::Backend;

fn server() -> TestServer {
    TestServer::start(Backend::Sqlite)
}

#[test]
fn predict_api_answers_and_saves_to_the_callers_history() {
    let s = server();
    // Over TCP: the session cookie makes the round trip through a real HTTP client.
    let mut v = s.tcp_visitor();
    let r = v.predict("E0", "Arsenal", "Chelsea");
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    let p = &j["probabilities"];
    let sum =
        p["home"].as_f64().unwrap() + p["draw"].as_f64().unwrap() + p["away"].as_f64().unwrap();
    assert!((sum - 1.0).abs() < 1e-9);
    assert!(j["expected_goals"]["home"].as_f64().unwrap() > 0.0);
    assert!(j["most_likely_score"]["home"].is_i64());
    assert_eq!(j["top_scores"].as_array().unwrap().len(), 5);
    assert_eq!(j["over_under"].as_array().unwrap().len(), 5);
    assert!(j["both_teams_to_score"]["yes"].is_f64());
    assert!(j["model"]["version"].is_i64());
    assert!(j["form"]["home"].as_array().unwrap().len() <= 5);
    let conf = j["confidence"].as_f64().unwrap();
    assert!(
        (conf
            - p[match j["outcome"].as_str().unwrap() {
                "H" => "home",
                "D" => "draw",
                _ => "away",
            }]
            .as_f64()
            .unwrap())
        .abs()
            < 1e-12
    );
    assert!(v.cookie.is_some(), "a session cookie was set");

    let h = v.get("/api/history").json();
    assert_eq!(h["total"], 1);
    assert_eq!(h["per_page"], 50);
    assert_eq!(h["items"][0]["id"], j["id"]);
    let page = v.get(j["url"].as_str().unwrap());
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Arsenal v Chelsea"));
    assert!(page.body.contains("<svg class=\"heatmap\""));
}

#[test]
fn predict_api_errors_are_json_with_the_right_status() {
    let s = server();
    let mut v = s.visitor();
    let cases = [
        (v.predict("E0", "Arsenal", "Arsenal"), 422),
        (v.predict("XX", "Arsenal", "Chelsea"), 404),
        (v.predict("E0", "Arsenal", "Real Madrid"), 422),
        (v.predict("D1", "Arsenal", "X"), 422),
        (
            v.send_json("POST", "/api/predict", "{\"league\": \"E0\","),
            400,
        ),
        (
            v.send_json("POST", "/api/predict", "{\"league\": \"E0\"}"),
            422,
        ),
        (v.post_raw("/api/predict", &[], "league=E0"), 415),
        (v.get("/api/predictions/abc"), 400),
        (v.get("/api/history?page=0"), 400),
        (v.get("/api/history?outcome=Q"), 422),
        (v.get("/api/teams/999999"), 404),
        (v.get("/api/leagues/XX/teams"), 404),
        (v.get("/api/h2h?league=E0&home=Arsenal&away=Nobody"), 404),
        (v.get("/api/nothing-here"), 404),
        (v.send_json("DELETE", "/api/history", "{}"), 422),
    ];
    for (i, (reply, status)) in cases.into_iter().enumerate() {
        assert_eq!(reply.status, status, "case {i}: {}", reply.body);
        assert!(
            reply.json()["error"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "case {i}"
        );
        assert!(
            !reply.body.to_lowercase().contains("select "),
            "no SQL in errors"
        );
    }
    // An announced body over the limit is refused before it is read.
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut tcp = std::net::TcpStream::connect(&addr).unwrap();
    use std::io::{Read, Write};
    write!(tcp, "POST /api/predict HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 70000\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = tcp.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_lowercase()
            .contains("content-type: application/json")
            && answer.contains("\"error\":"),
        "{answer}"
    );
    // Nothing was saved by the failed requests.
    assert_eq!(v.get("/api/history").json()["total"], 0);
}

#[test]
fn visitors_never_see_or_delete_each_others_predictions() {
    let s = server();
    let mut alice = s.visitor();
    let mut bob = s.visitor();
    let a1 = alice.predict("E0", "Arsenal", "Chelsea").json()["id"]
        .as_i64()
        .unwrap();
    let a2 = alice.predict("E0", "Everton", "Fulham").json()["id"]
        .as_i64()
        .unwrap();
    let b1 = bob.predict("E0", "Leeds", "Spurs").json()["id"]
        .as_i64()
        .unwrap();
    assert_ne!(alice.cookie, bob.cookie);

    // Bob cannot open Alice's prediction, by API or by result URL.
    assert_eq!(bob.get(&format!("/api/predictions/{a1}")).status, 404);
    assert_eq!(bob.get(&format!("/predictions/{a1}")).status, 404);
    // Bob's history holds only his.
    let h = bob.get("/api/history").json();
    assert_eq!(h["total"], 1);
    assert_eq!(h["items"][0]["id"], b1);
    // Bob deleting Alice's ids deletes nothing; his "delete all" leaves hers.
    let r = bob.send_json(
        "DELETE",
        "/api/history",
        &format!("{{\"ids\": [{a1}, {a2}]}}"),
    );
    assert_eq!(r.json()["deleted"], 0);
    let r = bob.post_form(
        "/history/delete",
        &[("ids", &a1.to_string()), ("confirm", "yes")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        bob.send_json("DELETE", "/api/history", "{\"all\": true}")
            .json()["deleted"],
        1
    );
    assert_eq!(alice.get("/api/history").json()["total"], 2);
    // Alice deletes one of hers.
    assert_eq!(
        alice
            .send_json("DELETE", "/api/history", &format!("{{\"ids\": [{a1}]}}"))
            .json()["deleted"],
        1
    );
    let h = alice.get("/api/history").json();
    assert_eq!(h["total"], 1);
    assert_eq!(h["items"][0]["id"], a2);
}

#[test]
fn every_page_renders_real_data() {
    let s = server();
    let mut v = s.visitor();
    v.predict("E0", "Arsenal", "Chelsea");
    let teams = v.get("/api/leagues/E0/teams").json();
    let arsenal = teams
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Arsenal")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let pages = [
        ("/", "Your recent predictions"),
        ("/predict", "Choose a league"),
        (
            "/predict?league=E0",
            "<option value=\"Spurs\">Spurs</option>",
        ),
        ("/history", "Page 1 of 1"),
        ("/about", "football-data.co.uk"),
        ("/leagues/E0", "Ranked by the model"),
        (&format!("/teams/{arsenal}"), "Elo rating after each match"),
        (
            "/h2h?league=E0&home=Arsenal&away=Chelsea",
            "meetings: Arsenal won",
        ),
        ("/login", "Log in"),
        ("/register", "Register"),
        ("/api/docs", "/api/openapi.json"),
    ];
    for (path, needle) in pages {
        let r = v.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body.contains(needle), "{path} lacks {needle}");
        if !path.starts_with("/api") {
            assert!(
                r.body.contains("football-data.co.uk"),
                "{path}: credit in the footer"
            );
        }
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
        assert!(
            r.header("content-security-policy")
                .is_some_and(|c| c.contains("script-src 'self'") && !c.contains("unsafe-inline"))
        );
    }
    let home = v.get("/");
    assert!(home.body.contains("England Premier League"));
    assert!(home.body.contains("<strong>1</strong> predictions made"));
    assert_eq!(v.get("/leagues/XX").status, 404);
    assert_eq!(v.get("/teams/999999").status, 404);
    assert_eq!(v.get("/no/such/page").status, 404);
    // Static assets: content-hashed names, cached for a year.
    let css = home
        .body
        .split("href=\"/static/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = v.get(&format!("/static/{css}"));
    assert_eq!(r.status, 200);
    assert!(r.header("cache-control").unwrap().contains("immutable"));
    let spec = v.get("/api/openapi.json").json();
    for path in [
        "/api/predict",
        "/api/history",
        "/api/leagues",
        "/api/leagues/{code}/teams",
        "/api/teams/{id}",
        "/api/h2h",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
}

#[test]
fn forms_validate_and_multi_match_saves_each_prediction() {
    let s = server();
    let mut v = s.visitor();
    let r = v.post_form(
        "/predict",
        &[("league", "E0"), ("home", "Arsenal"), ("away", "Arsenal")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("The two teams must differ."));
    let r = v.post_form(
        "/predict",
        &[("league", "E0"), ("home", "Arsenal"), ("away", "X")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Both teams must play in E0."));
    let r = v.post_form(
        "/predict",
        &[("league", "E0"), ("home", "Arsenal"), ("away", "Chelsea")],
    );
    assert_eq!(r.status, 303);
    let location = r.header("location").unwrap().to_string();
    assert!(location.starts_with("/predictions/"));
    assert!(v.get(&location).body.contains("Most likely score"));
    let r = v.post_form(
        "/predict",
        &[
            ("league", "E0"),
            ("home", "Everton"),
            ("away", "Fulham"),
            ("home", "Leeds"),
            ("away", "Spurs"),
            ("home", ""),
            ("away", ""),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/history?saved=2"));
    let h = v.get("/history?saved=2");
    assert!(h.body.contains("Showing 1–3 of 3"), "{}", h.body);
    assert!(h.body.contains("2 predictions saved."));
    let csv = v.get("/history.csv");
    assert_eq!(csv.body.lines().count(), 4);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    // Filters.
    assert!(
        v.get("/history?league=D1")
            .body
            .contains("No predictions match these filters")
    );
}

#[test]
fn history_pages_fifty_at_a_time_and_deletes_after_confirmation() {
    let s = server();
    let mut v = s.visitor();
    let mut ids = Vec::new();
    for i in 0..55 {
        let (h, a) = if i % 2 == 0 {
            ("Arsenal", "Chelsea")
        } else {
            ("Leeds", "Spurs")
        };
        ids.push(v.predict("E0", h, a).json()["id"].as_i64().unwrap());
    }
    let page2 = v.get("/api/history?page=2").json();
    assert_eq!(page2["items"].as_array().unwrap().len(), 5);
    assert_eq!(page2["pages"], 2);
    let html = v.get("/history?page=2");
    assert!(html.body.contains("Showing 51–55 of 55 · Page 2 of 2"));
    // Deleting asks first.
    let first = ids[0].to_string();
    let second = ids[1].to_string();
    let r = v.post_form("/history/delete", &[("ids", &first), ("ids", &second)]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Delete 2 predictions?"));
    assert_eq!(v.get("/api/history").json()["total"], 55);
    let r = v.post_form(
        "/history/delete",
        &[("ids", &first), ("ids", &second), ("confirm", "yes")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(v.get("/api/history").json()["total"], 53);
    let r = v.post_form("/history/delete", &[("all", "1"), ("confirm", "yes")]);
    assert_eq!(r.status, 303);
    assert_eq!(v.get("/api/history").json()["total"], 0);
}

#[test]
fn accounts_take_over_anonymous_predictions_and_rotate_the_session() {
    let s = server();
    let mut v = s.visitor();
    v.predict("E0", "Arsenal", "Chelsea");
    v.predict("E0", "Leeds", "Spurs");
    let anonymous = v.cookie.clone();
    assert_eq!(
        v.post_form(
            "/register",
            &[("username", "al"), ("password", "longenough")]
        )
        .status,
        422
    );
    assert_eq!(
        v.post_form("/register", &[("username", "alice"), ("password", "short")])
            .status,
        422
    );
    let r = v.post_form(
        "/register",
        &[("username", "alice"), ("password", "vivid otter marble 42")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_ne!(v.cookie, anonymous, "session id changes at registration");
    assert!(r.header("set-cookie").unwrap().contains("HttpOnly"));
    assert!(r.header("set-cookie").unwrap().contains("SameSite=Lax"));
    assert_eq!(v.get("/api/history").json()["total"], 2);
    assert!(v.get("/").body.contains("alice"));
    // Taken names, wrong passwords.
    let mut other = s.visitor();
    assert_eq!(
        other
            .post_form(
                "/register",
                &[("username", "alice"), ("password", "whatever otter 19")]
            )
            .status,
        409
    );
    assert_eq!(
        other
            .post_form(
                "/login",
                &[("username", "alice"), ("password", "wrong pass")]
            )
            .status,
        401
    );
    // Another anonymous visitor logs in: their prediction joins the account's.
    other.predict("E0", "Everton", "Fulham");
    let before = other.cookie.clone();
    assert_eq!(
        other
            .post_form(
                "/login",
                &[("username", "alice"), ("password", "vivid otter marble 42")]
            )
            .status,
        303
    );
    assert_ne!(other.cookie, before);
    assert_eq!(other.get("/api/history").json()["total"], 3);
    // Change password, log out, log in with the new one.
    assert_eq!(
        other
            .post_form(
                "/account",
                &[
                    ("current", "nope nope"),
                    ("password", "amber quokka tunnel 7")
                ]
            )
            .status,
        401
    );
    assert_eq!(
        other
            .post_form(
                "/account",
                &[
                    ("current", "vivid otter marble 42"),
                    ("password", "amber quokka tunnel 7")
                ]
            )
            .status,
        200
    );
    assert_eq!(other.post_form("/logout", &[]).status, 303);
    assert_eq!(other.get("/api/history").json()["total"], 0);
    assert_eq!(
        other
            .post_form(
                "/login",
                &[("username", "alice"), ("password", "vivid otter marble 42")]
            )
            .status,
        401
    );
    assert_eq!(
        other
            .post_form(
                "/login",
                &[("username", "alice"), ("password", "amber quokka tunnel 7")]
            )
            .status,
        303
    );
    assert_eq!(other.get("/api/history").json()["total"], 3);
}

#[test]
fn cross_site_form_posts_are_refused() {
    let s = server();
    let mut v = s.visitor();
    v.get("/");
    let r = v.post_raw(
        "/predict",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Sec-Fetch-Site", "cross-site"),
            ("Origin", "https://evil.example"),
        ],
        "league=E0&home=Arsenal&away=Chelsea",
    );
    assert_eq!(r.status, 403);
    let r = v.post_raw(
        "/predict",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        "league=E0&home=Arsenal&away=Chelsea",
    );
    assert_eq!(r.status, 303);
}

#[test]
fn health_reports_the_database() {
    let s = server();
    let mut v = s.visitor();
    let h = v.get("/health").json();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["database"], "ok");
    assert_eq!(h["cache"], "ok");
    assert!(h["read_replica"].is_null(), "no replica configured");
    assert_eq!(v.get("/livez").status, 200);
    assert_eq!(v.get("/readyz").status, 200);
}

#[test]
fn the_api_works_on_postgres_too() {
    let s = TestServer::start(Backend::Postgres);
    let mut a = s.visitor();
    let mut b = s.visitor();
    let id = a.predict("E0", "Arsenal", "Chelsea").json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(a.get("/api/history").json()["total"], 1);
    assert_eq!(b.get(&format!("/api/predictions/{id}")).status, 404);
    assert_eq!(
        b.send_json("DELETE", "/api/history", &format!("{{\"ids\": [{id}]}}"))
            .json()["deleted"],
        0
    );
    assert_eq!(a.get("/history").status, 200);
}

#[test]
fn metrics_count_requests_by_route_and_responses_carry_a_request_id() {
    let s = server();
    let mut v = s.visitor();
    let r = v.predict("E0", "Arsenal", "Chelsea");
    assert!(r.header("x-request-id").is_some_and(|id| id.len() >= 32));
    v.get("/teams/999999");
    let m = v.get("/metrics");
    assert_eq!(m.status, 200);
    assert!(
        m.body
            .contains("http_requests_total{route=\"/api/predict\",method=\"POST\",status=\"200\"}"),
        "{}",
        m.body
    );
    assert!(
        m.body.contains("route=\"/teams/{id}\""),
        "route patterns, not raw paths"
    );
    assert!(!m.body.contains("/teams/999999"));
    assert!(m.body.contains("http_request_duration_seconds_bucket"));
    assert!(m.body.contains("predictions_saved_total"));
    assert!(m.body.contains("session_cache_total"));
    assert!(m.body.contains("db_pool_connections{pool=\"write\"}"));
    assert!(m.body.contains("model_fit_seconds"));
}

#[test]
fn over_the_limit_answers_429_with_retry_after_and_ratelimit_headers() {
    let limits = fp_web::RateLimitConfig {
        anon: "3/hour".parse().unwrap(),
        user: "1000/day".parse().unwrap(),
        api: "1000/second".parse().unwrap(),
        ..fp_web::RateLimitConfig::default()
    };
    let s = TestServer::start_with(Backend::Sqlite, limits);
    let mut v = s.visitor();
    for _ in 0..3 {
        assert_eq!(v.predict("E0", "Arsenal", "Chelsea").status, 200);
    }
    let r = v.predict("E0", "Arsenal", "Chelsea");
    assert_eq!(r.status, 429);
    assert!(r.json()["error"].as_str().unwrap().contains("3/hour"));
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() > 60);
    assert_eq!(r.header("ratelimit-limit"), Some("3"));
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    // The form gets a page, and nothing more was saved.
    let page = v.post_form(
        "/predict",
        &[("league", "E0"), ("home", "Leeds"), ("away", "Spurs")],
    );
    assert_eq!(page.status, 429);
    assert!(page.body.contains("Too many predictions"));
    assert_eq!(v.get("/api/history").json()["total"], 3);
    // The same client IP is limited across visitors (new cookie, same address).
    assert_eq!(s.visitor().predict("E0", "Leeds", "Spurs").status, 429);
    assert!(
        v.get("/metrics")
            .body
            .contains("rate_limit_rejections_total")
    );
}

#[test]
fn the_api_limit_counts_every_api_request_per_client() {
    let limits = fp_web::RateLimitConfig {
        api: "5/minute".parse().unwrap(),
        ..fp_web::RateLimitConfig::default()
    };
    let s = TestServer::start_with(Backend::Sqlite, limits);
    let mut v = s.visitor();
    for _ in 0..4 {
        assert_eq!(v.get("/api/leagues").status, 200);
    }
    // A prediction (answered by its own fast path) counts too.
    assert_eq!(v.predict("E0", "Arsenal", "Chelsea").status, 200);
    let r = v.get("/api/leagues");
    assert_eq!(r.status, 429);
    assert!(r.json()["error"].is_string());
    let r = v.predict("E0", "Arsenal", "Chelsea");
    assert_eq!(r.status, 429);
    assert!(r.json()["error"].is_string());
    assert!(r.header("retry-after").is_some());
    // Pages are not API requests.
    assert_eq!(v.get("/about").status, 200);
}

#[test]
fn a_session_is_stored_only_once_something_is_saved_under_it() {
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    for path in ["/", "/predict?league=E0", "/api/leagues", "/history"] {
        let r = v.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("set-cookie"), None, "{path} stores no session");
    }
    let sessions = || {
        s.runtime
            .block_on(s.state.store().count_sessions())
            .unwrap()
    };
    assert_eq!(sessions(), 0);
    let r = v.predict("E0", "Arsenal", "Chelsea");
    assert_eq!(r.status, 200);
    assert!(r.header("set-cookie").unwrap().contains("HttpOnly"));
    assert_eq!(sessions(), 1);
    // The visitor is now known: no new cookie, and the prediction is in the history.
    let r = v.get("/api/history");
    assert_eq!(r.header("set-cookie"), None);
    assert_eq!(r.json()["total"], 1);
    assert_eq!(v.predict("E0", "Leeds", "Spurs").header("set-cookie"), None);
    assert_eq!(sessions(), 1);
}

#[test]
fn a_cached_history_page_shows_changes_made_through_another_instance() {
    let a = TestServer::start(Backend::Sqlite);
    let b = a.join(fp_web::AppConfig {
        rate_limits: fp_web::RateLimitConfig {
            anon: "1000000/second".parse().unwrap(),
            user: "1000000/second".parse().unwrap(),
            api: "1000000/second".parse().unwrap(),
            ..fp_web::RateLimitConfig::default()
        },
        ..fp_web::AppConfig::default()
    });
    let mut v = a.visitor();
    let id = v.predict("E0", "Arsenal", "Chelsea").json()["id"]
        .as_i64()
        .unwrap();
    let total = |v: &mut crate::common::Visitor, base: &crate::common::Target| {
        v.base = base.clone();
        v.get("/api/history").json()["total"].as_i64().unwrap()
    };
    // Both instances have the page in memory now.
    assert_eq!(total(&mut v, &a.base), 1);
    assert_eq!(total(&mut v, &b.base), 1);
    v.base = b.base.clone();
    v.predict("E0", "Leeds", "Spurs");
    assert_eq!(total(&mut v, &a.base), 2, "a sees b's insert");
    v.base = a.base.clone();
    let r = v.send_json("DELETE", "/api/history", &format!("{{\"ids\":[{id}]}}"));
    assert_eq!(r.json()["deleted"], 1);
    assert_eq!(total(&mut v, &b.base), 1, "b sees a's delete");
    let page = v.get("/history").body;
    assert!(
        page.contains("Leeds") && !page.contains("Arsenal v Chelsea"),
        "{page}"
    );
}

/// Predictions of one fixture share a prepared answer: each still has its own id, URL and
/// time, and reads back (`GET /api/predictions/{id}`) with the figures it was answered with
/// (the markets of a stored prediction are rebuilt from its stored figures, so they are
/// compared elsewhere).
#[test]
fn repeated_predictions_of_a_fixture_are_answered_as_stored() {
    let s = server();
    let mut v = s.visitor();
    let first = v.predict("E0", "Everton", "Leeds").json();
    let second = v.predict("E0", "Everton", "Leeds").json();
    assert_ne!(first["id"], second["id"]);
    assert_eq!(
        second["url"],
        format!("/predictions/{}", second["id"].as_i64().unwrap())
    );
    for answered in [&first, &second] {
        let url = format!("/api/predictions/{}", answered["id"].as_i64().unwrap());
        let stored = v.get(&url);
        assert_eq!(stored.status, 200, "{}", stored.body);
        let stored = stored.json();
        for k in [
            "id",
            "url",
            "created_at",
            "league",
            "home_team",
            "away_team",
            "probabilities",
            "outcome",
            "confidence",
            "expected_goals",
            "most_likely_score",
            "form",
            "head_to_head",
            "model",
        ] {
            assert_eq!(stored[k], answered[k], "{k}");
        }
    }
    let (mut a, mut b) = (first.clone(), second.clone());
    for k in ["id", "url", "created_at"] {
        a.as_object_mut().unwrap().remove(k);
        b.as_object_mut().unwrap().remove(k);
    }
    assert_eq!(a, b);
}

/// A prepared answer belongs to the data it was made from: after an import and a reload the
/// next prediction of the same fixture shows the new result in the teams' form.
#[test]
fn a_prepared_answer_follows_new_data() {
    let s = server();
    let mut v = s.visitor();
    let form = |j: &serde_json::Value| j["form"]["home"][0]["date"].as_str().map(str::to_string);
    let before = v.predict("E0", "Fulham", "Spurs").json();
    assert_ne!(form(&before).as_deref(), Some("2030-05-01"));
    let csv = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,01/05/2030,Fulham,Leeds,3,0\n";
    let records = fp_ingest::parse_matches(csv.as_bytes(), "new.csv").unwrap();
    s.runtime.block_on(async {
        s.state.store().import_matches(&records).await.unwrap();
        s.state.reload().await.unwrap();
    });
    let after = v.predict("E0", "Fulham", "Spurs").json();
    assert_eq!(form(&after).as_deref(), Some("2030-05-01"));
}

/// SQLite gives a new row the largest id plus one, so deleting the newest prediction of the
/// whole table and making another reuses its id: the owner's count, largest id and sum of ids
/// are then as before. The history (page and API) must still show the new prediction, not the
/// deleted one from memory.
#[test]
fn history_shows_a_new_prediction_made_after_a_deletion() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let s = TestServer::start(backend);
        let mut v = s.visitor();
        v.predict("E0", "Arsenal", "Chelsea");
        let newest = v.predict("E0", "Leeds", "Spurs").json()["id"]
            .as_i64()
            .unwrap();
        // Read (and cache) both views of the history.
        assert!(v.get("/history").body.contains("Leeds v Spurs"));
        assert_eq!(
            v.get("/api/history").json()["items"][0]["home_team"],
            "Leeds"
        );
        let r = v.send_json(
            "DELETE",
            "/api/history",
            &format!(r#"{{"ids":[{newest}]}}"#),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let again = v.predict("E0", "Chelsea", "Arsenal").json()["id"]
            .as_i64()
            .unwrap();
        assert!(
            again > newest,
            "{backend:?}: the id {newest} was given again"
        );
        let page = v.get("/history").body;
        assert!(page.contains("Chelsea v Arsenal"), "{backend:?}: {page}");
        assert!(
            !page.contains("Leeds v Spurs"),
            "{backend:?}: deleted prediction shown"
        );
        let api = v.get("/api/history").json();
        assert_eq!(api["total"], 2);
        assert_eq!(api["items"][0]["home_team"], "Chelsea", "{backend:?}");
    }
}

/// Past meetings carry the market's own pre-match view beside the results, labelled as the
/// market's (margin removed), on the page and in the API.
#[test]
fn past_meetings_show_the_market_beside_the_model() {
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    let r = v.get("/api/h2h?league=E0&home=Arsenal&away=Chelsea");
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    let m = &j["meetings"][0]["market"];
    // The test data prices every E0 match 2.1 / 3.4 / 3.6.
    let inv = [1.0 / 2.1, 1.0 / 3.4, 1.0 / 3.6];
    let sum: f64 = inv.iter().sum();
    assert!(
        (m["home"].as_f64().unwrap() - inv[0] / sum).abs() < 1e-9,
        "{m}"
    );
    assert!(
        (m["away"].as_f64().unwrap() - inv[2] / sum).abs() < 1e-9,
        "{m}"
    );
    let page = v.get("/h2h?league=E0&home=Arsenal&away=Chelsea");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Market before kick-off"));
    let pct = format!("{:.0}%", inv[0] / sum * 100.0);
    assert!(page.body.contains(&pct), "{pct}");
}

#[test]
fn on_shutdown_the_server_drains_then_stops_listening() {
    let config = fp_web::AppConfig {
        rate_limits: crate::common::generous_limits(),
        timeouts: fp_web::Timeouts {
            drain: std::time::Duration::from_secs(2),
            ..fp_web::Timeouts::default()
        },
        ..fp_web::AppConfig::default()
    };
    let s = TestServer::start_config(Backend::Sqlite, config, None);
    let mut v = s.tcp_visitor();
    assert_eq!(v.get("/readyz").status, 200);
    assert_eq!(v.get("/livez").header("connection"), None);
    s.shutdown.notify_one();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // Draining: not ready (the balancer moves away), work still served, each connection
    // closed after its answer, new connections still taken.
    assert_eq!(v.get("/readyz").status, 503);
    assert!(s.state.drain().started());
    let r = v.predict("E0", "Arsenal", "Chelsea");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("connection"), Some("close"));
    assert_eq!(s.tcp_visitor().get("/livez").status, 200);
    // After the drain the listener is closed.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let addr = s.url.trim_start_matches("http://");
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening"
    );
}
