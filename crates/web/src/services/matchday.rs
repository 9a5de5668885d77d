//! A league's matchday: its upcoming fixtures with the model's forecasts (through the
//! forecast cache) and the market's, the season odds (simulated once per catalog, off the
//! request threads), and track records of graded forecasts.

use super::forecasts::Forecasts;
use crate::config::SeasonConfig;
use crate::dto::{
    CalibrationPoint, FixtureItem, GoalsPair, MarketScore, Probabilities, SimulatedTeam,
    Simulation, TrackRecordFigures,
};
use crate::error::Error;
use fp_engine::{Catalog, LeagueEntry};
use fp_model::Outcome;
use fp_storage::{GradedForecast, StoredFixture};
use std::sync::Arc;

/// Reliability bins of a track record's calibration chart.
pub const CALIBRATION_BINS: usize = 10;

fn dto(p: fp_model::Probabilities) -> Probabilities {
    Probabilities {
        home: p.home,
        draw: p.draw,
        away: p.away,
    }
}

/// The market's margin-free probabilities of a fixture, from its odds.
pub fn fixture_market(f: &StoredFixture) -> Option<Probabilities> {
    f.price_sources().prices().map(|m| dto(m.result))
}

/// The league's upcoming fixtures, each with the served model's forecast; fixtures naming a
/// team the catalog does not know are left out.
pub async fn fixture_items(forecasts: &Forecasts, entry: &LeagueEntry) -> Vec<FixtureItem> {
    let mut items = Vec::with_capacity(entry.fixtures.len());
    for f in &entry.fixtures {
        let (Some(home), Some(away)) = (
            entry.team_by_id(f.home_team_id),
            entry.team_by_id(f.away_team_id),
        ) else {
            continue;
        };
        let Ok(fixture) = entry.fixture(home, away) else {
            continue;
        };
        let p = forecasts.predict(fixture).await;
        items.push(FixtureItem {
            id: f.id,
            date: f.match_date,
            kickoff_time: f.kickoff_time.clone(),
            home_team: home.name.clone(),
            away_team: away.name.clone(),
            probabilities: dto(p.forecast.probabilities),
            expected_goals: GoalsPair {
                home: p.forecast.markets.expected_goals_home,
                away: p.forecast.markets.expected_goals_away,
            },
            market: fixture_market(f),
        });
    }
    items
}

/// The league's season odds: simulated on first use under this catalog (on a blocking
/// thread: ~0.25 s for a full 20-team season), then kept with it.
pub async fn simulation(
    catalog: Arc<Catalog>,
    code: &str,
    season: &SeasonConfig,
) -> Result<Option<Simulation>, Error> {
    let rules = season.rules(code);
    let code = code.to_string();
    tokio::task::spawn_blocking(move || {
        let entry = catalog
            .league(&code)
            .ok_or_else(|| Error::NotFound(format!("unknown league \"{code}\"")))?;
        let Some(outlook) = entry.season_outlook(rules) else {
            return Ok(None);
        };
        Ok(Some(Simulation {
            league: code.clone(),
            season: outlook.season.clone(),
            simulations: outlook.odds.simulations,
            model_version: outlook.model_version,
            remaining_matches: outlook.odds.remaining_matches,
            relegation_places: outlook.relegated,
            teams: outlook
                .odds
                .teams
                .iter()
                .map(|t| SimulatedTeam {
                    team: entry
                        .team_by_id(outlook.team_id(t.team))
                        .map_or_else(|| "?".to_string(), |x| x.name.clone()),
                    played: t.standing.played,
                    points: t.standing.points,
                    goal_difference: i64::from(t.standing.goals_for)
                        - i64::from(t.standing.goals_against),
                    expected_points: t.expected_points,
                    p_title: t.p_title,
                    p_top4: t.p_top,
                    p_relegation: t.p_relegation,
                })
                .collect(),
        }))
    })
    .await
    .map_err(|e| Error::internal(format!("season simulation task failed: {e}")))?
}

