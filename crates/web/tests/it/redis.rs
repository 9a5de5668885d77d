//! The scale layer against real Redis servers: limits shared by two instances, and an outage
//! of a Redis this test starts on a free port and then kills.

use crate::common::TestServer;
use fp_storage::Backend;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn shared_redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string())
}

fn unique_prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("fp_test:{}:{nanos}:{test}", std::process::id())
}

fn generous() -> fp_web::RateLimitConfig {
    let g: fp_web::Rate = "1000000/second".parse().unwrap();
    fp_web::RateLimitConfig {
        anon: g,
        user: g,
        api: g,
        ..fp_web::RateLimitConfig::default()
    }
}

fn config(
    redis_url: &str,
    prefix: &str,
    rate_limits: fp_web::RateLimitConfig,
) -> fp_web::AppConfig {
    fp_web::AppConfig {
        rate_limits,
        cache: fp_web::CacheConfig {
            redis_target: Some(fp_cache::RedisTarget::Url(redis_url.to_string())),
            prefix: prefix.to_string(),
            ..fp_web::CacheConfig::default()
        },
        ..fp_web::AppConfig::default()
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A Redis of this test's own, killed when dropped.
struct OwnRedis {
    port: u16,
    child: Child,
}

impl OwnRedis {
    fn start(port: u16) -> OwnRedis {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (Debian package redis-server)");
        let r = OwnRedis { port, child };
        r.wait_until_up();
        r
    }

    fn client(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .unwrap()
            .get_connection()
            .unwrap()
    }

    fn wait_until_up(&self) {
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn keys(&self, pattern: &str) -> Vec<String> {
        redis::cmd("KEYS")
            .arg(pattern)
            .query(&mut self.client())
            .unwrap()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Polls `check` for up to ten seconds.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(10), "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn two_instances_sharing_redis_enforce_one_prediction_limit() {
    let prefix = unique_prefix("limit");
    let limits = fp_web::RateLimitConfig {
        anon: "5/hour".parse().unwrap(),
        ..generous()
    };
    let a = TestServer::start_config(
        Backend::Sqlite,
        config(&shared_redis_url(), &prefix, limits.clone()),
        None,
    );
    let b = a.join(config(&shared_redis_url(), &prefix, limits));
    let mut v = a.visitor();
    let mut statuses = Vec::new();
    for i in 0..6 {
        v.base = if i % 2 == 0 {
            a.base.clone()
        } else {
            b.base.clone()
        };
        let r = v.predict("E0", "Arsenal", "Chelsea");
        statuses.push(r.status);
        if r.status == 429 {
            let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
            assert!(wait > 600 && wait <= 720, "{wait}");
            assert_eq!(r.header("ratelimit-limit"), Some("5"));
            assert!(r.json()["error"].as_str().unwrap().contains("5/hour"));
        }
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);
    // The five saved predictions are one visitor's, whichever instance took them.
    v.base = b.base.clone();
    assert_eq!(v.get("/api/history").json()["total"], 5);
}

#[test]
fn without_redis_each_instance_limits_on_its_own() {
    let dead = format!("redis://127.0.0.1:{}", free_port());
    let limits = fp_web::RateLimitConfig {
        anon: "3/hour".parse().unwrap(),
        ..generous()
    };
    let s = TestServer::start_config(
        Backend::Sqlite,
        config(&dead, &unique_prefix("fallback"), limits),
        None,
    );
    let mut v = s.visitor();
    let statuses: Vec<u16> = (0..4)
        .map(|_| v.predict("E0", "Leeds", "Spurs").status)
        .collect();
    assert_eq!(statuses, [200, 200, 200, 429]);
    let h = v.get("/health");
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["status"], "degraded");
}

#[test]
fn a_redis_outage_degrades_health_but_predictions_go_on() {
    let port = free_port();
    let mut redis = OwnRedis::start(port);
    let prefix = unique_prefix("outage");
    let s = TestServer::start_config(
        Backend::Sqlite,
        config(&redis.url(), &prefix, generous()),
        None,
    );
    let mut v = s.visitor();
    let h = v.get("/health").json();
    assert_eq!(
        (h["status"].as_str(), h["cache"].as_str()),
        (Some("ok"), Some("ok"))
    );
    assert_eq!(v.predict("E0", "Arsenal", "Chelsea").status, 200);
    // The forecast and the facts went to Redis (stored in the background).
    eventually("a forecast is cached in Redis", || {
        !redis.keys(&format!("{prefix}:*:forecast:*")).is_empty()
    });
    assert!(!redis.keys(&format!("{prefix}:*:team:*")).is_empty());

    redis.kill();
    for (h, a) in [
        ("Arsenal", "Chelsea"),
        ("Everton", "Fulham"),
        ("Leeds", "Spurs"),
    ] {
        let r = v.predict("E0", h, a);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.json()["probabilities"]["home"].as_f64().unwrap() > 0.0);
    }
    assert_eq!(v.get("/predict?league=E0").status, 200);
    let h = v.get("/health");
    assert_eq!(h.status, 200);
    let j = h.json();
    assert_eq!(j["status"], "degraded");
    assert_ne!(j["cache"], "ok");
    assert_eq!(j["database"], "ok");
    assert_eq!(v.get("/api/history").json()["total"], 4);
    let metrics = v.get("/metrics").body;
    for counter in [
        "redis_outages_total",
        "redis_errors_total",
        "cache_requests_total",
    ] {
        assert!(metrics.contains(counter), "{counter} missing from /metrics");
    }

    // Redis comes back (empty, on the same port): health recovers and the cache is used again.
    let redis = OwnRedis::start(port);
    eventually("health is ok again", || {
        v.get("/health").json()["status"] == "ok"
    });
    assert_eq!(v.predict("E0", "Chelsea", "Leeds").status, 200);
    eventually("a new forecast is cached in the new Redis", || {
        !redis.keys(&format!("{prefix}:*:forecast:*")).is_empty()
    });
}

#[test]
fn new_data_on_one_instance_reaches_the_other_through_the_generation() {
    let prefix = unique_prefix("generation");
    let a = TestServer::start_config(
        Backend::Sqlite,
        config(&shared_redis_url(), &prefix, generous()),
        None,
    );
    let b = a.join(config(&shared_redis_url(), &prefix, generous()));
    let mut v = b.visitor();
    let teams = |v: &mut crate::common::Visitor| v.get("/api/leagues/E0/teams").body;
    assert!(!teams(&mut v).contains("Wolves"));
    let before = v.get("/health").json()["cache_generation"]
        .as_u64()
        .unwrap();
    // Instance a imports a result of a new team and refits (as its sync job would).
    let csv = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,01/06/2025,Wolves,Arsenal,1,1\n";
    let records = fp_ingest::parse_matches(csv.as_bytes(), "new.csv").unwrap();
    a.runtime.block_on(async {
        a.state.store().import_matches(&records).await.unwrap();
        fp_engine::refit_all(a.state.store(), |_| {}).await.unwrap();
        a.state.reload().await.unwrap();
    });
    eventually("instance b reloads the new data", || {
        teams(&mut v).contains("Wolves")
    });
    assert!(
        v.get("/health").json()["cache_generation"]
            .as_u64()
            .unwrap()
            > before
    );
    assert_eq!(v.predict("E0", "Wolves", "Arsenal").status, 200);
}

#[test]
fn failed_logins_on_two_instances_add_up_to_one_lock_out() {
    let prefix = unique_prefix("lockout");
    let limits = fp_web::RateLimitConfig {
        login_ip: "1000/hour".parse().unwrap(),
        login_account: "1000/hour".parse().unwrap(),
        register: "1000/hour".parse().unwrap(),
        lockout_after: 4,
        ..generous()
    };
    let a = TestServer::start_config(
        Backend::Sqlite,
        config(&shared_redis_url(), &prefix, limits.clone()),
        None,
    );
    let b = a.join(config(&shared_redis_url(), &prefix, limits));
    let mut owner = a.visitor();
    let r = owner.post_form(
        "/register",
        &[("username", "gwen"), ("password", "amber quokka tunnel 7")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let login = |s: &TestServer, pw: &str| {
        s.visitor()
            .post_form("/login", &[("username", "gwen"), ("password", pw)])
            .status
    };
    // Three wrong guesses, alternating between the instances: neither has seen four.
    assert_eq!(login(&a, "wrong one"), 401);
    assert_eq!(login(&b, "wrong two"), 401);
    assert_eq!(login(&a, "wrong three"), 401);
    // The fourth, on B, is the fourth of the name: locked out everywhere.
    assert_eq!(login(&b, "wrong four"), 429);
    assert_eq!(login(&a, "amber quokka tunnel 7"), 429);
    assert_eq!(login(&b, "amber quokka tunnel 7"), 429);
}

#[test]
fn a_logout_is_announced_through_redis_and_seen_by_the_other_instance() {
    let prefix = unique_prefix("revoke");
    let a = TestServer::start_config(
        Backend::Sqlite,
        config(&shared_redis_url(), &prefix, generous()),
        None,
    );
    let b = a.join(config(&shared_redis_url(), &prefix, generous()));
    let mut v = a.visitor();
    let r = v.post_form(
        "/register",
        &[("username", "hana"), ("password", "amber quokka tunnel 7")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let mut on_b = b.visitor();
    on_b.cookie = v.cookie.clone();
    assert!(
        on_b.get("/account").body.contains("hana"),
        "B serves the session"
    );
    let mut redis = redis::Client::open(shared_redis_url())
        .unwrap()
        .get_connection()
        .unwrap();
    let key = format!("{prefix}:signal:revocations");
    let before: Option<i64> = redis::cmd("GET").arg(&key).query(&mut redis).unwrap();
    let cookie = v.cookie.clone();
    assert_eq!(v.post_form("/logout", &[]).status, 303);
    let after: Option<i64> = redis::cmd("GET").arg(&key).query(&mut redis).unwrap();
    assert!(
        after > before,
        "the logout raised the signal: {before:?} → {after:?}"
    );
    on_b.cookie = cookie;
    eventually("B refuses the ended session", || {
        on_b.get("/account").status == 303
    });
}
