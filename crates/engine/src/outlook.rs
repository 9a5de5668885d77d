//! A league's season odds as kept with the catalog.

use fp_model::season::SeasonOdds;

/// The season odds of a league, with what they were computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonOutlook {
    /// e.g. `2025-26`.
    pub season: String,
    /// Team ids, in the order of the indices in `odds`.
    pub team_ids: Vec<i64>,
    pub odds: SeasonOdds,
    pub model_version: i64,
    pub top: usize,
    pub relegated: usize,
}

impl SeasonOutlook {
    pub fn team_id(&self, index: usize) -> i64 {
        self.team_ids.get(index).copied().unwrap_or_default()
    }
}
