//! A real browser (headless Chromium driven over WebDriver) against the real server with the
//! shared data imported: predict through the form, see the result, make two more, delete one
//! from the history with the checkboxes, register, log out, log in, and find the predictions
//! on the account.

use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn browser_available() -> bool {
    let found = std::path::Path::new("/usr/bin/chromedriver").exists()
        && std::path::Path::new("/usr/bin/chromium").exists();
    if !found {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "CI=true but chromium / chromium-driver are not installed"
        );
        eprintln!("skipping: chromium and chromium-driver are not installed");
    }
    found
}

async fn wait_for_url(c: &Client, pred: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let url = c.current_url().await.unwrap().to_string();
        if pred(&url) {
            return url;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out at {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(c: &Client) -> String {
    c.find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn predict(c: &Client, base: &str, league: &str, home: &str, away: &str) {
    c.goto(&format!("{base}/predict?league={league}"))
        .await
        .unwrap();
    c.find(Locator::Id("home0"))
        .await
        .unwrap()
        .select_by_value(home)
        .await
        .unwrap();
    c.find(Locator::Id("away0"))
        .await
        .unwrap()
        .select_by_value(away)
        .await
        .unwrap();
    c.find(Locator::Css("form.predict button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(c, |u| u.contains("/predictions/")).await;
    let page = text(c).await;
    assert!(page.contains(&format!("{home} v {away}")), "{page}");
    assert!(page.contains("Most likely score"));
    assert!(page.contains("Head to head"));
}

async fn login_form(c: &Client, base: &str, path: &str, user: &str, password: &str) {
    c.goto(&format!("{base}{path}")).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("form.auth button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(c, |u| u.ends_with("/history")).await;
}

/// `serve` on a free port over a new SQLite file, importing `data` first.
fn start_server(
    db: &std::path::Path,
    data: &std::path::Path,
    env: &[(&str, &str)],
) -> (Kill, String) {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_football-predictor"));
    cmd.env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut server = cmd
        .arg("serve")
        .arg("--import")
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let server = Kill(server);
    let mut line = String::new();
    while !line.starts_with("listening on") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "server exited");
    }
    let base = line.trim().trim_start_matches("listening on ").to_string();
    // Keep reading the server's output so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in out.lines() {});
    (server, base)
}

/// Headless Chromium through chromedriver on a free port.
async fn start_browser() -> (Kill, tempfile::TempDir, Client) {
    let driver_port = free_port();
    let driver = Kill(
        Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={driver_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--disable-quic", format!("--user-data-dir={}", profile.path().display())]
        }
    }))
    .unwrap();
    // Two TLS back ends are linked (ring for downloads, aws-lc through the WebDriver client):
    // name one. No TLS is used here; WebDriver runs over plain HTTP on loopback.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let start = Instant::now();
    let client = loop {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) => {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "chromedriver: {e}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    (driver, profile, client)
}

#[tokio::test]
async fn a_visitor_saves_a_fixture_prediction_and_sees_it_graded_in_a_real_browser() {
    let Some(data) = fp_testdata::football_data_dir() else {
        return;
    };
    if !browser_available() {
        return;
    }
    // Two seasons and the first part of 2025-26; its last ten matches as fixtures.
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("data");
    std::fs::create_dir_all(&files).unwrap();
    for season in ["2023-24", "2024-25"] {
        std::fs::copy(
            data.join("E0").join(format!("{season}.csv")),
            files.join(format!("E0-{season}.csv")),
        )
        .unwrap();
    }
    let partial = std::fs::read_to_string(data.join("E0").join("2025-26.partial.csv")).unwrap();
    let split = fp_testdata::split_season(&partial, 10);
    std::fs::write(files.join("E0-2025-26.csv"), &split.played).unwrap();
    std::fs::write(files.join("fixtures.csv"), &split.fixtures).unwrap();
    let results = dir.path().join("results.csv");
    std::fs::write(&results, &split.results).unwrap();
    let db = dir.path().join("m.db");
    let (server, base) = start_server(&db, &files, &[]);
    let (_driver, _profile, client) = start_browser().await;

    client.goto(&format!("{base}/leagues/E0")).await.unwrap();
    let page = text(&client).await;
    assert!(
        page.contains("Upcoming fixtures") && page.contains("Season odds 2025-26"),
        "{page}"
    );
    let (home, away) = &split.pairs[0];
    assert!(page.contains(&format!("{home} v {away}")), "{page}");
    client
        .find(Locator::Css(&format!(
            "button[aria-label=\"Save a prediction of {home} v {away}\"]"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = wait_for_url(&client, |u| u.contains("/predictions/")).await;
    assert!(!text(&client).await.contains("Graded."));

    // The results arrive through the CLI, another process; the server notices by itself.
    let status = Command::new(env!("CARGO_BIN_EXE_football-predictor"))
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .arg("import")
        .arg(&results)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    loop {
        client.goto(&url).await.unwrap();
        let page = text(&client).await;
        if page.contains("Graded.") {
            assert!(page.contains("Final score"), "{page}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "never graded: {page}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    client
        .goto(&format!("{base}/history?graded=yes"))
        .await
        .unwrap();
    let page = text(&client).await;
    assert!(
        page.contains(&format!("{home} v {away}")) && page.contains("RPS"),
        "{page}"
    );
    client.goto(&format!("{base}/track-record")).await.unwrap();
    assert!(text(&client).await.contains("1 graded"));
    client.close().await.unwrap();
    drop(server);
}

#[tokio::test]
async fn a_visitor_predicts_manages_history_and_registers_in_a_real_browser() {
    let Some(data) = fp_testdata::football_data_dir() else {
        return;
    };
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (server, base) = start_server(&dir.path().join("b.db"), &data, &[]);
    let (_driver, _profile, client) = start_browser().await;

    predict(&client, &base, "E0", "Arsenal", "Chelsea").await;
    predict(&client, &base, "SP1", "Barcelona", "Real Madrid").await;
    predict(&client, &base, "D1", "Bayern Munich", "Dortmund").await;

    client.goto(&format!("{base}/history")).await.unwrap();
    let page = text(&client).await;
    assert!(page.contains("Showing 1–3 of 3"), "{page}");
    // Tick the Barcelona row and delete it, confirming.
    let boxes = client
        .find_all(Locator::Css("#history-form input[name=ids]"))
        .await
        .unwrap();
    assert_eq!(boxes.len(), 3);
    client
        .find(Locator::Css(
            "input[aria-label='Select Barcelona v Real Madrid']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Id("delete-selected"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let confirm = client
        .wait()
        .for_element(Locator::Id("confirm-delete"))
        .await
        .unwrap();
    assert!(text(&client).await.contains("Delete 1 predictions?"));
    confirm.click().await.unwrap();
    wait_for_url(&client, |u| u.contains("deleted=1")).await;
    let page = text(&client).await;
    assert!(page.contains("Showing 1–2 of 2"), "{page}");
    assert!(!page.contains("Barcelona v Real Madrid"));

    login_form(
        &client,
        &base,
        "/register",
        "browser_user",
        "a long password",
    )
    .await;
    let page = text(&client).await;
    assert!(page.contains("Showing 1–2 of 2"), "{page}");
    assert!(client.source().await.unwrap().contains("browser_user"));

    client
        .find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(&client, |u| u.trim_end_matches('/') == base).await;
    client.goto(&format!("{base}/history")).await.unwrap();
    assert!(text(&client).await.contains("No predictions"));
    login_form(&client, &base, "/login", "browser_user", "a long password").await;
    let page = text(&client).await;
    assert!(
        page.contains("Arsenal v Chelsea") && page.contains("Bayern Munich v Dortmund"),
        "{page}"
    );
    client.close().await.unwrap();
    drop(server);
}
