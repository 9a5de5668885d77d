//! The operator's commands as an operator runs them: a backup taken under prediction load and
//! restored, `create-admin`, `stats --json`, the log file.

use crate::cli::{Server, bin, sqlite_url, succeed};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const CSV: &str = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\n\
E0,10/08/2024,Arsenal,Chelsea,2,1\n\
E0,17/08/2024,Chelsea,Everton,0,0\n\
E0,24/08/2024,Everton,Arsenal,1,3\n\
E0,31/08/2024,Chelsea,Arsenal,1,1\n";

/// POST /api/predict as `cookie` (or a first visit); the status, the session cookie sent back
/// and the prediction id.
fn predict(base: &str, cookie: Option<&str>) -> (u16, Option<String>, Option<i64>) {
    let addr = base.trim_start_matches("http://");
    let body = r#"{"league":"E0","home_team":"Arsenal","away_team":"Chelsea"}"#;
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return (0, None, None);
    };
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: fp_session={c}\r\n"));
    let _ = write!(
        s,
        "POST /api/predict HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{cookie}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let session = reply
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: fp_session="))
        .map(|v| v.split(';').next().unwrap_or("").to_string());
    let id = reply
        .split("\"id\":")
        .nth(1)
        .and_then(|r| r.split([',', '}']).next())
        .and_then(|n| n.trim().parse().ok());
    (status, session, id)
}

/// Four clients saving predictions until told to stop; every (session, id) answered 200.
struct Load {
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<Vec<(String, i64)>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(base: &str) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let threads = (0..4)
            .map(|_| {
                let (base, stop, acked) = (base.to_string(), stop.clone(), acknowledged.clone());
                std::thread::spawn(move || {
                    let mut session: Option<String> = None;
                    while !stop.load(Ordering::Relaxed) {
                        let (status, new, id) = predict(&base, session.as_deref());
                        if session.is_none() {
                            session = new;
                        }
                        if let (200, Some(id), Some(s)) = (status, id, &session) {
                            acked.lock().unwrap().push((s.clone(), id));
                        }
                    }
                })
            })
            .collect();
        Load {
            stop,
            acknowledged,
            threads,
        }
    }

    fn so_far(&self) -> Vec<(String, i64)> {
        self.acknowledged.lock().unwrap().clone()
    }

    fn stop(self) -> Vec<(String, i64)> {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads {
            t.join().unwrap();
        }
        self.acknowledged.lock().unwrap().clone()
    }
}

fn pg_tools() -> bool {
    std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Serves `url`, saves predictions from four clients, backs up in the middle of it, restores
/// into `target` and finds every prediction acknowledged before the backup started.
async fn backup_under_load(url: &str, target: &str, dir: &std::path::Path) {
    let csv = dir.join("e0.csv");
    std::fs::write(&csv, CSV).unwrap();
    succeed(bin().env("DATABASE_URL", url).arg("import").arg(&csv));
    // The import is recorded beside the scheduled jobs (the admin page lists it).
    let store = fp_storage::Store::open(&fp_storage::DbConfig::new(url))
        .await
        .unwrap();
    let runs = store.job_runs("import", 5).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status, "ok");
    assert!(
        runs[0].slot.starts_with("command line "),
        "{}",
        runs[0].slot
    );
    assert!(
        runs[0]
            .message
            .as_deref()
            .unwrap_or("")
            .contains("4 inserted")
    );
    store.close().await;
    // One address sends all the load: lift the per-client limits.
    let lifted = "1000000/second";
    let server = Server::start(
        &["--rate-limit-anon", lifted, "--rate-limit-api", lifted],
        url,
    );
    let load = Load::start(&server.base);
    let started = std::time::Instant::now();
    while load.so_far().len() < 200 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "predictions are not acknowledged"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let before = load.so_far();
    let file = dir.join("under-load.backup");
    let out = succeed(
        bin()
            .env("DATABASE_URL", url)
            .args(["backup", "--output"])
            .arg(&file),
    );
    assert!(out.contains("backed up"), "{out}");
    let during = load.so_far().len();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let all = load.stop();
    assert!(all.len() > during, "the load went on during the backup");
    drop(server);

    // Restoring over the live database is refused.
    let refused = bin()
        .env("DATABASE_URL", url)
        .arg("restore")
        .arg(&file)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));

    let out = succeed(bin().env("DATABASE_URL", target).arg("restore").arg(&file));
    assert!(out.contains("restored"), "{out}");
    let store = fp_storage::Store::open(&fp_storage::DbConfig::new(target))
        .await
        .unwrap();
    for (session, id) in &before {
        let owner = fp_storage::Owner::Session(session.clone());
        assert!(
            store.prediction(*id, &owner).await.unwrap().is_some(),
            "prediction {id}, acknowledged before the backup, is in it"
        );
    }
    let restored = store.count_predictions().await.unwrap();
    assert!(restored as usize >= before.len() && restored as usize <= all.len());
    store.close().await;
}

