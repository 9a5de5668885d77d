//! Hostile and careless clients: limit keys that hold, logins that cannot sink the server,
//! sessions that end everywhere, API tokens, bounded observability, timeouts, small holes.

use crate::common::{TestServer, generous_config};
use fp_storage::Backend;

fn limited(anon: &str, proxies: &[&str]) -> TestServer {
    let limits = fp_web::RateLimitConfig {
        anon: anon.parse().unwrap(),
        origin: fp_web::OriginRules {
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
            ipv6_prefix: 64,
        },
        ..fp_web::RateLimitConfig::default()
    };
    TestServer::start_with(Backend::Sqlite, limits)
}

#[test]
fn an_exhausted_ipv4_budget_is_not_renewed_by_its_mapped_or_neighbouring_forms() {
    let s = limited("1/hour", &[]);
    let ok = |peer: &str| {
        s.visitor_from(peer)
            .predict("E0", "Arsenal", "Chelsea")
            .status
    };
    assert_eq!(ok("198.51.100.7:5000"), 200);
    assert_eq!(ok("[::ffff:198.51.100.7]:5000"), 429, "IPv4-mapped IPv6");
    assert_eq!(ok("[2001:db8:5:6::1]:5000"), 200);
    assert_eq!(ok("[2001:db8:5:6:ffff::2]:5000"), 429, "same /64");
    assert_eq!(ok("[2001:db8:5:7::1]:5000"), 200, "another /64");
}

#[test]
fn behind_a_proxy_the_client_cannot_choose_its_address() {
    let s = limited("1/hour", &["127.0.0.0/8"]);
    let via_proxy = |xff: &str| {
        let req = axum::http::Request::post("/api/predict")
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", xff);
        s.visitor()
            .send(
                req,
                r#"{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}"#.into(),
            )
            .status
    };
    assert_eq!(via_proxy("1.1.1.1, 203.0.113.9"), 200);
    // A new forged leftmost entry: still the address the proxy appended.
    assert_eq!(via_proxy("2.2.2.2, 203.0.113.9"), 429);
    assert_eq!(via_proxy("203.0.113.10"), 200);
}

#[test]
fn forwarded_proto_sets_secure_cookies_only_from_a_trusted_proxy() {
    let predict = |s: &TestServer| {
        let req = axum::http::Request::post("/api/predict")
            .header("Content-Type", "application/json")
            .header("X-Forwarded-Proto", "https");
        let r = s.visitor().send(
            req,
            r#"{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}"#.into(),
        );
        assert_eq!(r.status, 200);
        r.header("set-cookie").unwrap().to_string()
    };
    let untrusted = limited("100/hour", &["10.0.0.0/8"]);
    assert!(!predict(&untrusted).contains("Secure"));
    let trusted = limited("100/hour", &["127.0.0.1/32"]);
    assert!(predict(&trusted).contains("Secure"));
}

fn register(v: &mut crate::common::Visitor, name: &str, password: &str) -> u16 {
    v.post_form("/register", &[("username", name), ("password", password)])
        .status
}

#[test]
fn logins_are_limited_locked_out_and_weak_passwords_refused() {
    let limits = fp_web::RateLimitConfig {
        login_ip: "1000/hour".parse().unwrap(),
        login_account: "1000/hour".parse().unwrap(),
        register: "2/hour".parse().unwrap(),
        lockout_after: 3,
        ..fp_web::RateLimitConfig::default()
    };
    let s = TestServer::start_with(Backend::Sqlite, limits);
    let mut v = s.visitor();
    assert_eq!(
        register(&mut v, "dora", "password1"),
        422,
        "a common password"
    );
    assert_eq!(
        register(&mut v, "dora", "12345678"),
        422,
        "a common password again"
    );
    // The two refusals above spent the address's two registrations.
    assert_eq!(register(&mut v, "dora", "vivid otter marble 42"), 429);
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    assert_eq!(register(&mut v, "erin", "vivid otter marble 42"), 303);
    let mut thief = s.visitor();
    let login = |v: &mut crate::common::Visitor, pw: &str| {
        v.post_form("/login", &[("username", "erin"), ("password", pw)])
    };
    for _ in 0..4 {
        assert_eq!(login(&mut thief, "guess guess").status, 401);
    }
    // The fifth failure locks the name out; then even the right password waits.
    let r = login(&mut thief, "guess guess");
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.header("retry-after").is_some());
    assert_eq!(login(&mut s.visitor(), "vivid otter marble 42").status, 429);
    // An unknown name is answered like a wrong password.
    let r = s
        .visitor()
        .post_form("/login", &[("username", "nobody"), ("password", "x")]);
    assert_eq!(r.status, 401);
}

