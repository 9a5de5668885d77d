//! `sync`: download league-seasons from football-data.co.uk (or a mirror) and import them.

use crate::IngestError;
use crate::import::{FileOutcome, ImportReport, import_bytes};
use fp_storage::Store;
use std::time::{Duration, Instant};

/// One file to fetch: league code and season (`2024-25`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncTarget {
    pub league: String,
    pub season: String,
}

#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// e.g. `https://www.football-data.co.uk/mmz4281`; files are at `{base}/{yyzz}/{DIV}.csv`.
    pub base_url: String,
    pub targets: Vec<SyncTarget>,
    /// The upcoming matches of every league in one file (football-data.co.uk's
    /// `https://www.football-data.co.uk/fixtures.csv`), fetched after the seasons; `None` to
    /// skip. Only the fixtures of leagues with results are kept.
    pub fixtures_url: Option<String>,
    pub timeout: Duration,
}

/// `2024-25` → `2425`.
pub fn season_code(season: &str) -> Result<String, IngestError> {
    let bad = || IngestError::Invalid(format!("season \"{season}\" is not of the form 2024-25"));
    let (a, b) = season.split_once('-').ok_or_else(bad)?;
    let start: u32 = a.parse().map_err(|_| bad())?;
    let end: u32 = b.parse().map_err(|_| bad())?;
    if a.len() != 4 || b.len() != 2 || (start + 1) % 100 != end {
        return Err(bad());
    }
    Ok(format!("{:02}{:02}", start % 100, end))
}

fn download(url: &str, timeout: Duration) -> Result<Vec<u8>, IngestError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .user_agent(concat!("football-predictor/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let fail = |message: String| IngestError::Download {
        url: url.to_string(),
        message,
    };
    let mut response = agent.get(url).call().map_err(|e| fail(e.to_string()))?;
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| fail(e.to_string()))
}

/// Downloads and imports every target; a failed download or a rejected file does not stop
/// the others.
pub async fn sync(
    store: &Store,
    config: &SyncConfig,
    mut progress: impl FnMut(&FileOutcome),
) -> ImportReport {
    let started = Instant::now();
    let mut report = ImportReport::default();
    for target in &config.targets {
        let result = async {
            let code = season_code(&target.season)?;
            let url = format!(
                "{}/{code}/{}.csv",
                config.base_url.trim_end_matches('/'),
                target.league
            );
            let timeout = config.timeout;
            let fetch_url = url.clone();
            let bytes = tokio::task::spawn_blocking(move || download(&fetch_url, timeout))
                .await
                .map_err(|e| IngestError::Invalid(format!("download task failed: {e}")))??;
            Ok::<_, IngestError>((url, bytes))
        }
        .await;
        let (file, result) = match result {
            Ok((url, bytes)) => {
                let r = import_bytes(store, &bytes, &url).await;
                (url, r)
            }
            Err(e) => (format!("{} {}", target.league, target.season), Err(e)),
        };
        let outcome = FileOutcome { file, result };
        report.add(&outcome);
        progress(&outcome);
    }
    if let Some(url) = &config.fixtures_url {
        let (timeout, fetch_url) = (config.timeout, url.clone());
        let result = match tokio::task::spawn_blocking(move || download(&fetch_url, timeout)).await
        {
            Ok(Ok(bytes)) => import_bytes(store, &bytes, url).await,
            Ok(Err(e)) => Err(e),
            Err(e) => Err(IngestError::Invalid(format!("download task failed: {e}"))),
        };
        let outcome = FileOutcome {
            file: url.clone(),
            result,
        };
        report.add(&outcome);
        progress(&outcome);
    }
    report.elapsed = started.elapsed();
    report
}
