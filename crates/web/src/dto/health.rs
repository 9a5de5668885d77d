use serde::Serialize;
use utoipa::ToSchema;

/// `ok`, or `degraded`: the database answers but the configured Redis does not (served from
/// the database, limits counted in process).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

/// The service answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    pub status: HealthStatus,
    /// Always `ok` here (a database that does not answer is a 503).
    pub database: String,
    /// `in use`, `down (reading from the primary)`, or null when no replica is configured.
    pub read_replica: Option<String>,
    /// How far the replica's replay is behind the primary, in seconds (measured every two
    /// seconds); null without a replica in use. A visitor's own data is always read from the
    /// primary, so it never lags.
    pub replica_lag_seconds: Option<f64>,
    /// `ok`, or why Redis is not used.
    pub cache: String,
    /// `in-process`, or `redis + in-process`.
    pub cache_tiers: String,
    pub cache_generation: u64,
    pub leagues: usize,
    pub models: usize,
}

/// The database does not answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unhealthy {
    /// Always `unhealthy`.
    pub status: String,
    /// Why the database is not usable.
    pub database: String,
    pub cache: String,
    pub cache_tiers: String,
}
