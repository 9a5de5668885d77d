//! Import and sync against real databases: small files the tests write, and the whole shared
//! football-data folder.

use fp_ingest::{SyncConfig, SyncTarget, collect_csv_files, import_files, sync};
use fp_storage::testing::TestDb;
use fp_storage::{Backend, ImportCounts};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn imports_a_folder_recursively_and_rejects_a_broken_file_whole() {
    let db = TestDb::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "E0/good.csv",
        "\u{feff}Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\r\nE0,10/08/2024,A,B,1,0,H\r\nE0,11/08/24,C,D,2.0,2.0,D\r\n,,,,,,\r\n",
    );
    write(
        dir.path(),
        "E0/deeper/broken.csv",
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,12/08/2024,A,C,1,1,D\nE0,13/08/2024,B,D,two,0,H\n",
    );
    write(dir.path(), "notes.txt", "not a csv");

    let files = collect_csv_files(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(files.len(), 2);
    let mut seen = Vec::new();
    let report = import_files(&db.store, &files, |o| seen.push(o.file.clone())).await;
    assert_eq!(seen.len(), 2);
    assert!(!report.success());
    assert_eq!((report.files_ok, report.files_failed), (1, 1));
    assert_eq!(
        report.counts,
        ImportCounts {
            inserted: 2,
            updated: 0,
            unchanged: 0
        }
    );
    assert_eq!(report.errors.len(), 1);
    assert!(
        report.errors[0].ends_with("broken.csv:3: FTHG \"two\" is not a number"),
        "{}",
        report.errors[0]
    );
    // Nothing of the broken file was stored: its valid first row is absent too.
    assert_eq!(db.store.count_matches().await.unwrap(), 2);
    db.cleanup().await;
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let err = collect_csv_files(&[PathBuf::from("/no/such/folder")]).unwrap_err();
    assert!(err.to_string().starts_with("/no/such/folder:"), "{err}");
}

async fn import_shared_folder(backend: Backend) {
    let Some(dir) = fp_testdata::football_data_dir() else {
        return;
    };
    let db = TestDb::new(backend).await;
    let files = collect_csv_files(&[dir]).unwrap();
    assert_eq!(files.len(), 63);
    let report = import_files(&db.store, &files, |_| {}).await;
    assert!(report.success(), "{:?}", report.errors);
    assert_eq!(report.counts.inserted, 21_794);
    assert_eq!(db.store.count_matches().await.unwrap(), 21_794);

    let again = import_files(&db.store, &files, |_| {}).await;
    assert_eq!(
        again.counts,
        ImportCounts {
            inserted: 0,
            updated: 0,
            unchanged: 21_794
        }
    );
    assert_eq!(db.store.count_matches().await.unwrap(), 21_794);
    let leagues = db.store.leagues().await.unwrap();
    assert_eq!(
        leagues
            .iter()
            .map(|l| (l.code.as_str(), l.matches))
            .collect::<Vec<_>>(),
        [("D1", 6_255), ("E0", 7_769), ("SP1", 7_770)]
    );
    db.cleanup().await;
}

#[tokio::test]
async fn imports_the_whole_shared_folder_on_sqlite() {
    import_shared_folder(Backend::Sqlite).await;
}

#[tokio::test]
async fn imports_the_whole_shared_folder_on_postgres() {
    import_shared_folder(Backend::Postgres).await;
}

/// A minimal HTTP/1.1 file server on a free loopback port, serving `root` for the sync test,
/// and `fixtures` as `/fixtures.csv`.
fn serve_folder(root: PathBuf, fixtures: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                    break;
                }
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            // Map /mmz4281/2425/E0.csv onto the shared layout E0/2024-25.csv.
            let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            let body = match parts.as_slice() {
                ["mmz4281", yyzz, file] if yyzz.len() == 4 => {
                    let league = file.trim_end_matches(".csv");
                    let season = format!("20{}-{}", &yyzz[..2], &yyzz[2..]);
                    std::fs::read(root.join(league).join(format!("{season}.csv"))).ok()
                }
                ["fixtures.csv"] => Some(fixtures.clone().into_bytes()),
                _ => None,
            };
            let _ = match body {
                Some(b) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        b.len()
                    );
                    stream
                        .write_all(head.as_bytes())
                        .and_then(|_| stream.write_all(&b))
                }
                None => stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    format!("http://{addr}/mmz4281")
}

#[tokio::test]
async fn sync_downloads_and_imports_configured_league_seasons() {
    let Some(dir) = fp_testdata::football_data_dir() else {
        return;
    };
    // The fixtures file: the last ten E0 rows of 2025-26 without their results, and a row of a
    // league that is not synced (left out).
    let season = std::fs::read_to_string(dir.join("E0").join("2025-26.partial.csv")).unwrap();
    let split = fp_testdata::split_season(&season, 10);
    let mut fixtures = split.fixtures.replace('\u{feff}', "");
    fixtures.push_str(
        &split
            .fixtures
            .lines()
            .last()
            .unwrap()
            .replacen("E0,", "I1,", 1),
    );
    fixtures.push('\n');
    let base_url = serve_folder(dir, fixtures);
    let db = TestDb::sqlite().await;
    let target = |league: &str, season: &str| SyncTarget {
        league: league.into(),
        season: season.into(),
    };
    let config = SyncConfig {
        base_url: base_url.clone(),
        targets: vec![
            target("E0", "2024-25"),
            target("D1", "2023-24"),
            target("I1", "2024-25"),
        ],
        fixtures_url: Some(base_url.replace("/mmz4281", "/fixtures.csv")),
        timeout: std::time::Duration::from_secs(10),
    };
    let report = sync(&db.store, &config, |_| {}).await;
    assert_eq!((report.files_ok, report.files_failed), (3, 1), "{report}");
    assert_eq!(report.counts.inserted, 380 + 306);
    assert_eq!(report.fixtures.inserted, 10, "the I1 row is not kept");
    assert!(db.store.league("I1").await.unwrap().is_none());
    let e0 = db.store.league("E0").await.unwrap().unwrap();
    let upcoming = db.store.upcoming_fixtures(e0.id).await.unwrap();
    assert_eq!(upcoming.len(), 10);
    assert!(upcoming.iter().all(|f| f.season == "2025-26"));
    assert!(
        upcoming
            .iter()
            .any(|f| f.price_sources().prices().is_some())
    );
    assert!(
        report.errors[0].contains("I1.csv: download failed"),
        "{:?}",
        report.errors
    );
    // Syncing again changes nothing.
    let again = sync(&db.store, &config, |_| {}).await;
    assert_eq!(again.counts.unchanged, 380 + 306);
    assert_eq!(again.fixtures.unchanged, 10);
    assert_eq!(db.store.count_matches().await.unwrap(), 686);
    db.cleanup().await;
}

#[test]
fn season_codes() {
    assert_eq!(fp_ingest::season_code("2024-25").unwrap(), "2425");
    assert_eq!(fp_ingest::season_code("1999-00").unwrap(), "9900");
    assert!(fp_ingest::season_code("2024-26").is_err());
    assert!(fp_ingest::season_code("24-25").is_err());
}
