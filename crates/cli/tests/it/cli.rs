//! The binary as a user runs it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

pub(crate) fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_football-predictor"));
    c.env_remove("DATABASE_URL")
        .env_remove("DATABASE_READ_URL")
        .env_remove("REDIS_URL")
        .env_remove("CACHE_PREFIX")
        .env("RUST_LOG", "warn");
    c
}

/// Runs a command that must succeed; returns what it printed.
pub(crate) fn succeed(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("fp.db").display())
}

async fn count_matches(url: &str) -> i64 {
    let store = fp_storage::Store::open(&fp_storage::DbConfig::new(url))
        .await
        .unwrap();
    let n = store.count_matches().await.unwrap();
    store.close().await;
    n
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        "serve",
        "import",
        "sync",
        "migrate",
        "refit",
        "backtest",
        "cleanup-predictions",
        "generate-load",
        "stats",
        "backup",
        "restore",
        "create-admin",
        "upkeep",
        "report",
    ] {
        let out = bin().args([sub, "--help"]).output().unwrap();
        assert!(out.status.success(), "{sub}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("DATABASE_URL"), "{sub}: {text}");
    }
}

#[tokio::test]
async fn import_rejects_a_broken_file_naming_file_and_line_and_stores_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,10/08/2024,A,B,1,0,H\n",
    )
    .unwrap();
    let broken = dir.path().join("broken.csv");
    std::fs::write(
        &broken,
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,11/08/2024,C,D,1,0,H\nE0,12/08/2024,E,F,two,0,H\n",
    )
    .unwrap();
    let url = sqlite_url(dir.path());
    let out = bin()
        .env("DATABASE_URL", &url)
        .arg("import")
        .arg(&good)
        .arg(&broken)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.csv:3: FTHG \"two\" is not a number"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 file(s) imported, 1 rejected"),
        "{stdout}"
    );
    assert_eq!(count_matches(&url).await, 1);
}

#[tokio::test]
async fn import_of_a_missing_path_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .env("DATABASE_URL", sqlite_url(dir.path()))
        .args(["import", "/no/such/file.csv"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.csv"));
}

#[tokio::test]
async fn imports_the_shared_data_twice_to_the_same_count() {
    let Some(data) = fp_testdata::football_data_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    for expected in [
        "21794 inserted, 0 updated, 0 unchanged",
        "0 inserted, 0 updated, 21794 unchanged",
    ] {
        let out = bin()
            .env("DATABASE_URL", &url)
            .arg("import")
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected));
        assert_eq!(count_matches(&url).await, 21_794);
    }
}

/// A running `serve` on a free port, with everything it writes to stderr collected.
pub(crate) struct Server {
    child: std::process::Child,
    pub(crate) base: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    pub(crate) fn start(args: &[&str], url: &str) -> Server {
        let mut child = bin()
            .env("DATABASE_URL", url)
            .env("BIND", "127.0.0.1:0")
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut pipe = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            let mut line = String::new();
            while pipe.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let base = loop {
            line.clear();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "server exited");
            if let Some(base) = line.trim().strip_prefix("listening on ") {
                break base.to_string();
            }
        };
        Server {
            child,
            base,
            stderr,
        }
    }

    /// Waits (up to 5 s) until stderr contains `text`.
    fn stderr_contains(&self, text: &str) -> bool {
        for _ in 0..50 {
            if self.stderr.lock().unwrap().contains(text) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn get(base: &str, path: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    body
}

#[test]
fn serve_on_an_empty_database_says_how_to_get_data() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&[], &sqlite_url(dir.path()));
    assert!(server.stderr_contains("football-predictor import PATH"));
    assert!(server.stderr_contains("football-predictor sync"));
    let page = get(&server.base, "/");
    assert!(page.contains("holds no matches"), "{page}");
}

