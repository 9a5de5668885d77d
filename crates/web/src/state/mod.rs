//! The application state: the resources (store, catalog, prediction writer, settings) and the
//! services built on them. Every handler gets it; it is cheap to clone. The background tasks
//! that keep it current are in `watchers`.

mod watchers;

use watchers::{
    spawn_data_watch, spawn_generation_watch, spawn_revocation_signal_watch,
    spawn_revocation_watch, spawn_stats_gauges, warm_season_odds,
};

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
use std::sync::{Arc, RwLock};

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
    drain: crate::services::drain::Drain,
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
        let link = match &config.cache.redis_target {
            Some(target) => Some(Arc::new(RedisLink::to(target, config.cache.redis)?)),
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
                drain: crate::services::drain::Drain::default(),
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

    /// Whether this instance is draining before shutdown.
    pub fn drain(&self) -> &crate::services::drain::Drain {
        &self.inner.drain
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
