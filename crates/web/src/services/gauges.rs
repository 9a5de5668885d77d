//! The database gauges of `/metrics`, from a measurement of the `stats` job. Their labels come
//! from the fixed list of tables, so they cannot grow.

use chrono::Utc;
use fp_storage::StatsSnapshot;

/// Sets every database gauge from `s`.
pub fn set(s: &StatsSnapshot) {
    metrics::gauge!("database_size_bytes").set(s.size_bytes as f64);
    if let Some(wal) = s.wal_bytes {
        metrics::gauge!("database_wal_bytes").set(wal as f64);
    }
    metrics::gauge!("predictions_stored", "state" => "active").set(s.predictions_active as f64);
    metrics::gauge!("predictions_stored", "state" => "archived").set(s.predictions_archived as f64);
    for (table, rows) in &s.tables {
        if let Some(known) = fp_storage::TABLES.iter().find(|t| **t == table.as_str()) {
            metrics::gauge!("table_rows", "table" => *known).set(*rows as f64);
        }
    }
    let age = |t: chrono::DateTime<Utc>| (Utc::now() - t).num_seconds().max(0) as f64;
    metrics::gauge!("oldest_active_prediction_age_seconds")
        .set(s.oldest_active_prediction.map_or(0.0, age));
    metrics::gauge!("database_stats_age_seconds").set(age(s.measured_at));
}