/// How graded forecasts did: favourite hit rate, mean RPS, the same matches scored by the
/// closing odds where known, and the calibration bins.
pub fn track_record(rows: &[GradedForecast]) -> TrackRecordFigures {
    let graded: Vec<(
        fp_model::Probabilities,
        Outcome,
        Option<fp_model::Probabilities>,
    )> = rows
        .iter()
        .filter_map(|r| {
            let outcome = Outcome::from_code(&r.actual_result)?;
            let p = fp_model::Probabilities {
                home: r.p_home,
                draw: r.p_draw,
                away: r.p_away,
            };
            let market = r.closing_prices().and_then(|[home, draw, away]| {
                fp_model::odds::remove_margin(
                    &fp_model::odds::Odds { home, draw, away },
                    fp_model::odds::Method::Basic,
                )
            });
            Some((p, outcome, market))
        })
        .collect();
    let scores = fp_model::metrics::Scores::of(graded.iter().map(|(p, o, _)| (p, *o)));
    let priced: Vec<_> = graded
        .iter()
        .filter_map(|(p, o, m)| Some((p, *o, m.as_ref()?)))
        .collect();
    let market = (!priced.is_empty()).then(|| {
        let mine = fp_model::metrics::Scores::of(priced.iter().map(|(p, o, _)| (*p, *o)));
        let theirs = fp_model::metrics::Scores::of(priced.iter().map(|(_, o, m)| (*m, *o)));
        MarketScore {
            matches: priced.len(),
            mean_rps: mine.rps,
            market_mean_rps: theirs.rps,
            market_favourite_won: theirs.accuracy,
        }
    });
    TrackRecordFigures {
        graded: scores.n,
        favourite_won: scores.accuracy,
        mean_rps: scores.rps,
        market,
        calibration: fp_model::metrics::calibration(
            graded.iter().map(|(p, o, _)| (p, *o)),
            CALIBRATION_BINS,
        )
        .into_iter()
        .map(|b| CalibrationPoint {
            lower: b.lower,
            upper: b.upper,
            n: b.n,
            mean_forecast: b.mean_forecast,
            observed_frequency: b.observed_frequency,
        })
        .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(p: [f64; 3], result: &str, close: Option<[f64; 3]>) -> GradedForecast {
        GradedForecast {
            league_id: 1,
            p_home: p[0],
            p_draw: p[1],
            p_away: p[2],
            actual_result: result.into(),
            ps_close_home: close.map(|c| c[0]),
            ps_close_draw: close.map(|c| c[1]),
            ps_close_away: close.map(|c| c[2]),
            avg_close_home: None,
            avg_close_draw: None,
            avg_close_away: None,
        }
    }

    #[test]
    fn figures_match_a_hand_computation() {
        // Two forecasts: 0.5/0.3/0.2 with a home win, 0.2/0.3/0.5 with a draw.
        // RPS: ((0.5-1)^2 + (0.8-1)^2)/2 = 0.145; ((0.2-0)^2 + (0.5-1)^2)/2 = 0.145.
        let rows = [
            row([0.5, 0.3, 0.2], "H", Some([2.0, 4.0, 4.0])),
            row([0.2, 0.3, 0.5], "D", None),
        ];
        let t = track_record(&rows);
        assert_eq!(t.graded, 2);
        assert!((t.favourite_won - 0.5).abs() < 1e-12);
        assert!((t.mean_rps - 0.145).abs() < 1e-12);
        let m = t.market.unwrap();
        assert_eq!(m.matches, 1);
        assert!((m.mean_rps - 0.145).abs() < 1e-12);
        // Closing 2.0/4.0/4.0 → 0.5/0.25/0.25: ((0.5-1)^2 + (0.75-1)^2)/2 = 0.15625.
        assert!((m.market_mean_rps - 0.15625).abs() < 1e-12);
        assert_eq!(m.market_favourite_won, 1.0);
        assert_eq!(t.calibration.len(), CALIBRATION_BINS);
        assert_eq!(t.calibration.iter().map(|b| b.n).sum::<usize>(), 6);
    }

    #[test]
    fn nothing_graded_is_all_zero() {
        let t = track_record(&[]);
        assert_eq!(t.graded, 0);
        assert!(t.market.is_none());
    }
}

/// The model's track record over every graded fixture, kept per catalog (new results come
/// with a reload): read from the database once per data change, not per request.
#[derive(Default)]
pub struct ModelRecord {
    kept: tokio::sync::Mutex<Option<(u64, Arc<TrackRecordFigures>)>>,
}

impl ModelRecord {
    pub async fn get(
        &self,
        store: &fp_storage::Store,
        catalog: &Catalog,
    ) -> Result<Arc<TrackRecordFigures>, Error> {
        let mut kept = self.kept.lock().await;
        if let Some((serial, figures)) = kept.as_ref()
            && *serial == catalog.serial()
        {
            return Ok(figures.clone());
        }
        let figures = Arc::new(track_record(&store.graded_fixture_forecasts().await?));
        *kept = Some((catalog.serial(), figures.clone()));
        Ok(figures)
    }
}
