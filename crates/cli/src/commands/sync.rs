use crate::commands::import::{finish, refit_if_changed};
use crate::config::DbArgs;
use crate::progress;
use clap::Args;
use fp_ingest::{SyncConfig, SyncTarget, season_code, sync};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(flatten)]
    pub settings: SyncSettings,
    /// Do not refit the models after a sync that changed data
    #[arg(long)]
    pub no_refit: bool,
}

/// What to download, shared with the scheduled sync in `serve`.
#[derive(Debug, Clone, Args)]
pub struct SyncSettings {
    /// Where the files are: {base}/{yyzz}/{DIV}.csv
    #[arg(
        long,
        env = "FOOTBALL_DATA_BASE_URL",
        default_value = "https://www.football-data.co.uk/mmz4281"
    )]
    pub base_url: String,
    /// League codes, comma-separated
    #[arg(
        long,
        env = "SYNC_LEAGUES",
        value_delimiter = ',',
        default_value = "E0,SP1,D1"
    )]
    pub leagues: Vec<String>,
    /// Seasons (e.g. 2024-25), comma-separated; default: the current season
    #[arg(long, env = "SYNC_SEASONS", value_delimiter = ',')]
    pub seasons: Vec<String>,
    /// The upcoming matches of every league in one file; empty to skip (only the fixtures of
    /// synced leagues are kept)
    #[arg(
        long,
        env = "FOOTBALL_DATA_FIXTURES_URL",
        default_value = "https://www.football-data.co.uk/fixtures.csv"
    )]
    pub fixtures_url: String,
    /// Seconds one download may take
    #[arg(long, env = "SYNC_TIMEOUT", default_value_t = 60)]
    pub timeout: u64,
}

impl SyncSettings {
    pub fn config(&self) -> anyhow::Result<SyncConfig> {
        let seasons = if self.seasons.is_empty() {
            vec![fp_csv::season_of(chrono::Utc::now().date_naive())]
        } else {
            self.seasons.clone()
        };
        for s in &seasons {
            season_code(s)?;
        }
        let mut targets = Vec::new();
        for season in &seasons {
            for league in &self.leagues {
                let league = league.trim();
                if league.is_empty() || !league.chars().all(|c| c.is_ascii_alphanumeric()) {
                    anyhow::bail!("league code \"{league}\" is not valid (e.g. E0, SP1, D1)");
                }
                targets.push(SyncTarget {
                    league: league.to_string(),
                    season: season.clone(),
                });
            }
        }
        Ok(SyncConfig {
            base_url: self.base_url.clone(),
            targets,
            fixtures_url: Some(self.fixtures_url.trim().to_string()).filter(|u| !u.is_empty()),
            timeout: Duration::from_secs(self.timeout),
        })
    }
}

pub async fn run(
    db: &DbArgs,
    cache: &crate::config::CacheArgs,
    args: SyncArgs,
) -> anyhow::Result<()> {
    let config = args.settings.config()?;
    let store = db.open().await?;
    let files = config.targets.len() + usize::from(config.fixtures_url.is_some());
    let run = crate::commands::RecordedRun::start(&store, "sync").await;
    let bar = progress::bar(files as u64, "syncing");
    let report = sync(&store, &config, |outcome| {
        if let Err(e) = &outcome.result {
            bar.suspend(|| eprintln!("failed: {e}"));
        }
        bar.inc(1);
    })
    .await;
    bar.finish_and_clear();
    println!("{report}");
    run.finish(report.success(), &report.to_string()).await;
    refit_if_changed(&store, &report, args.no_refit).await?;
    if report.changed_anything() {
        cache.announce_new_data().await;
    }
    finish(&report)
}