#[test]
fn the_login_limit_per_address_answers_429() {
    let limits = fp_web::RateLimitConfig {
        login_ip: "3/hour".parse().unwrap(),
        ..fp_web::RateLimitConfig::default()
    };
    let s = TestServer::start_with(Backend::Sqlite, limits);
    for i in 0..3 {
        let name = format!("u{i}xx");
        let r = s
            .visitor()
            .post_form("/login", &[("username", &name), ("password", "whatever")]);
        assert_eq!(r.status, 401);
    }
    let r = s
        .visitor()
        .post_form("/login", &[("username", "other"), ("password", "whatever")]);
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());
}

#[test]
fn a_logout_on_one_instance_is_seen_by_another_within_two_seconds() {
    let a = TestServer::start(Backend::Sqlite);
    let b = a.join(generous_config());
    let mut v = a.visitor();
    assert_eq!(register(&mut v, "fred", "vivid otter marble 42"), 303);
    let cookie = v.cookie.clone();
    let mut on_b = b.visitor();
    on_b.cookie = cookie.clone();
    assert!(
        on_b.get("/account").body.contains("fred"),
        "B serves the session"
    );
    assert_eq!(v.post_form("/logout", &[]).status, 303);
    std::thread::sleep(std::time::Duration::from_millis(2000));
    on_b.cookie = cookie;
    let r = on_b.get("/account");
    assert_eq!(r.status, 303, "B still served a logged-out session");
}

