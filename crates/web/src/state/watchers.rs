//! The background tasks of the state: each holds a weak reference and ends when the server
//! state is dropped.

use super::Inner;
use crate::services::revocations::Revocations;
use fp_engine::Catalog;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Simulates every league's season of a newly loaded catalog on a blocking thread, so that no
/// visitor waits for it (a request that comes first waits for the same computation).
pub(super) fn warm_season_odds(catalog: Arc<Catalog>, season: &crate::config::SeasonConfig) {
    let season = season.clone();
    tokio::task::spawn_blocking(move || {
        for entry in &catalog.leagues {
            entry.season_outlook(season.rules(&entry.league.code));
        }
    });
}

/// How often the database gauges are set from the stats job's latest measurement.
const STATS_GAUGES_EVERY: Duration = Duration::from_secs(30);

/// The database gauges of `/metrics`, set from the latest measurement of the `stats` job (one
/// instance measures, every instance reports): one small read every 30 s, none per scrape.
pub(super) fn spawn_stats_gauges(inner: Weak<Inner>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(STATS_GAUGES_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(inner) = inner.upgrade() else { return };
            match inner.store.latest_stats_snapshot().await {
                Ok(Some(s)) => crate::services::gauges::set(&s),
                Ok(None) => {}
                Err(e) => tracing::debug!(error = %e, "cannot read the latest database figures"),
            }
        }
    });
}

/// Another process (the CLI, another instance) changed the data in the database: reload it.
/// One cheap read per poll, with or without Redis. Ends when the server state is dropped.
pub(super) fn spawn_data_watch(inner: Weak<Inner>, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tick.tick().await;
            let Some(inner) = inner.upgrade() else { return };
            let seen = inner
                .data_version
                .load(std::sync::atomic::Ordering::Relaxed);
            match inner.store.data_version().await {
                Ok(v) if v != seen => {
                    failing = false;
                    tracing::info!(
                        data_version = v,
                        "the data changed in the database: reloading leagues and models"
                    );
                    if let Err(e) = inner.reload_catalog().await {
                        tracing::error!(error = %e, "cannot reload leagues and models");
                    }
                }
                Ok(_) => failing = false,
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "cannot read the data version");
                }
                Err(_) => {}
            }
        }
    });
}

/// Reads what other instances revoked, every [`Revocations::POLL`]. Ends when the server
/// state is dropped.
pub(super) fn spawn_revocation_watch(inner: Weak<Inner>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Revocations::POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tick.tick().await;
            let Some(inner) = inner.upgrade() else { return };
            match inner.revocations.sync().await {
                Ok(_) if failing => {
                    failing = false;
                    tracing::info!("session revocations readable again: session cache back in use");
                }
                Ok(_) => {}
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "cannot read session revocations: sessions are read from the database until it answers");
                }
                Err(_) => {}
            }
        }
    });
}

/// With Redis: another instance announced a revocation; read the database now rather than at
/// the next poll (which still runs, and is all there is while Redis is down).
pub(super) fn spawn_revocation_signal_watch(inner: Weak<Inner>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Revocations::SIGNAL_POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = None;
        loop {
            tick.tick().await;
            let Some(inner) = inner.upgrade() else { return };
            let now = inner.revocations.signal_value().await;
            if now.is_some()
                && last.is_some()
                && now != last
                && let Err(e) = inner.revocations.sync().await
            {
                tracing::debug!(error = %e, "cannot read the revocations just announced");
            }
            if now.is_some() {
                last = now;
            }
        }
    });
}

/// Another instance (or `football-predictor import`) moved the shared generation: the data
/// changed, reload it. Ends when the server state is dropped.
pub(super) fn spawn_generation_watch(inner: Weak<Inner>, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(inner) = inner.upgrade() else { return };
            if inner.forecasts.cache().sync_generation().await {
                tracing::info!(
                    generation = inner.forecasts.cache().generation(),
                    "the data changed elsewhere: reloading leagues and models"
                );
                if let Err(e) = inner.reload_catalog().await {
                    tracing::error!(error = %e, "cannot reload leagues and models");
                }
            }
        }
    });
}
