//! The cache: moka in process, then Redis (shared by every instance) when configured, then
//! the loader. Keys carry a generation number; an import or a refit bumps it, so every older
//! entry is simply never asked for again (no KEYS/SCAN) and expires by its time to live.
//! Concurrent misses of one key in one process run the loader once (moka merges them).

use crate::link::RedisLink;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What is cached; each kind has its own time to live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A team's record, form and ratings.
    Team,
    /// Head-to-head of two teams.
    HeadToHead,
    /// The forecast of a fixture under one model version.
    Forecast,
    /// League lists and tables: valid until the data changes (the generation moves).
    League,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Team, Kind::HeadToHead, Kind::Forecast, Kind::League];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::HeadToHead => "h2h",
            Kind::Forecast => "forecast",
            Kind::League => "league",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Time to live of each kind.
#[derive(Debug, Clone, Copy)]
pub struct Ttls {
    pub team: Duration,
    pub head_to_head: Duration,
    pub forecast: Duration,
    pub league: Duration,
}

impl Default for Ttls {
    fn default() -> Self {
        Ttls {
            team: Duration::from_secs(300),
            head_to_head: Duration::from_secs(600),
            forecast: Duration::from_secs(300),
            // "Until the data changes": the generation in the key ends it; a day bounds memory.
            league: Duration::from_secs(86_400),
        }
    }
}

impl Ttls {
    pub fn of(&self, kind: Kind) -> Duration {
        match kind {
            Kind::Team => self.team,
            Kind::HeadToHead => self.head_to_head,
            Kind::Forecast => self.forecast,
            Kind::League => self.league,
        }
    }
}

type Value = Arc<dyn Any + Send + Sync>;

fn generation_key(prefix: &str) -> String {
    format!("{prefix}:generation")
}

/// Starts a new data generation in Redis for every instance using `prefix` (what
/// [`Cache::bump`] does, for a process that holds no cache, such as a command-line import).
/// `None` when Redis does not answer.
pub async fn bump_shared(redis: &RedisLink, prefix: &str) -> Option<u64> {
    let key = generation_key(prefix);
    redis
        .call("incr", |mut c| async move {
            redis::cmd("INCR").arg(&key).query_async(&mut c).await
        })
        .await
}

pub struct Cache {
    memory: Vec<moka::future::Cache<String, Value>>,
    redis: Option<Arc<RedisLink>>,
    prefix: String,
    generation: AtomicU64,
    ttls: Ttls,
}

impl Cache {
    /// `prefix` starts every Redis key (one per deployment, or per test).
    pub fn new(redis: Option<Arc<RedisLink>>, prefix: &str, ttls: Ttls, capacity: u64) -> Cache {
        let memory = Kind::ALL
            .iter()
            .map(|&k| {
                moka::future::Cache::builder()
                    .max_capacity(capacity)
                    .time_to_live(ttls.of(k))
                    .build()
            })
            .collect();
        Cache {
            memory,
            redis,
            prefix: prefix.to_string(),
            generation: AtomicU64::new(0),
            ttls,
        }
    }

    pub fn redis(&self) -> Option<&Arc<RedisLink>> {
        self.redis.as_ref()
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn generation_key(&self) -> String {
        generation_key(&self.prefix)
    }

    fn full_key(&self, kind: Kind, key: &str) -> String {
        format!(
            "{}:g{}:{}:{key}",
            self.prefix,
            self.generation(),
            kind.name()
        )
    }

    fn set_generation(&self, g: u64) -> bool {
        let old = self.generation.swap(g, Ordering::AcqRel);
        if old != g {
            for m in &self.memory {
                m.invalidate_all();
            }
        }
        old != g
    }

    /// The data changed (import, refit): start a new generation, for every instance sharing
    /// Redis. Without Redis (or while it is down) only this process moves on. Returns the new
    /// generation and whether Redis took it (so that the other instances see it).
    pub async fn bump(&self) -> (u64, bool) {
        let shared = match &self.redis {
            Some(r) => bump_shared(r, &self.prefix).await,
            None => None,
        };
        let next = shared.unwrap_or_else(|| self.generation() + 1);
        self.set_generation(next);
        (next, shared.is_some())
    }

    /// Reads the shared generation; true when another instance moved it (the caller then
    /// reloads what it holds from the database).
    pub async fn sync_generation(&self) -> bool {
        let Some(r) = &self.redis else { return false };
        let key = self.generation_key();
        let shared: Option<Option<u64>> = r
            .call("get", |mut c| async move {
                redis::cmd("GET").arg(&key).query_async(&mut c).await
            })
            .await;
        match shared {
            Some(g) => self.set_generation(g.unwrap_or(0)),
            None => false,
        }
    }

    /// The cached value, or `load()`'s, stored in both tiers.
    pub async fn get_or_load<T, F>(&self, kind: Kind, key: &str, load: F) -> Arc<T>
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
        F: Fn() -> T,
    {
        let full = self.full_key(kind, key);
        let memory = &self.memory[kind.index()];
        let mut tier = "memory";
        let entry = memory
            .entry_by_ref(&full)
            .or_insert_with(async {
                if let Some(v) = self.read_redis::<T>(&full).await {
                    tier = "redis";
                    return Arc::new(v) as Value;
                }
                tier = "loaded";
                let v = load();
                self.write_redis(kind, &full, &v);
                Arc::new(v) as Value
            })
            .await;
        let outcome = if entry.is_fresh() { tier } else { "memory" };
        metrics::counter!("cache_requests_total", "kind" => kind.name(), "tier" => outcome)
            .increment(1);
        match entry.into_value().downcast::<T>() {
            Ok(v) => v,
            // Two types under one key would be a bug; still answer correctly.
            Err(_) => Arc::new(load()),
        }
    }

    async fn read_redis<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let r = self.redis.as_ref()?;
        let bytes: Option<Vec<u8>> = r
            .call("get", |mut c| async move {
                redis::cmd("GET").arg(key).query_async(&mut c).await
            })
            .await?;
        serde_json::from_slice(&bytes?).ok()
    }

    /// Stores in Redis in the background: the answer does not wait for it.
    fn write_redis<T: Serialize>(&self, kind: Kind, key: &str, v: &T) {
        let (Some(r), Ok(bytes)) = (self.redis.clone(), serde_json::to_vec(v)) else {
            return;
        };
        let (key, ttl) = (key.to_string(), self.ttls.of(kind).as_secs().max(1));
        tokio::spawn(async move {
            let _: Option<()> = r
                .call("set", |mut c| async move {
                    redis::cmd("SET")
                        .arg(&key)
                        .arg(bytes)
                        .arg("EX")
                        .arg(ttl)
                        .query_async(&mut c)
                        .await
                })
                .await;
        });
    }
}