#[test]
fn a_password_change_and_log_out_everywhere_end_the_other_sessions() {
    let s = TestServer::start(Backend::Sqlite);
    let mut first = s.visitor();
    assert_eq!(register(&mut first, "gina", "vivid otter marble 42"), 303);
    let mut second = s.visitor();
    let r = second.post_form(
        "/login",
        &[("username", "gina"), ("password", "vivid otter marble 42")],
    );
    assert_eq!(r.status, 303);
    let r = first.post_form(
        "/account",
        &[
            ("current", "vivid otter marble 42"),
            ("password", "amber quokka tunnel 7"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        first.get("/account").status,
        200,
        "the changing session stays"
    );
    assert_eq!(second.get("/account").status, 303, "the other one ended");
    assert_eq!(
        first.post_form("/account/logout-everywhere", &[]).status,
        303
    );
    assert_eq!(first.get("/account").status, 303);
}

#[test]
fn api_tokens_act_as_their_account_until_revoked_everywhere() {
    let a = TestServer::start(Backend::Sqlite);
    let b = a.join(generous_config());
    let mut v = a.visitor();
    assert_eq!(register(&mut v, "hana", "vivid otter marble 42"), 303);
    let r = v.send_json("POST", "/api/tokens", r#"{"name":"nightly"}"#);
    assert_eq!(r.status, 201, "{}", r.body);
    let token = r.json()["token"].as_str().unwrap().to_string();
    let id = r.json()["id"].as_i64().unwrap();
    let with_token = |s: &TestServer, token: &str| {
        let req = axum::http::Request::post("/api/predict")
            .header("Content-Type", "application/json")
            .header("Authorization", format!("Bearer {token}"));
        s.visitor().send(
            req,
            r#"{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}"#.into(),
        )
    };
    let r = with_token(&b, &token);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("set-cookie"), None, "a token needs no session");
    // Saved to the account: the browser session sees it.
    assert_eq!(v.get("/api/history").json()["total"], 1);
    let listed = v.get("/api/tokens").json();
    assert_eq!(listed[0]["name"], "nightly");
    assert!(!listed.to_string().contains(&token), "never shown again");
    assert_eq!(with_token(&a, "fp_nonsense").status, 401);
    let del = axum::http::Request::delete(format!("/api/tokens/{id}"));
    assert_eq!(v.send(del, String::new()).status, 204);
    std::thread::sleep(std::time::Duration::from_millis(2000));
    assert_eq!(
        with_token(&b, &token).status,
        401,
        "revoked on the other instance"
    );
    assert_eq!(with_token(&a, &token).status, 401);
}

#[test]
fn a_first_visit_session_is_stored_with_its_prediction_and_purged_when_unused() {
    let s = TestServer::start(Backend::Sqlite);
    let mut once = s.visitor();
    assert_eq!(once.predict("E0", "Arsenal", "Chelsea").status, 200);
    let mut back = s.visitor();
    assert_eq!(back.predict("E0", "Leeds", "Spurs").status, 200);
    assert_eq!(back.get("/api/history").json()["total"], 1, "came back");
    let store = s.state.store().clone();
    let purged = s
        .runtime
        .block_on(store.purge_sessions(
            chrono::Utc::now() + chrono::Duration::hours(25),
            chrono::Utc::now(),
        ))
        .unwrap();
    assert_eq!((purged.sessions, purged.predictions), (1, 1), "{purged:?}");
    assert_eq!(back.get("/api/history").json()["total"], 1);
    assert_eq!(once.get("/api/history").json()["total"], 0);
}

#[test]
fn random_methods_do_not_grow_the_metrics() {
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    for i in 0..50 {
        let req = axum::http::Request::builder()
            .method(format!("X{i}Y").as_str())
            .uri("/api/leagues");
        v.send(req, String::new());
    }
    let m = v.get("/metrics").body;
    assert!(!m.contains("X7Y"), "a client-chosen label");
    assert!(m.contains("method=\"other\""));
}

#[test]
fn metrics_can_need_a_token() {
    let config = fp_web::AppConfig {
        metrics: fp_web::MetricsAccess {
            token: Some("s3cret".into()),
            separate: false,
        },
        ..generous_config()
    };
    let s = TestServer::start_config(Backend::Sqlite, config, None);
    let mut v = s.visitor();
    assert_eq!(v.get("/metrics").status, 401);
    let req = axum::http::Request::get("/metrics").header("Authorization", "Bearer s3cret");
    assert_eq!(v.send(req, String::new()).status, 200);
}

#[test]
fn unsafe_request_ids_are_replaced() {
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    let send = |v: &mut crate::common::Visitor, id: &str| {
        let req = axum::http::Request::get("/livez").header("X-Request-Id", id);
        v.send(req, String::new())
            .header("x-request-id")
            .unwrap()
            .to_string()
    };
    assert_eq!(send(&mut v, "abc-123"), "abc-123");
    let long = "a".repeat(200);
    assert_ne!(send(&mut v, &long), long);
    assert_ne!(send(&mut v, "<b>x</b>"), "<b>x</b>");
}

#[test]
fn control_characters_are_refused_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let s = TestServer::start(backend);
        let mut v = s.visitor();
        let r = v.post_form("/login", &[("username", "a\u{0}b"), ("password", "x")]);
        assert_eq!(r.status, 422, "{backend:?}");
        let r = v.send_json(
            "POST",
            "/api/predict",
            r#"{"league":"E0","home_team":"Ars\u0000enal","away_team":"Chelsea"}"#,
        );
        assert_eq!(r.status, 422, "{backend:?}: {}", r.body);
        assert_eq!(v.get("/api/teams/A%00B").status, 400, "{backend:?}");
    }
}