#[test]
fn serve_with_import_loads_data_before_serving() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.csv");
    std::fs::write(
        &file,
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nSP1,10/08/2024,A,B,1,0,H\n",
    )
    .unwrap();
    let server = Server::start(
        &["--import", file.to_str().unwrap()],
        &sqlite_url(dir.path()),
    );
    let page = get(&server.base, "/");
    assert!(page.contains("Spain La Liga</a> (SP1)"), "{page}");
    let health = get(&server.base, "/health");
    assert!(health.contains("\"database\":\"ok\""), "{health}");
}

#[test]
fn an_import_by_the_cli_reaches_a_running_server_through_redis() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let file = |name: &str, row: &str| {
        let f = dir.path().join(name);
        std::fs::write(
            &f,
            format!("Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n{row}\n"),
        )
        .unwrap();
        f
    };
    let first = file("sp1.csv", "SP1,10/08/2024,A,B,1,0,H");
    let redis = std::env::var("TEST_REDIS_URL").unwrap_or("redis://127.0.0.1:6379".into());
    let prefix = format!("fp_test:{}:cli_generation", std::process::id());
    let shared = ["--redis-url", &redis, "--cache-prefix", &prefix];
    let mut args = vec!["--import", first.to_str().unwrap()];
    args.extend(shared);
    let server = Server::start(&args, &url);
    let health = get(&server.base, "/health");
    assert!(health.contains("\"cache\":\"ok\""), "{health}");
    assert!(!get(&server.base, "/api/leagues").contains("I1"));
    let second = file("i1.csv", "I1,11/08/2024,C,D,2,2,D");
    let printed = succeed(
        bin()
            .env("DATABASE_URL", &url)
            .arg("import")
            .arg(&second)
            .args(shared),
    );
    assert!(
        printed.contains("told the servers sharing Redis to reload"),
        "{printed}"
    );
    let mut seen = false;
    for _ in 0..100 {
        if get(&server.base, "/api/leagues").contains("\"code\":\"I1\"") {
            seen = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(seen, "the running server never loaded the imported league");
}

#[tokio::test]
async fn cleanup_predictions_dry_run_changes_nothing_and_the_real_run_empties_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let file = dir.path().join("d.csv");
    std::fs::write(
        &file,
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,10/08/2024,A,B,1,0\n",
    )
    .unwrap();
    assert!(
        bin()
            .env("DATABASE_URL", &url)
            .args(["import", "--no-refit"])
            .arg(&file)
            .status()
            .unwrap()
            .success()
    );
    let generated = bin()
        .env("DATABASE_URL", &url)
        .args([
            "generate-load",
            "--predictions",
            "30",
            "--visitor-predictions",
            "10",
        ])
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let run = |extra: &[&str]| {
        succeed(
            bin()
                .env("DATABASE_URL", &url)
                .args(["cleanup-predictions", "--archive-days", "0"])
                .args(extra),
        )
    };
    let dry = run(&["--dry-run"]);
    assert!(dry.contains("before: 30 active, 0 archived"), "{dry}");
    assert!(dry.contains("would archive 30"), "{dry}");
    let real = run(&["--batch-size", "7"]);
    assert!(
        real.contains("archived 30, deleted 0 in 5 batches"),
        "{real}"
    );
    assert!(real.contains("after: 0 active, 30 archived"), "{real}");
    assert!(
        bin()
            .env("DATABASE_URL", &url)
            .args(["cleanup-predictions", "--batch-size", "0"])
            .status()
            .map(|s| !s.success())
            .unwrap()
    );
}

#[tokio::test]
async fn serve_runs_the_scheduled_cleanup_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let _server = Server::start(&["--cleanup-cron", "* * * * * *"], &url);
    let store = fp_storage::Store::open(&fp_storage::DbConfig::new(url.as_str()))
        .await
        .unwrap();
    let mut runs = Vec::new();
    for _ in 0..50 {
        runs = store.job_runs("cleanup-predictions", 10).await.unwrap();
        if runs.iter().any(|r| r.status == "ok") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let ok = runs
        .iter()
        .find(|r| r.status == "ok")
        .expect("a recorded cleanup run");
    assert_eq!(ok.message.as_deref(), Some("archived 0, deleted 0"));
    // One row per slot, never two.
    let mut slots: Vec<&str> = runs.iter().map(|r| r.slot.as_str()).collect();
    slots.dedup();
    assert_eq!(slots.len(), runs.len());
}

