use crate::assets::Assets;
use crate::session::Session;
use crate::writer::PredictionWriter;
use fp_engine::Catalog;
use fp_storage::Store;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Mark the session cookie `Secure` (serve over HTTPS). Also set per request when a proxy
    /// says `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    pub session_days: i64,
    pub rate_limits: crate::ratelimit::RateLimitConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            secure_cookies: false,
            session_days: 30,
            rate_limits: crate::ratelimit::RateLimitConfig::default(),
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
    writer: PredictionWriter,
    limiters: crate::ratelimit::Limiters,
    config: AppConfig,
}

impl AppState {
    /// Loads the catalog (leagues, teams, results, models) and starts the prediction writer.
    pub async fn new(store: Store, config: AppConfig) -> Result<AppState, fp_engine::EngineError> {
        let catalog = Catalog::load(&store).await?;
        Ok(AppState {
            inner: Arc::new(Inner {
                writer: PredictionWriter::start(store.clone()),
                store,
                catalog: RwLock::new(Arc::new(catalog)),
                sessions: moka::future::Cache::builder()
                    .max_capacity(100_000)
                    .time_to_idle(Duration::from_secs(600))
                    .build(),
                limiters: crate::ratelimit::Limiters::new(config.rate_limits.clone()),
                config,
            }),
        })
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

    /// Reloads leagues, results and models (after an import or a refit).
    pub async fn reload(&self) -> Result<(), fp_engine::EngineError> {
        let fresh = Arc::new(Catalog::load(&self.inner.store).await?);
        match self.inner.catalog.write() {
            Ok(mut c) => *c = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    pub(crate) fn sessions(&self) -> &moka::future::Cache<String, Session> {
        &self.inner.sessions
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
