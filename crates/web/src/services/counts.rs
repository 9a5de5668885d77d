//! Predictions made (all visitors), for the dashboard: counting a million rows on every visit
//! of the home page would cost more than the rest of the page, so the figure is at most ten
//! seconds old, and concurrent visits count once.

use crate::error::Error;
use fp_storage::Store;
use std::time::Duration;

pub struct PredictionCount {
    cache: moka::future::Cache<(), i64>,
}

impl Default for PredictionCount {
    fn default() -> Self {
        PredictionCount {
            cache: moka::future::Cache::builder()
                .max_capacity(1)
                .time_to_live(Duration::from_secs(10))
                .build(),
        }
    }
}

impl PredictionCount {
    pub async fn get(&self, store: &Store) -> Result<i64, Error> {
        Ok(self
            .cache
            .try_get_with((), store.count_predictions())
            .await?)
    }
}