#[test]
fn secrets_in_url_settings_are_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "s3cret-pw";
    // Redis down: the outage is logged with the URL, and /health reports it.
    let redis = format!("redis://:{secret}@127.0.0.1:1/0");
    let server = Server::start(&["--redis-url", &redis], &sqlite_url(dir.path()));
    let mut health = String::new();
    for _ in 0..5 {
        health = get(&server.base, "/health");
    }
    assert!(health.contains("degraded"), "{health}");
    assert!(server.stderr_contains("Redis is unavailable"));
    assert!(server.stderr_contains("redis://:***@127.0.0.1:1/0"));
    let logs = server.stderr.lock().unwrap().clone();
    assert!(!logs.contains(secret), "{logs}");
    assert!(!health.contains(secret), "{health}");
    // A database that cannot be opened is named without its password, and --help does not
    // print the values of secret settings.
    let out = bin()
        .env(
            "DATABASE_URL",
            format!("postgres://u:{secret}@127.0.0.1:1/db"),
        )
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("postgres://u:***@127.0.0.1:1/db"), "{text}");
    assert!(!text.contains(secret), "{text}");
    let out = bin()
        .env("DATABASE_URL", format!("postgres://u:{secret}@h/db"))
        .env("REDIS_URL", &redis)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DATABASE_URL"), "{text}");
    assert!(!text.contains(secret), "{text}");
}

/// Two `import`s of the same file at once on PostgreSQL: one stores the matches and fits each
/// league once; the other finds them all unchanged and fits nothing.
#[tokio::test]
async fn two_concurrent_imports_on_postgres_fit_each_league_once() {
    let db = fp_storage::testing::TestDb::new(fp_storage::Backend::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let teams = ["Arsenal", "Chelsea", "Everton", "Fulham", "Leeds", "Spurs"];
    let mut text = String::from("Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,HST,AST\n");
    let mut day = chrono::NaiveDate::from_ymd_opt(2023, 8, 5).unwrap();
    for league in ["E0", "D1"] {
        for round in 0..4 {
            for (i, h) in teams.iter().enumerate() {
                for (j, a) in teams.iter().enumerate() {
                    if i != j {
                        let (hg, ag) = ((round + 2 * i + j) % 4, (round + i + 3 * j) % 3);
                        text.push_str(&format!(
                            "{league},{},{h},{a},{hg},{ag},{},{}\n",
                            day.format("%d/%m/%Y"),
                            hg + 2,
                            ag + 1
                        ));
                        day += chrono::Duration::days(2);
                    }
                }
            }
        }
    }
    let file = dir.path().join("both.csv");
    std::fs::write(&file, text).unwrap();
    let spawn = || {
        bin()
            .env("DATABASE_URL", &db.url)
            .arg("import")
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    let printed: Vec<String> = outputs
        .iter()
        .map(|o| {
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8_lossy(&o.stdout).into_owned()
        })
        .collect();
    // One import inserted the 240 matches, the other found them unchanged.
    assert_eq!(
        printed
            .iter()
            .filter(|p| p.contains("240 inserted"))
            .count(),
        1,
        "{printed:?}"
    );
    assert_eq!(
        printed
            .iter()
            .filter(|p| p.contains("240 unchanged"))
            .count(),
        1,
        "{printed:?}"
    );
    // Fitted once per league: the two leagues' model versions are the only ones.
    let mut ids: Vec<i64> = db
        .store
        .current_model_versions()
        .await
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [1, 2], "{printed:?}");
    db.cleanup().await;
}
