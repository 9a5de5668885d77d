//! The application state: the resources (store, catalog, prediction writer, settings) and the
//! services built on them. Every handler gets it; it is cheap to clone.

use crate::config::AppConfig;
use crate::services::answers::Answers;
use crate::services::counts::PredictionCount;
use crate::services::forecasts::Forecasts;
use crate::services::history::Histories;
use crate::services::limits::Limiters;
use crate::services::lockouts::Lockouts;
use crate::services::matchday::ModelRecord;
use crate::services::passwords::Passwords;
use crate::services::revocations::Revocations;
use crate::services::sessions::{CACHE_TTL, Sessions};
use crate::services::tokens::Tokens;
use fp_cache::{Cache, RedisLink, SharedLimiter};
use fp_engine::Catalog;
use fp_storage::{PredictionWriter, Store};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot load the leagues and models: {0}")]
    Engine(#[from] fp_engine::EngineError),
    #[error(transparent)]
    Cache(#[from] fp_cache::CacheError),
    #[error("cannot start the prediction writer: {0}")]
    Writer(#[from] fp_storage::StorageError),
}

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    catalog: RwLock<Arc<Catalog>>,
    writer: PredictionWriter,
    forecasts: Forecasts,
    histories: Histories,
    answers: Answers,
    sessions: Sessions,
    tokens: Tokens,
    revocations: Arc<Revocations>,
    limits: Limiters,
    passwords: Passwords,
    lockouts: Lockouts,
    prediction_count: PredictionCount,
    model_record: ModelRecord,
    /// The jobs of this instance, set once by the binary after start-up.
    jobs: std::sync::OnceLock<fp_engine::scheduler::Jobs>,
    /// The database's data version the catalog was loaded at (see `spawn_data_watch`).
    data_version: std::sync::atomic::AtomicI64,
    config: AppConfig,
}

impl AppState {
    /// Loads the catalog (leagues, teams, results, models), starts the prediction writer and,
    /// with Redis, the watch on the shared data generation.
    pub async fn new(store: Store, config: AppConfig) -> Result<AppState, StartError> {
        // Read before the catalog: a change made while it loads is seen by the first poll.
        let data_version = store
            .data_version()
            .await
            .map_err(fp_engine::EngineError::from)?;
        let catalog = Catalog::load(&store).await?;
        let link = match config.cache.redis_url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => Some(Arc::new(RedisLink::new(url, config.cache.redis)?)),
            None => None,
        };
        let shared_limiter = link
            .clone()
            .map(|l| SharedLimiter::new(l, &config.cache.prefix));
        let shared_lockouts = link
            .clone()
            .map(|l| fp_cache::SharedLockouts::new(l, &config.cache.prefix));
        let revocation_signal = link
            .clone()
            .map(|l| fp_cache::Signal::new(l, &config.cache.prefix, "revocations"));
        let cache = Cache::new(
            link,
            &config.cache.prefix,
            config.cache.ttls,
            config.cache.capacity,
        );
        cache.sync_generation().await;
        let revocations = Arc::new(Revocations::with_signal(
            store.clone(),
            CACHE_TTL,
            revocation_signal,
        ));
        if let Err(e) = revocations.sync().await {
            tracing::warn!(error = %e, "cannot read the session revocations yet");
        }
        let state = AppState {
            inner: Arc::new(Inner {
                writer: PredictionWriter::start(&store)?,
                sessions: Sessions::new(
                    store.clone(),
                    revocations.clone(),
                    config.session_days,
                    config.first_visit,
                ),
                tokens: Tokens::new(store.clone(), revocations.clone(), CACHE_TTL),
                revocations,
                store,
                catalog: RwLock::new(Arc::new(catalog)),
                forecasts: Forecasts::new(cache),
                histories: Histories::default(),
                answers: Answers::default(),
                limits: Limiters::new(config.rate_limits.clone(), shared_limiter),
                passwords: Passwords::new(config.password_workers, config.password_queue),
                lockouts: Lockouts::with_redis(config.rate_limits.lockout_after, shared_lockouts),
                prediction_count: PredictionCount::default(),
                model_record: ModelRecord::default(),
                jobs: std::sync::OnceLock::new(),
                data_version: data_version.into(),
                config,
            }),
        };
        warm_season_odds(state.catalog(), &state.inner.config.season);
        spawn_revocation_watch(Arc::downgrade(&state.inner));
        if state.inner.revocations.has_signal() {
            spawn_revocation_signal_watch(Arc::downgrade(&state.inner));
        }
        spawn_stats_gauges(Arc::downgrade(&state.inner));
        spawn_data_watch(
            Arc::downgrade(&state.inner),
            state.inner.config.cache.generation_poll,
        );
        if state.inner.forecasts.cache().redis().is_some() {
            spawn_generation_watch(
                Arc::downgrade(&state.inner),
                state.inner.config.cache.generation_poll,
            );
        }
        Ok(state)
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        match self.inner.catalog.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reloads leagues, results and models after this process imported or refitted, and
    /// starts a new cache generation so that every instance sharing Redis reloads too.
    pub async fn reload(&self) -> Result<(), fp_engine::EngineError> {
        self.inner.reload_catalog().await?;
        self.inner.forecasts.cache().bump().await;
        Ok(())
    }

    /// Hands the server its jobs (for the admin page's "Run now"); only the first call counts.
    pub fn set_jobs(&self, jobs: fp_engine::scheduler::Jobs) {
        let _ = self.inner.jobs.set(jobs);
    }

    pub(crate) fn jobs(&self) -> Option<&fp_engine::scheduler::Jobs> {
        self.inner.jobs.get()
    }

    pub(crate) fn writer(&self) -> &PredictionWriter {
        &self.inner.writer
    }

    pub(crate) fn forecasts(&self) -> &Forecasts {
        &self.inner.forecasts
    }

    pub(crate) fn cache(&self) -> &Cache {
        self.inner.forecasts.cache()
    }

    pub(crate) fn histories(&self) -> &Histories {
        &self.inner.histories
    }

    pub(crate) fn answers(&self) -> &Answers {
        &self.inner.answers
    }

    pub(crate) fn sessions(&self) -> &Sessions {
        &self.inner.sessions
    }

    pub(crate) fn tokens(&self) -> &Tokens {
        &self.inner.tokens
    }

    pub(crate) fn limits(&self) -> &Limiters {
        &self.inner.limits
    }

    pub(crate) fn passwords(&self) -> &Passwords {
        &self.inner.passwords
    }

    pub(crate) fn lockouts(&self) -> &Lockouts {
        &self.inner.lockouts
    }

    pub(crate) fn prediction_count(&self) -> &PredictionCount {
        &self.inner.prediction_count
    }

    pub(crate) fn model_record(&self) -> &ModelRecord {
        &self.inner.model_record
    }

    pub(crate) fn config(&self) -> &AppConfig {
        &self.inner.config
    }
}

impl Inner {
    async fn reload_catalog(&self) -> Result<(), fp_engine::EngineError> {
        let version = self.store.data_version().await?;
        let fresh = Arc::new(Catalog::load(&self.store).await?);
        warm_season_odds(fresh.clone(), &self.config.season);
        match self.catalog.write() {
            Ok(mut c) => *c = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        self.data_version
            .fetch_max(version, std::sync::atomic::Ordering::Relaxed);
        self.histories.forget_all();
        Ok(())
    }
}

/// Simulates every league's season of a newly loaded catalog on a blocking thread, so that no
/// visitor waits for it (a request that comes first waits for the same computation).
fn warm_season_odds(catalog: Arc<Catalog>, season: &crate::config::SeasonConfig) {
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
fn spawn_stats_gauges(inner: Weak<Inner>) {
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
fn spawn_data_watch(inner: Weak<Inner>, every: Duration) {
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
fn spawn_revocation_watch(inner: Weak<Inner>) {
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
fn spawn_revocation_signal_watch(inner: Weak<Inner>) {
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
fn spawn_generation_watch(inner: Weak<Inner>, every: Duration) {
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
