//! History pages, cached per owner and reused while the owner's fingerprint (count, largest
//! and summed ids, newest time of their active predictions, read from the owner's index on the
//! primary) is unchanged: exact on every instance, since any insert, delete, archive or move
//! changes it. Two caches: the pages as read, and the plain history page as rendered.

use axum::body::Bytes;
use fp_model::Outcome;
use fp_storage::{HistoryFilter, HistoryFingerprint, HistoryPage, Owner, StorageError, Store};
use std::sync::Arc;
use std::time::Duration;

/// Bytes of history pages kept in memory (pages read, and pages rendered, each).
pub const HISTORY_BYTES: u64 = 16 << 20;

/// Whose history: an account or an anonymous session.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OwnerKey {
    User(i64),
    Session(String),
}

impl From<&Owner> for OwnerKey {
    fn from(o: &Owner) -> Self {
        match o {
            Owner::User(id) => OwnerKey::User(*id),
            Owner::Session(s) => OwnerKey::Session(s.clone()),
        }
    }
}

/// Which page of whose history, under which filters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub owner: OwnerKey,
    pub league_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub graded: Option<bool>,
    pub page: i64,
    pub per_page: i64,
}

impl PageKey {
    pub fn new(owner: &Owner, filter: &HistoryFilter, page: i64, per_page: i64) -> Self {
        PageKey {
            owner: owner.into(),
            league_id: filter.league_id,
            outcome: filter.outcome,
            graded: filter.graded,
            page,
            per_page,
        }
    }
}

/// A rendered history page: the page, the filters as the visitor wrote them (they are echoed
/// in links), the signed-in name in the header, and the catalog (league list) it shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RenderedKey {
    pub page: PageKey,
    pub league_text: String,
    pub outcome_text: String,
    pub graded_text: String,
    pub username: Option<String>,
    pub catalog: u64,
}

#[derive(Clone)]
struct Read {
    fingerprint: HistoryFingerprint,
    page: Arc<HistoryPage>,
}

#[derive(Clone)]
struct Rendered {
    fingerprint: HistoryFingerprint,
    html: Bytes,
}

/// A page read for a fingerprint, and whether it is known to show the predictions as of that
/// fingerprint (so that what is made from it may be cached under it too).
pub struct PageAsOf {
    pub stable: bool,
    pub page: Arc<HistoryPage>,
}

/// The history caches.
pub struct Histories {
    read: moka::future::Cache<PageKey, Read>,
    rendered: moka::future::Cache<RenderedKey, Rendered>,
}

/// What a history page holds in the cache, roughly.
fn weight(page: &HistoryPage) -> u32 {
    let text: usize = page
        .items
        .iter()
        .map(|r| 256 + r.home_team.len() + r.away_team.len() + r.league_code.len())
        .sum();
    u32::try_from(text + 128).unwrap_or(u32::MAX)
}

impl Default for Histories {
    fn default() -> Self {
        Histories {
            read: moka::future::Cache::builder()
                .weigher(|_, r: &Read| weight(&r.page))
                .max_capacity(HISTORY_BYTES)
                .time_to_idle(Duration::from_secs(300))
                .build(),
            rendered: moka::future::Cache::builder()
                .weigher(|_, r: &Rendered| u32::try_from(r.html.len() + 128).unwrap_or(u32::MAX))
                .max_capacity(HISTORY_BYTES)
                .time_to_idle(Duration::from_secs(300))
                .build(),
        }
    }
}

impl Histories {
    /// A page of the owner's history, current.
    pub async fn page(
        &self,
        store: &Store,
        owner: &Owner,
        filter: &HistoryFilter,
        page: i64,
        per_page: i64,
    ) -> Result<Arc<HistoryPage>, StorageError> {
        let fingerprint = store.history_fingerprint(owner).await?;
        Ok(self
            .page_as_of(store, owner, fingerprint, filter, page, per_page)
            .await?
            .page)
    }

    /// The page of an owner whose predictions have just been read to have `fingerprint`:
    /// from memory if it was read under the same fingerprint, else from the database. A page
    /// read now is kept only if the fingerprint is still the same afterwards (no prediction
    /// of the owner's changed while it was read).
    pub async fn page_as_of(
        &self,
        store: &Store,
        owner: &Owner,
        fingerprint: HistoryFingerprint,
        filter: &HistoryFilter,
        page: i64,
        per_page: i64,
    ) -> Result<PageAsOf, StorageError> {
        let key = PageKey::new(owner, filter, page, per_page);
        if let Some(cached) = self.read.get(&key).await
            && cached.fingerprint == fingerprint
        {
            metrics::counter!("history_cache_total", "result" => "hit").increment(1);
            return Ok(PageAsOf {
                stable: true,
                page: cached.page,
            });
        }
        metrics::counter!("history_cache_total", "result" => "miss").increment(1);
        let fresh = Arc::new(store.history(owner, filter, page, per_page).await?);
        let stable = store.history_fingerprint(owner).await? == fingerprint;
        if stable {
            self.read
                .insert(
                    key,
                    Read {
                        fingerprint,
                        page: fresh.clone(),
                    },
                )
                .await;
        }
        Ok(PageAsOf {
            stable,
            page: fresh,
        })
    }

    /// The rendered page kept for this key, if rendered under `fingerprint`.
    pub async fn rendered(
        &self,
        key: &RenderedKey,
        fingerprint: HistoryFingerprint,
    ) -> Option<Bytes> {
        let hit = self
            .rendered
            .get(key)
            .await
            .filter(|r| r.fingerprint == fingerprint)
            .map(|r| r.html);
        let result = if hit.is_some() { "hit" } else { "miss" };
        metrics::counter!("history_html_cache_total", "result" => result).increment(1);
        hit
    }

    /// Forgets every page: new results grade predictions without changing an owner's
    /// fingerprint, so a reload of the data (which follows every import) starts afresh.
    pub fn forget_all(&self) {
        self.read.invalidate_all();
        self.rendered.invalidate_all();
    }

    /// Keeps a page rendered under `fingerprint`.
    pub async fn keep_rendered(
        &self,
        key: RenderedKey,
        fingerprint: HistoryFingerprint,
        html: Bytes,
    ) {
        self.rendered
            .insert(key, Rendered { fingerprint, html })
            .await;
    }
}
