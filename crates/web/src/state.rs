use crate::assets::Assets;
use crate::session::Session;
use fp_cache::{Cache, LinkSettings, RedisLink, SharedLimiter, Ttls};
use fp_engine::Catalog;
use fp_storage::{PredictionWriter, Store};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

/// The cache: Redis (shared by the instances) when `redis_url` is set, always in process.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    pub redis_url: Option<String>,
    /// Starts every Redis key: one per deployment sharing a Redis.
    pub prefix: String,
    pub ttls: Ttls,
    pub redis: LinkSettings,
    /// Entries per kind in process.
    pub capacity: u64,
    /// How often to look whether another instance moved the data generation.
    pub generation_poll: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            redis_url: None,
            prefix: "fp".to_string(),
            ttls: Ttls::default(),
            redis: LinkSettings::default(),
            capacity: 50_000,
            generation_poll: Duration::from_secs(2),
        }
    }
}

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

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Mark the session cookie `Secure` (serve over HTTPS). Also set per request when a proxy
    /// says `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    pub session_days: i64,
    pub rate_limits: crate::ratelimit::RateLimitConfig,
    pub cache: CacheConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            secure_cookies: false,
            session_days: 30,
            rate_limits: crate::ratelimit::RateLimitConfig::default(),
            cache: CacheConfig::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    catalog: RwLock<Arc<Catalog>>,
    sessions: moka::future::Cache<String, Session>,
    histories: moka::future::Cache<crate::cached::HistoryKey, crate::cached::HistoryEntry>,
    history_html: moka::future::Cache<crate::pages::HistoryHtmlKey, crate::pages::HistoryHtml>,
    answers: moka::future::Cache<crate::answer::AnswerKey, Arc<crate::answer::Answer>>,
    prediction_count: moka::future::Cache<(), i64>,
    writer: PredictionWriter,
    limiters: crate::ratelimit::Limiters,
    cache: Cache,
    config: AppConfig,
}

impl AppState {
    /// Loads the catalog (leagues, teams, results, models), starts the prediction writer and,
    /// with Redis, the watch on the shared data generation.
    pub async fn new(store: Store, config: AppConfig) -> Result<AppState, StartError> {
        let catalog = Catalog::load(&store).await?;
        let link = match config.cache.redis_url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => Some(Arc::new(RedisLink::new(url, config.cache.redis)?)),
            None => None,
        };
        let shared_limiter = link
            .clone()
            .map(|l| SharedLimiter::new(l, &config.cache.prefix));
        let cache = Cache::new(
            link,
            &config.cache.prefix,
            config.cache.ttls,
            config.cache.capacity,
        );
        cache.sync_generation().await;
        let state = AppState {
            inner: Arc::new(Inner {
                writer: PredictionWriter::start(&store)?,
                store,
                catalog: RwLock::new(Arc::new(catalog)),
                sessions: moka::future::Cache::builder()
                    .max_capacity(100_000)
                    .time_to_idle(Duration::from_secs(600))
                    .build(),
                histories: moka::future::Cache::builder()
                    .weigher(|_, (_, page): &crate::cached::HistoryEntry| {
                        crate::cached::history_weight(page)
                    })
                    .max_capacity(crate::cached::HISTORY_BYTES)
                    .time_to_idle(Duration::from_secs(300))
                    .build(),
                history_html: moka::future::Cache::builder()
                    .weigher(|_, (_, html): &crate::pages::HistoryHtml| {
                        u32::try_from(html.len() + 128).unwrap_or(u32::MAX)
                    })
                    .max_capacity(crate::cached::HISTORY_BYTES)
                    .time_to_idle(Duration::from_secs(300))
                    .build(),
                answers: moka::future::Cache::builder()
                    .weigher(|_, a: &Arc<crate::answer::Answer>| a.weight())
                    .max_capacity(crate::answer::ANSWER_BYTES)
                    .build(),
                prediction_count: moka::future::Cache::builder()
                    .max_capacity(1)
                    .time_to_live(Duration::from_secs(10))
                    .build(),
                limiters: crate::ratelimit::Limiters::new(
                    config.rate_limits.clone(),
                    shared_limiter,
                ),
                cache,
                config,
            }),
        };
        if state.inner.cache.redis().is_some() {
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
        self.inner.cache.bump().await;
        Ok(())
    }

    pub(crate) fn cache(&self) -> &Cache {
        &self.inner.cache
    }

    pub(crate) fn sessions(&self) -> &moka::future::Cache<String, Session> {
        &self.inner.sessions
    }

    pub(crate) fn histories(
        &self,
    ) -> &moka::future::Cache<crate::cached::HistoryKey, crate::cached::HistoryEntry> {
        &self.inner.histories
    }

    pub(crate) fn history_html(
        &self,
    ) -> &moka::future::Cache<crate::pages::HistoryHtmlKey, crate::pages::HistoryHtml> {
        &self.inner.history_html
    }

    pub(crate) fn answers(
        &self,
    ) -> &moka::future::Cache<crate::answer::AnswerKey, Arc<crate::answer::Answer>> {
        &self.inner.answers
    }

    pub(crate) fn prediction_count(&self) -> &moka::future::Cache<(), i64> {
        &self.inner.prediction_count
    }

    pub(crate) fn writer(&self) -> &PredictionWriter {
        &self.inner.writer
    }

    pub(crate) fn assets(&self) -> &'static Assets {
        Assets::shared()
    }

    pub(crate) fn limiters(&self) -> &crate::ratelimit::Limiters {
        &self.inner.limiters
    }

    pub(crate) fn config(&self) -> &AppConfig {
        &self.inner.config
    }
}

impl Inner {
    async fn reload_catalog(&self) -> Result<(), fp_engine::EngineError> {
        let fresh = Arc::new(Catalog::load(&self.store).await?);
        match self.catalog.write() {
            Ok(mut c) => *c = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
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
            if inner.cache.sync_generation().await {
                tracing::info!(
                    generation = inner.cache.generation(),
                    "the data changed elsewhere: reloading leagues and models"
                );
                if let Err(e) = inner.reload_catalog().await {
                    tracing::error!(error = %e, "cannot reload leagues and models");
                }
            }
        }
    });
}
