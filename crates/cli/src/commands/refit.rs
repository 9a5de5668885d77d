use crate::config::{CacheArgs, DbArgs};
use crate::progress;
use clap::Args;
use fp_storage::Store;

#[derive(Debug, Args)]
pub struct RefitArgs {}

pub async fn run(db: &DbArgs, cache: &CacheArgs, _args: RefitArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    refit(&store).await?;
    cache.announce_new_data().await;
    Ok(())
}

/// Refits every league and prints one line per stored model version.
pub async fn refit(store: &Store) -> anyhow::Result<()> {
    let leagues = store.leagues().await?;
    if leagues.iter().all(|l| l.matches == 0) {
        anyhow::bail!("no matches to fit: import or sync data first");
    }
    let bar = progress::bar(leagues.len() as u64, "fitting");
    let outcomes = fp_engine::refit_all(store, |o| {
        bar.set_message(o.league.clone());
        bar.inc(1);
    })
    .await?;
    bar.finish_and_clear();
    for o in outcomes {
        println!(
            "{}: model version {} fitted on {} matches up to {} in {:.2}s; out-of-sample RPS over the last year {}",
            o.league,
            o.version_id,
            o.n_matches,
            o.data_to,
            o.fit_seconds,
            o.backtest_rps
                .map_or("n/a".to_string(), |r| format!("{r:.4}"))
        );
    }
    crate::commands::import::forecast_fixtures(store).await
}
