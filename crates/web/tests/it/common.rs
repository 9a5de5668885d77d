//! The application over a fresh database with a small league: called in process (the router
//! as a tower service, through `oneshot`) by default, and also served on a free loopback port
//! for the tests where the transport matters.

#![allow(dead_code)]

use fp_storage::Backend;
use fp_storage::testing::TestDb;
use std::sync::mpsc;

/// Where a visitor's requests go.
#[derive(Clone)]
pub enum Target {
    /// The router, called in process.
    InProcess {
        router: axum::Router,
        runtime: tokio::runtime::Handle,
        peer: std::net::SocketAddr,
    },
    /// `http://127.0.0.1:PORT`, over TCP.
    Tcp(String),
}

pub struct TestServer {
    /// The router in process (what [`TestServer::visitor`] talks to).
    pub base: Target,
    /// The same server over TCP.
    pub url: String,
    pub state: fp_web::AppState,
    pub runtime: tokio::runtime::Runtime,
    pub db: Option<TestDb>,
    /// Notified: the TCP server shuts down (as on SIGTERM).
    pub shutdown: std::sync::Arc<tokio::sync::Notify>,
}

/// Two seasons of a six-team league "E0" (teams A..F) plus one season of "D1" (X, Y, Z).
pub fn csv() -> String {
    let teams = ["Arsenal", "Chelsea", "Everton", "Fulham", "Leeds", "Spurs"];
    let mut rows = vec!["Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,HST,AST,PSCH,PSCD,PSCA".to_string()];
    let mut day = chrono::NaiveDate::from_ymd_opt(2023, 8, 5).unwrap();
    for round in 0..4 {
        for (i, h) in teams.iter().enumerate() {
            for (j, a) in teams.iter().enumerate() {
                if i == j {
                    continue;
                }
                let hg = (round + 2 * i + j) % 4;
                let ag = (round + i + 3 * j) % 3;
                rows.push(format!(
                    "E0,{},{h},{a},{hg},{ag},{},{},2.1,3.4,3.6",
                    day.format("%d/%m/%Y"),
                    hg + 2,
                    ag + 1
                ));
                day += chrono::Duration::days(3);
            }
        }
    }
    for (h, a, hg, ag) in [
        ("X", "Y", 1, 0),
        ("Y", "Z", 2, 2),
        ("Z", "X", 0, 3),
        ("Y", "X", 1, 1),
    ] {
        rows.push(format!(
            "D1,{},{h},{a},{hg},{ag},3,3,2.0,3.3,3.8",
            day.format("%d/%m/%Y")
        ));
        day += chrono::Duration::days(7);
    }
    rows.join("\n")
}

/// Limits no test reaches unless it means to.
pub fn generous_limits() -> fp_web::RateLimitConfig {
    let generous: fp_web::Rate = "1000000/second".parse().unwrap();
    fp_web::RateLimitConfig {
        anon: generous,
        user: generous,
        api: generous,
        login_ip: generous,
        login_account: generous,
        register: generous,
        ..fp_web::RateLimitConfig::default()
    }
}

/// The default settings with [`generous_limits`].
pub fn generous_config() -> fp_web::AppConfig {
    fp_web::AppConfig {
        rate_limits: generous_limits(),
        ..fp_web::AppConfig::default()
    }
}

impl TestServer {
    pub fn start(backend: Backend) -> TestServer {
        TestServer::start_with(backend, generous_limits())
    }

    pub fn start_with(backend: Backend, rate_limits: fp_web::RateLimitConfig) -> TestServer {
        let config = fp_web::AppConfig {
            rate_limits,
            ..fp_web::AppConfig::default()
        };
        TestServer::start_config(backend, config, None)
    }

    /// A second instance over this one's database (as behind a load balancer).
    pub fn join(&self, config: fp_web::AppConfig) -> TestServer {
        let url = self.db.as_ref().map(|d| d.url.clone()).unwrap();
        TestServer::start_config(Backend::Sqlite, config, Some(url))
    }