#[test]
fn a_deleted_prediction_id_is_never_given_again() {
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    let first = v.predict("E0", "Arsenal", "Chelsea").json()["id"]
        .as_i64()
        .unwrap();
    let req = axum::http::Request::delete("/api/history");
    let r = v.send(
        req.header("Content-Type", "application/json"),
        format!(r#"{{"ids":[{first}]}}"#),
    );
    assert!(r.status < 300, "{}", r.body);
    let next = v.predict("E0", "Arsenal", "Chelsea").json()["id"]
        .as_i64()
        .unwrap();
    assert!(next > first, "{next} reuses {first}");
}

#[test]
fn idle_and_half_sent_connections_are_closed_and_a_stalled_body_is_408() {
    use std::io::{Read, Write};
    let config = fp_web::AppConfig {
        timeouts: fp_web::Timeouts {
            header: std::time::Duration::from_secs(1),
            body: std::time::Duration::from_secs(1),
            ..fp_web::Timeouts::default()
        },
        ..generous_config()
    };
    let s = TestServer::start_config(Backend::Sqlite, config, None);
    let addr = s.url.trim_start_matches("http://").to_string();
    let closed_within = |mut c: std::net::TcpStream| {
        c.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut buf = Vec::new();
        c.read_to_end(&mut buf).is_ok()
    };
    let idle = std::net::TcpStream::connect(&addr).unwrap();
    let mut half = std::net::TcpStream::connect(&addr).unwrap();
    half.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    assert!(closed_within(idle), "an idle socket stayed open");
    assert!(closed_within(half), "a half-sent head stayed open");
    // Others are served meanwhile, and a body shorter than its Content-Length is a 408.
    assert_eq!(s.tcp_visitor().get("/livez").status, 200);
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.write_all(
        b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"league\"",
    )
    .unwrap();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut answer = vec![0u8; 512];
    let n = slow.read(&mut answer).unwrap();
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

#[test]
fn a_csv_export_defuses_formulas() {
    // Team names come from imported files; one that starts with "=" must not run.
    let s = TestServer::start(Backend::Sqlite);
    let records = fp_ingest::parse_matches(
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,01/06/2024,=HYPERLINK(\"http://x\"),Arsenal,1,0\nE0,02/06/2024,Arsenal,=HYPERLINK(\"http://x\"),1,0\n".as_bytes(),
        "evil.csv",
    )
    .unwrap();
    s.runtime.block_on(async {
        s.state.store().import_matches(&records).await.unwrap();
        fp_engine::refit_all(s.state.store(), |_| {}).await.unwrap();
        s.state.reload().await.unwrap();
    });
    let mut v = s.visitor();
    let r = v.predict("E0", "=HYPERLINK(\"http://x\")", "Arsenal");
    assert_eq!(r.status, 200, "{}", r.body);
    let csv = v.get("/history.csv").body;
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
}

#[test]
fn a_token_spends_its_accounts_prediction_budget() {
    let limits = fp_web::RateLimitConfig {
        user: "3/hour".parse().unwrap(),
        ..crate::common::generous_limits()
    };
    let s = TestServer::start_with(Backend::Sqlite, limits);
    let mut v = s.visitor();
    assert_eq!(register(&mut v, "ines", "vivid otter marble 42"), 303);
    let token = v
        .send_json("POST", "/api/tokens", r#"{"name":"script"}"#)
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    // Each caller from its own address: only the account can tie them together.
    let by_token = |peer: &str| {
        let req = axum::http::Request::post("/api/predict")
            .header("Content-Type", "application/json")
            .header("Authorization", format!("Bearer {token}"));
        s.visitor_from(peer)
            .send(
                req,
                r#"{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}"#.into(),
            )
            .status
    };
    assert_eq!(v.predict("E0", "Arsenal", "Chelsea").status, 200);
    assert_eq!(by_token("198.51.100.1:1000"), 200);
    assert_eq!(by_token("198.51.100.2:1000"), 200);
    assert_eq!(by_token("198.51.100.3:1000"), 429, "the account's 3/hour");
    assert_eq!(v.predict("E0", "Arsenal", "Chelsea").status, 429);
    // Another account is untouched.
    let mut w = s.visitor_from("198.51.100.9:1000");
    assert_eq!(register(&mut w, "jude", "amber quokka tunnel 7"), 303);
    assert_eq!(w.predict("E0", "Arsenal", "Chelsea").status, 200);
}

#[test]
fn a_full_password_pool_answers_503_over_http_and_recovers() {
    let config = fp_web::AppConfig {
        password_workers: 1,
        password_queue: 0,
        ..generous_config()
    };
    let s = TestServer::start_config(Backend::Sqlite, config, None);
    // Twelve logins at once over TCP: one Argon2 job runs, the others are refused at once.
    let statuses: Vec<(u16, Option<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let mut v = s.tcp_visitor();
                scope.spawn(move || {
                    let name = format!("flood{i}");
                    let r = v.post_form("/login", &[("username", &name), ("password", "x y z w")]);
                    (r.status, r.header("retry-after").map(str::to_string))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let busy: Vec<_> = statuses.iter().filter(|(c, _)| *c == 503).collect();
    assert!(!busy.is_empty(), "{statuses:?}");
    assert!(
        busy.iter().all(|(_, retry)| retry.is_some()),
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|(c, _)| *c == 503 || *c == 401),
        "{statuses:?}"
    );
    // Once the flood has passed, logins are served again.
    let mut v = s.tcp_visitor();
    assert_eq!(register(&mut v, "kira", "vivid otter marble 42"), 303);
    let r = s.tcp_visitor().post_form(
        "/login",
        &[("username", "kira"), ("password", "vivid otter marble 42")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
}
