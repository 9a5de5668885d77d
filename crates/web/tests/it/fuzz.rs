//! Malformed raw HTTP over TCP, on both backends: whatever the bytes, the server answers with
//! a 4xx (or closes the connection) and never a 5xx, and it still serves normal requests after.

use crate::common::{TestServer, generous_limits};
use fp_storage::Backend;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Every route of the service, with `{}` where a path parameter goes.
const ROUTES: &[&str] = &[
    "/",
    "/about",
    "/account",
    "/account/logout-everywhere",
    "/account/tokens",
    "/account/tokens/{}/revoke",
    "/api/docs",
    "/api/h2h",
    "/api/history",
    "/api/leagues",
    "/api/leagues/{}/teams",
    "/api/openapi.json",
    "/api/predict",
    "/api/predictions/{}",
    "/api/teams/{}",
    "/api/tokens",
    "/api/tokens/{}",
    "/h2h",
    "/health",
    "/history",
    "/history.csv",
    "/history/delete",
    "/leagues/{}",
    "/livez",
    "/login",
    "/logout",
    "/metrics",
    "/predict",
    "/predictions/{}",
    "/readyz",
    "/register",
    "/static/{}",
    "/teams/{}",
];

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec!["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"])
            .prop_map(str::to_string),
        1 => prop::sample::select(vec!["get", "G\0T", "CONNECT", "TRACE", "PRI", "", "GET GET"])
            .prop_map(str::to_string),
        1 => "[A-Z]{1,12}",
        1 => Just("X".repeat(9000)),
    ]
}

/// A path parameter or query value: plausible, hostile or broken.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "1", "0", "-1", "E0", "E0%2FArsenal", "99999999999999999999", "1e9", "1.5", "%00",
            "%FF%FE", "%C3%28", "..%2F..%2Fetc%2Fpasswd", "%", "a%2", "%25", "%E2%80%AE", "app.css",
            "..", "%2e%2e", "null", "true", "%20", "+", "fp_0", "'%20OR%201=1--",
        ])
        .prop_map(str::to_string),
        2 => "[a-zA-Z0-9%._~-]{0,24}",
        1 => "[ -~]{0,24}",
        1 => (1usize..20_000).prop_map(|n| "a".repeat(n)),
    ]
}

fn target() -> impl Strategy<Value = String> {
    let query = prop::collection::vec(
        (
            prop::sample::select(vec![
                "league",
                "home",
                "away",
                "home_team",
                "away_team",
                "team",
                "page",
                "limit",
                "offset",
                "sort",
                "q",
                "",
                "league[]",
            ]),
            segment(),
        ),
        0..5,
    );
    (prop::sample::select(ROUTES.to_vec()), segment(), query).prop_map(|(route, seg, query)| {
        let mut t = route.replace("{}", &seg);
        if !query.is_empty() {
            let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            t = format!("{t}?{}", pairs.join("&"));
        }
        t
    })
}

fn version() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        8 => Just("HTTP/1.1"),
        1 => prop::sample::select(vec!["HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "", "HTTP/1.1 extra", "http/1.1"]),
    ]
}

