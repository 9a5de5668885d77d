//! The served model's forecast of every upcoming fixture, stored with the fixture so that
//! the model's own track record can be graded when the results arrive.

use crate::EngineError;
use crate::refit::load_current_models;
use fp_model::TeamId;
use fp_storage::{FixtureForecast, Store};

/// Stores the current model's forecast of each upcoming fixture that does not have it yet;
/// returns how many were written. Run after every refit and fixture import.
pub async fn forecast_fixtures(store: &Store) -> Result<u64, EngineError> {
    let models = load_current_models(store).await?;
    let mut forecasts = Vec::new();
    for (league_id, (version, stored)) in &models {
        for f in store.upcoming_fixtures(*league_id).await? {
            if f.forecast_version == Some(version.id) {
                continue;
            }
            let forecast = stored
                .model
                .predict(f.home_team_id as TeamId, f.away_team_id as TeamId);
            let p = forecast.probabilities;
            let (xg_home, xg_away) = (
                forecast.markets.expected_goals_home,
                forecast.markets.expected_goals_away,
            );
            forecasts.push(FixtureForecast {
                fixture_id: f.id,
                model_version_id: version.id,
                p_home: p.home,
                p_draw: p.draw,
                p_away: p.away,
                xg_home,
                xg_away,
            });
        }
    }
    Ok(store.record_fixture_forecasts(&forecasts).await?)
}
