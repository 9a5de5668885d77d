//! Personal API tokens: `fp_` and 32 random bytes in hex, shown once; stored as a SHA-256
//! digest. A request with `Authorization: Bearer <token>` acts as the token's account. Valid
//! tokens are cached like sessions, and a revoked one is refused everywhere within
//! [`Revocations::BOUND`].

use crate::error::Error;
use crate::services::revocations::Revocations;
use fp_storage::{Revocation, Store, TokenOwner};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Every token starts so (and is recognisable in a leaked file).
pub const PREFIX: &str = "fp_";

/// How often a token's `last_used_at` is written, at most.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A new token: what the owner is shown once, and what is stored.
pub struct Minted {
    pub token: String,
    pub digest: String,
}

/// The stored form of a token.
pub fn digest(token: &str) -> String {
    crate::format::hex(&Sha256::digest(token.as_bytes()))
}

/// `N` random bytes, hex: the secret part of session ids, API tokens and mailed links.
pub fn random_hex<const N: usize>() -> Result<String, Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(format!("random source: {e}")))?;
    Ok(crate::format::hex(&bytes))
}

/// Whether a string can be a token at all (refused before any lookup otherwise).
pub fn well_formed(token: &str) -> bool {
    token
        .strip_prefix(PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The checked name of a new token.
pub fn name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::Unprocessable(
            "a token's name has 1 to 60 characters".into(),
        ));
    }
    Ok(name.to_string())
}

pub fn mint() -> Result<Minted, Error> {
    let token = format!("{PREFIX}{}", random_hex::<32>()?);
    Ok(Minted {
        digest: digest(&token),
        token,
    })
}

#[derive(Clone)]
struct Cached {
    owner: TokenOwner,
    at: Instant,
}

pub struct Tokens {
    store: Store,
    cache: moka::future::Cache<String, Cached>,
    touched: moka::sync::Cache<i64, ()>,
    revocations: Arc<Revocations>,
}

impl Tokens {
    pub fn new(store: Store, revocations: Arc<Revocations>, ttl: Duration) -> Self {
        Tokens {
            store,
            cache: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(ttl)
                .build(),
            touched: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(TOUCH_EVERY)
                .build(),
            revocations,
        }
    }

    /// Whom a bearer token acts as; `None` if it is unknown or revoked.
    pub async fn resolve(&self, token: &str) -> Result<Option<TokenOwner>, Error> {
        if !well_formed(token) {
            return Ok(None);
        }
        let key = digest(token);
        if self.revocations.trusted()
            && let Some(c) = self.cache.get(&key).await
            && !self.revocations.token_revoked(c.owner.token_id, c.at)
        {
            return Ok(Some(c.owner));
        }
        let at = Instant::now();
        let Some(owner) = self.store.token_owner(&key).await? else {
            self.cache.invalidate(&key).await;
            return Ok(None);
        };
        if self.touched.get(&owner.token_id).is_none() {
            self.touched.insert(owner.token_id, ());
            self.store
                .touch_token(owner.token_id, chrono::Utc::now())
                .await?;
        }
        self.cache
            .insert(
                key,
                Cached {
                    owner: owner.clone(),
                    at,
                },
            )
            .await;
        Ok(Some(owner))
    }

    /// Revokes one of the account's tokens on every instance; false if it has no such token.
    pub async fn revoke(&self, user_id: i64, token_id: i64) -> Result<bool, Error> {
        let done = self.store.revoke_token(user_id, token_id).await?;
        if done {
            self.revocations.apply(&Revocation {
                seq: 0,
                session_id: None,
                user_id: None,
                keep_session_id: None,
                token_id: Some(token_id),
                revoked_at: chrono::Utc::now(),
            });
            self.revocations.announce().await;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_by_digest() {
        let a = mint().unwrap();
        let b = mint().unwrap();
        assert_ne!(a.token, b.token);
        assert!(well_formed(&a.token));
        assert_eq!(a.digest, digest(&a.token));
        assert!(!a.digest.contains(&a.token[PREFIX.len()..]));
        for bad in ["", "fp_", "fp_xyz", &a.token[1..], &format!("{}0", a.token)] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
