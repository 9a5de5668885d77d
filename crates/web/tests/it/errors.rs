//! Errors in the route's format: every error under `/api/` is `{"error": "…"}` — whichever
//! layer made it — and every page route answers with the styled error page.

use crate::common::{Reply, TestServer};
use fp_storage::Backend;

fn assert_json_error(r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/json")),
        "{what}: {:?}",
        r.header("content-type")
    );
    let message = r.json()["error"].as_str().unwrap_or("").to_string();
    assert!(!message.is_empty(), "{what}: {}", r.body);
}

fn assert_error_page(r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{what}"
    );
    assert!(r.body.contains("<h1>"), "{what}: {}", r.body);
    assert!(r.body.contains("Back to the home page"), "{what}");
}

#[test]
fn every_api_error_is_json_whichever_layer_made_it() {
    let s = TestServer::start(Backend::Sqlite);
    for (over_tcp, mut v) in [(false, s.visitor()), (true, s.tcp_visitor())] {
        let cross_site = [
            ("Content-Type", "application/json"),
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ];
        let body = r#"{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}"#;
        assert_json_error(&v.post_raw("/api/predict", &cross_site, body), 403, "CSRF");
        assert_json_error(&v.send_json("PUT", "/api/predict", body), 405, "405");
        assert_json_error(&v.get("/api/predict"), 405, "GET on a POST route");
        // Over TCP the server answers before the whole body is sent (see the raw-socket test).
        if !over_tcp {
            let big = format!(r#"{{"league":"{}"}}"#, "x".repeat(70_000));
            assert_json_error(&v.send_json("POST", "/api/predict", &big), 413, "413");
        }
        assert_json_error(&v.post_raw("/api/predict", &[], body), 415, "415");
        assert_json_error(&v.send_json("POST", "/api/predict", "{"), 400, "400");
        assert_json_error(&v.send_json("POST", "/api/predict", "{}"), 422, "422");
        assert_json_error(&v.get("/api/nowhere"), 404, "unknown route");
        assert_json_error(&v.get("/api/teams/x"), 400, "bad path");
        assert_json_error(&v.get("/api/history?page=x"), 400, "bad query");
        assert_json_error(&v.get("/api/h2h"), 400, "missing query");
    }
}

#[test]
fn every_page_error_is_the_styled_page() {
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    assert_error_page(&v.get("/history?page=x"), 400, "bad query");
    assert_error_page(&v.get("/predictions/x"), 400, "bad path");
    assert_error_page(&v.get("/h2h?league=E0"), 400, "missing query");
    assert_error_page(&v.get("/nowhere"), 404, "unknown route");
    assert_error_page(&v.get("/static/none.css"), 404, "unknown asset");
    assert_error_page(&v.send_json("PUT", "/history", "{}"), 405, "405");
    let cross_site = [
        ("Origin", "https://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ];
    assert_error_page(&v.post_raw("/logout", &cross_site, ""), 403, "CSRF");
}

#[test]
fn a_storage_outage_is_a_503_everywhere() {
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    assert_eq!(v.predict("E0", "Arsenal", "Chelsea").status, 200);
    s.runtime.block_on(s.state.store().close());
    assert_error_page(&v.get("/"), 503, "home");
    assert_error_page(&v.get("/history"), 503, "history");
    assert_json_error(&v.get("/api/history"), 503, "API history");
    assert_eq!(v.get("/readyz").status, 503);
}

/// On PostgreSQL predictions are saved by the writer task: a database it cannot reach is a
/// 503 for the caller too (not the writer's own 500), so clients and balancers try again.
#[test]
fn a_prediction_the_database_cannot_take_is_a_503() {
    let s = TestServer::start(Backend::Postgres);
    let mut v = s.visitor();
    assert_eq!(v.predict("E0", "Arsenal", "Chelsea").status, 200);
    s.runtime.block_on(s.state.store().close());
    assert_json_error(&v.predict("E0", "Arsenal", "Chelsea"), 503, "predict");
    assert_json_error(&v.get("/api/history"), 503, "API history");
}