    /// `database`: the URL of an existing, filled database (then nothing is imported and the
    /// database is not dropped with this server).
    pub fn start_config(
        backend: Backend,
        config: fp_web::AppConfig,
        database: Option<String>,
    ) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        fp_web::install_metrics();
        let (tx, rx) = mpsc::channel();
        let (state_tx, state_rx) = mpsc::channel();
        let shutdown = std::sync::Arc::new(tokio::sync::Notify::new());
        let stop = shutdown.clone();
        let db = runtime.block_on(async {
            let (store, db) = match database {
                Some(url) => {
                    let store = fp_storage::Store::open(&fp_storage::DbConfig::new(url))
                        .await
                        .unwrap();
                    (store, None)
                }
                None => {
                    let db = TestDb::new(backend).await;
                    let records = fp_ingest::parse_matches(csv().as_bytes(), "test.csv").unwrap();
                    db.store.import_matches(&records).await.unwrap();
                    fp_engine::refit_all(&db.store, |_| {}).await.unwrap();
                    (db.store.clone(), Some(db))
                }
            };
            let timeouts = config.timeouts;
            let state = fp_web::AppState::new(store, config).await.unwrap();
            state_tx.send(state.clone()).unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let drain = state.drain().clone();
            tokio::spawn(async move {
                let app = fp_web::router(state);
                fp_web::serve(listener, app, timeouts, drain, stop.notified_owned())
                    .await
                    .unwrap();
            });
            db
        });
        let addr = rx.recv().unwrap();
        let state = state_rx.recv().unwrap();
        TestServer {
            base: Target::InProcess {
                router: fp_web::router(state.clone()),
                runtime: runtime.handle().clone(),
                peer: "127.0.0.1:40000".parse().unwrap(),
            },
            url: format!("http://{addr}"),
            state,
            runtime,
            db,
            shutdown,
        }
    }

    /// A visitor calling the router in process.
    pub fn visitor(&self) -> Visitor {
        Visitor {
            base: self.base.clone(),
            cookie: None,
            agent: agent(),
        }
    }

    /// A visitor calling the router in process from another peer address.
    pub fn visitor_from(&self, peer: &str) -> Visitor {
        let Target::InProcess {
            router, runtime, ..
        } = &self.base
        else {
            unreachable!("the base target is in process")
        };
        Visitor {
            base: Target::InProcess {
                router: router.clone(),
                runtime: runtime.clone(),
                peer: peer.parse().unwrap(),
            },
            cookie: None,
            agent: agent(),
        }
    }

    /// A visitor over TCP.
    pub fn tcp_visitor(&self) -> Visitor {
        Visitor {
            base: Target::Tcp(self.url.clone()),
            cookie: None,
            agent: agent(),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(db) = self.db.take() {
            self.runtime.block_on(db.cleanup());
        }
    }
}

/// A fresh connection per request: the server may close a kept-alive connection after an
/// answer that left the request body unread, and a client reusing it would see a reset that
/// says nothing about the server.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_idle_connections(0)
        .build()
        .into()
}

/// A client with its own session cookie, like one browser.
pub struct Visitor {
    pub base: Target,
    pub cookie: Option<String>,
    agent: ureq::Agent,
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Visitor {
    fn remember(&mut self, headers: &[(String, String)]) {
        for (k, v) in headers {
            if k.eq_ignore_ascii_case("set-cookie")
                && let Some(rest) = v.strip_prefix("fp_session=")
            {
                let value = rest.split(';').next().unwrap_or("").to_string();
                self.cookie = (!value.is_empty()).then_some(value);
            }
        }
    }

    /// Sends a request with the visitor's cookie, in process or over TCP.
    pub fn send(&mut self, req: axum::http::request::Builder, body: String) -> Reply {
        let req = match &self.cookie {
            Some(c) => req.header("Cookie", format!("fp_session={c}")),
            None => req,
        };
        let (status, headers, body) = match &self.base {
            Target::InProcess {
                router,
                runtime,
                peer,
            } => {
                use tower::ServiceExt;
                let mut req = req.body(axum::body::Body::from(body)).unwrap();
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(*peer));
                runtime.block_on(async {
                    let r = router.clone().oneshot(req).await.unwrap();
                    let (parts, body) = r.into_parts();
                    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
                    (
                        parts.status.as_u16(),
                        parts.headers,
                        String::from_utf8_lossy(&bytes).into_owned(),
                    )
                })
            }
            Target::Tcp(base) => {
                let mut req = req.body(body).unwrap();
                let uri = format!("{base}{}", req.uri());
                *req.uri_mut() = uri.parse().unwrap();
                let mut r = self.agent.run(req).unwrap();
                let body = r.body_mut().read_to_string().unwrap_or_default();
                (r.status().as_u16(), r.headers().clone(), body)
            }
        };
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        self.remember(&headers);
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        self.send(axum::http::Request::get(path), String::new())
    }

    pub fn send_json(&mut self, method: &str, path: &str, body: &str) -> Reply {
        let req = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("Content-Type", "application/json");
        self.send(req, body.to_string())
    }

    pub fn post_form(&mut self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let req = axum::http::Request::post(path)
            .header("Content-Type", "application/x-www-form-urlencoded");
        self.send(req, body)
    }

    pub fn post_raw(&mut self, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut req = axum::http::Request::post(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req, body.to_string())
    }

    pub fn predict(&mut self, league: &str, home: &str, away: &str) -> Reply {
        self.send_json(
            "POST",
            "/api/predict",
            &serde_json::json!({"league": league, "home_team": home, "away_team": away})
                .to_string(),
        )
    }
}