/// Body bytes: JSON and form bodies a careless or hostile client might send.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let predict = (segment(), segment(), segment()).prop_map(|(l, h, a)| {
        format!(r#"{{"league":"{l}","home_team":"{h}","away_team":"{a}"}}"#).into_bytes()
    });
    prop_oneof![
        2 => Just(Vec::new()),
        2 => predict,
        1 => Just(br#"{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}"#.to_vec()),
        1 => (1usize..20_000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
        1 => (1usize..5_000).prop_map(|n| format!("{}1", "{\"a\":".repeat(n)).into_bytes()),
        1 => Just(br#"{"league":1e999999,"home_team":-0,"away_team":[]}"#.to_vec()),
        1 => Just(b"{\"league\":\"E0\xff\xfe\",\"home_team\":\"\\ud800\"}".to_vec()),
        1 => (segment(), segment()).prop_map(|(u, p)| format!("username={u}&password={p}&csrf=x").into_bytes()),
        1 => Just(b"name=t&name=u&name=%FF&=&&&===".to_vec()),
        2 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

/// Extra header lines, some of them broken on purpose.
fn headers() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let line = prop_oneof![
        prop::sample::select(vec![
            "Content-Type: application/json",
            "Content-Type: application/x-www-form-urlencoded",
            "Content-Type: text/plain",
            "Content-Type: multipart/form-data; boundary=",
            "Content-Type: application/json; charset=utf-16",
            "Content-Type: \u{0}",
            "Transfer-Encoding: chunked",
            "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: identity",
            "Content-Encoding: gzip",
            "Content-Length: -1",
            "Content-Length: 99999999999999999999",
            "Content-Length: 3, 4",
            "Content-Length: 0",
            "Expect: 100-continue",
            "Connection: upgrade",
            "Upgrade: websocket",
            "Cookie: fp_session=",
            "Cookie: fp_session=AAAA; fp_session=BBBB",
            "Cookie: =;;;=fp_session",
            "Authorization: Bearer ",
            "Authorization: Bearer fp_0000000000000000000000000000000000000000000000000000000000000000",
            "Authorization: Basic Zm9vOmJhcg==",
            "Authorization: Bearer fp_\u{e9}",
            "X-Forwarded-For: not an address, ::1, 999.1.1.1",
            "X-Forwarded-Proto: javascript",
            "X-Request-Id: ../../\u{202e}",
            "Accept: */*;q=nonsense",
            "Accept-Encoding: br;q=2, gzip;q=-1",
            "Range: bytes=-1-2",
            "If-None-Match: *",
            "Origin: null",
            "Host: ",
            "Host: a, b",
            "NoColonHere",
            ": empty name",
            " Folded: continuation",
            "Bad Name: x",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        ("[A-Za-z-]{1,20}", prop::collection::vec(any::<u8>(), 0..64)).prop_map(|(n, v)| {
            let mut l = format!("{n}: ").into_bytes();
            l.extend(v.into_iter().filter(|b| *b != b'\r' && *b != b'\n'));
            l
        }),
        (1usize..70_000).prop_map(|n| format!("X-Big: {}", "b".repeat(n)).into_bytes()),
    ];
    prop::collection::vec(line, 0..6)
}

#[derive(Debug, Clone)]
struct Raw {
    bytes: Vec<u8>,
}

fn raw_request() -> impl Strategy<Value = Raw> {
    (
        method(),
        target(),
        version(),
        headers(),
        body(),
        prop_oneof![3 => Just(None), 1 => (0usize..2000).prop_map(Some)],
        any::<bool>(),
    )
        .prop_map(|(method, target, version, headers, body, length, host)| {
            let mut bytes = format!("{method} {target} {version}\r\n").into_bytes();
            if host {
                bytes.extend_from_slice(b"Host: 127.0.0.1\r\n");
            }
            for h in headers {
                bytes.extend_from_slice(&h);
                bytes.extend_from_slice(b"\r\n");
            }
            // A true length, a false one (the body is then cut short or runs on), or none.
            let declared = length.unwrap_or(body.len());
            if length.is_some() || !body.is_empty() {
                bytes.extend_from_slice(format!("Content-Length: {declared}\r\n").as_bytes());
            }
            bytes.extend_from_slice(b"Connection: close\r\n\r\n");
            bytes.extend_from_slice(&body);
            Raw { bytes }
        })
}

/// Sends the bytes, closes the write side and reads the status code of the answer, if any.
fn exchange(addr: &str, raw: &Raw) -> std::io::Result<Option<u16>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    stream.set_write_timeout(Some(Duration::from_secs(20)))?;
    // The server may refuse and close before everything is sent: that is an answer too.
    let _ = stream.write_all(&raw.bytes);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                head.extend_from_slice(&buf[..n]);
                if head.len() >= 12 {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => return Err(e),
        }
    }
    if head.is_empty() {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&head);
    let code = line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| line.strip_prefix("HTTP/1.0 "))
        .and_then(|rest| rest.get(..3))
        .and_then(|c| c.parse().ok());
    match code {
        Some(code) => Ok(Some(code)),
        None => Err(std::io::Error::other(format!(
            "not an HTTP answer: {line:?}"
        ))),
    }
}

fn fuzz(backend: Backend) {
    let config = fp_web::AppConfig {
        rate_limits: generous_limits(),
        timeouts: fp_web::Timeouts {
            header: Duration::from_secs(3),
            body: Duration::from_secs(2),
            ..fp_web::Timeouts::default()
        },
        ..fp_web::AppConfig::default()
    };
    let server = TestServer::start_config(backend, config, None);
    let addr = server.url.trim_start_matches("http://").to_string();
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let seen = std::cell::RefCell::new(std::collections::BTreeMap::<Option<u16>, usize>::new());
    runner
        .run(&raw_request(), |raw| {
            let code = exchange(&addr, &raw).map_err(|e| TestCaseError::fail(e.to_string()))?;
            *seen.borrow_mut().entry(code).or_default() += 1;
            prop_assert!(
                code.is_none_or(|c| c < 500),
                "{backend:?}: {code:?} for {:?}",
                String::from_utf8_lossy(&raw.bytes[..raw.bytes.len().min(600)])
            );
            Ok(())
        })
        .unwrap();
    let seen = seen.into_inner();
    eprintln!("{backend:?}: answers by status {seen:?}");
    assert!(
        seen.keys().any(|c| matches!(c, Some(400..=499))),
        "the fuzzer never reached a refusal: {seen:?}"
    );
    // Still whole and serving.
    let mut v = server.tcp_visitor();
    assert_eq!(v.get("/health").status, 200);
    assert_eq!(v.predict("E0", "Arsenal", "Chelsea").status, 200);
    assert_eq!(v.get("/api/leagues").status, 200);
}

#[test]
fn malformed_requests_never_get_a_5xx_on_sqlite() {
    fuzz(Backend::Sqlite);
}

#[test]
fn malformed_requests_never_get_a_5xx_on_postgres() {
    fuzz(Backend::Postgres);
}