#[tokio::test]
async fn a_backup_under_load_on_sqlite_restores_every_acknowledged_prediction() {
    let dir = tempfile::tempdir().unwrap();
    let target = format!("sqlite://{}", dir.path().join("restored.db").display());
    backup_under_load(&sqlite_url(dir.path()), &target, dir.path()).await;
}

#[tokio::test]
async fn a_backup_under_load_on_postgres_restores_every_acknowledged_prediction() {
    if !pg_tools() {
        assert!(std::env::var("CI").is_err(), "pg_dump missing on CI");
        eprintln!("skipped: pg_dump is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (url, name) = fp_storage::testing::TestDb::create_postgres_database().await;
    let (target, target_name) = fp_storage::testing::TestDb::create_postgres_database().await;
    backup_under_load(&url, &target, dir.path()).await;
    fp_storage::testing::drop_postgres_database(&name).await;
    fp_storage::testing::drop_postgres_database(&target_name).await;
}

#[test]
fn create_admin_makes_staff_and_stats_report_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let missing = bin()
        .env("DATABASE_URL", &url)
        .args(["create-admin", "olga"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no account named \"olga\""));

    let with_password = |password: &str| {
        let mut child = bin()
            .env("DATABASE_URL", &url)
            .args(["create-admin", "olga", "--password-stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = with_password("password1");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too easy to guess"));
    let made = with_password("amber quokka tunnel 7");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(String::from_utf8_lossy(&made.stdout).contains("olga is staff"));

    let json = succeed(bin().env("DATABASE_URL", &url).args(["stats", "--json"]));
    let stats: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = |table: &str| {
        stats["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == table)
            .unwrap()["rows"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(rows("users"), 1);
    assert_eq!(rows("predictions"), 0);
    assert_eq!(stats["backend"], "sqlite");
    assert!(stats["size"]["total_bytes"].as_i64().unwrap() > 0);
    let text = succeed(bin().env("DATABASE_URL", &url).arg("stats"));
    assert!(text.contains("predictions: 0 active, 0 archived"), "{text}");

    let revoked =
        succeed(
            bin()
                .env("DATABASE_URL", &url)
                .args(["create-admin", "olga", "--revoke"]),
        );
    assert!(revoked.contains("no longer staff"));
}

#[test]
fn log_file_receives_the_log_by_day() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("logs").join("fp.log");
    let url = sqlite_url(dir.path());
    // The stats job logs each run (at info).
    let _server = Server::start(
        &[
            "--log-file",
            log.to_str().unwrap(),
            "--log",
            "info",
            "--stats-cron",
            "* * * * * *",
        ],
        &url,
    );
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let file = log.with_file_name(format!("fp.log.{today}"));
    let mut text = String::new();
    for _ in 0..50 {
        text = std::fs::read_to_string(&file).unwrap_or_default();
        if !text.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(text.contains("job=\"stats\""), "{}: {text}", file.display());
    assert!(!text.contains('\u{1b}'), "no colour codes in a file");
}

#[tokio::test]
async fn scheduled_backups_rotate_and_each_is_a_checked_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let backups = dir.path().join("backups");
    let _server = Server::start(
        &[
            "--backup-cron",
            "* * * * * *",
            "--backup-dir",
            backups.to_str().unwrap(),
            "--backup-keep",
            "2",
        ],
        &url,
    );
    let store = fp_storage::Store::open(&fp_storage::DbConfig::new(url.as_str()))
        .await
        .unwrap();
    let mut runs = Vec::new();
    for _ in 0..100 {
        runs = store.job_runs("backup", 10).await.unwrap();
        if runs.iter().filter(|r| r.status == "ok").count() >= 4 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        runs.iter().filter(|r| r.status == "ok").count() >= 4,
        "{runs:?}"
    );
    assert!(runs.iter().all(|r| r.status != "failed"), "{runs:?}");
    let kept: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
    for file in &kept {
        fp_storage::check_sqlite_file(file).unwrap();
    }
    store.close().await;
}

#[tokio::test]
async fn serve_sends_the_outbox_to_the_smtp_server() {
    let smtp = fp_mail::testing::SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let _server = Server::start(
        &[
            "--smtp-url",
            &smtp.url(),
            "--mail-from",
            "Football Predictor <fp@example.org>",
            "--mail-poll-seconds",
            "1",
        ],
        &url,
    );
    let store = fp_storage::Store::open(&fp_storage::DbConfig::new(url.as_str()))
        .await
        .unwrap();
    for i in 0..3 {
        store
            .enqueue_mail(&fp_storage::NewMail {
                kind: "test".into(),
                recipient: format!("reader{i}@example.org"),
                subject: format!("Hello {i}"),
                text_body: "Plain.".into(),
                html_body: "<p>HTML.</p>".into(),
            })
            .await
            .unwrap();
    }
    for _ in 0..100 {
        if store.outbox_backlog().await.unwrap().sent == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(store.outbox_backlog().await.unwrap().sent, 3);
    let got = smtp.messages();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(
            |m| m.contains("From: \"Football Predictor\" <fp@example.org>")
                || m.contains("From: Football Predictor <fp@example.org>")
        ),
        "{got:?}"
    );
    store.close().await;
}
