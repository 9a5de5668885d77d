//! Password hashing that cannot sink the server. Argon2id costs about 19 MiB and tens of
//! milliseconds of a core per hash, so it runs on a bounded pool: `workers` jobs at a time
//! (about one per core) and a short queue behind them; a request that finds the queue full
//! is refused at once with 503 and `Retry-After` ([`Error::Busy`]) instead of waiting, so a
//! flood of logins costs a fixed amount of memory and leaves the other pages their cores.
//!
//! An unknown user name is verified against a dummy hash, so that a login takes the same
//! time whether the account exists or not.

use crate::error::Error;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// The bounded pool for Argon2 work.
pub struct Passwords {
    /// Jobs running or waiting (`workers + queue`).
    admitted: Arc<Semaphore>,
    /// Jobs running.
    running: Arc<Semaphore>,
    dummy: OnceLock<String>,
}

/// What a refusal tells the client to wait.
const RETRY_AFTER: Duration = Duration::from_secs(2);

impl Passwords {
    /// `workers` jobs at once (about one per core), `queue` more waiting.
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        Passwords {
            admitted: Arc::new(Semaphore::new(workers + queue)),
            running: Arc::new(Semaphore::new(workers)),
            dummy: OnceLock::new(),
        }
    }

    /// Runs one Argon2 job on the pool, or refuses at once when the queue is full.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let Ok(admitted) = self.admitted.clone().try_acquire_owned() else {
            metrics::counter!("password_jobs_refused_total").increment(1);
            return Err(Error::Busy {
                message: "too many logins at once; try again in a moment".into(),
                retry_after: RETRY_AFTER,
            });
        };
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(Error::internal)?;
        let out = tokio::task::spawn_blocking(move || {
            let out = job();
            drop(running);
            drop(admitted);
            out
        })
        .await
        .map_err(Error::internal)?;
        metrics::counter!("password_jobs_total").increment(1);
        Ok(out)
    }

    /// The Argon2id hash of a password (PHC string).
    pub async fn hash(&self, password: String) -> Result<String, Error> {
        self.run(move || hash_blocking(&password).map_err(Error::internal))
            .await?
    }

    /// Whether `password` matches the stored hash; with `None` (no such user), the same work
    /// against a dummy hash, and `false`.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Error> {
        let known = stored.is_some();
        let stored = match stored {
            Some(s) => s,
            None => self.dummy().await?,
        };
        let matches = self
            .run(move || {
                let Ok(parsed) = stored.parse::<PasswordHash>() else {
                    return false;
                };
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .await?;
        Ok(known && matches)
    }

    /// A hash of a random password, made once.
    async fn dummy(&self) -> Result<String, Error> {
        if let Some(d) = self.dummy.get() {
            return Ok(d.clone());
        }
        let secret = crate::services::sessions::new_id()?;
        let made = self.hash(secret).await?;
        Ok(self.dummy.get_or_init(|| made).clone())
    }
}

/// The Argon2id hash of a password (PHC string), on the calling thread (the command line's
/// `create-admin`; the server goes through [`Passwords::hash`]).
pub fn hash_blocking(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let p = Passwords::new(2, 16);
        let h = p.hash("correct horse".into()).await.unwrap();
        assert!(
            p.verify("correct horse".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!p.verify("wrong horse".into(), Some(h)).await.unwrap());
        assert!(
            !p.verify("x".into(), Some("not a hash".into()))
                .await
                .unwrap()
        );
        assert!(!p.verify("x".into(), None).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_at_once() {
        let p = Arc::new(Passwords::new(1, 1));
        let jobs: Vec<_> = (0..6)
            .map(|i| {
                let p = p.clone();
                tokio::spawn(async move { p.hash(format!("password {i}")).await })
            })
            .collect();
        let mut refused = 0;
        for j in jobs {
            match j.await.unwrap() {
                Ok(_) => {}
                Err(Error::Busy { retry_after, .. }) => {
                    assert!(retry_after >= Duration::from_secs(1));
                    refused += 1;
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert!(refused >= 1, "six jobs at once on a pool of two places");
        assert!(
            refused <= 4,
            "at least the running and the queued job finish"
        );
    }
}
