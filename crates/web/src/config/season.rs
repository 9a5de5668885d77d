//! Season odds settings.

/// How season odds are simulated and counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeasonConfig {
    /// Seasons played per simulation (`SEASON_SIMULATIONS`).
    pub simulations: usize,
    /// Relegation places by league code (`RELEGATION_PLACES`, e.g. `D1=2,E0=3`); others 3.
    pub relegation: std::collections::HashMap<String, usize>,
}

impl Default for SeasonConfig {
    fn default() -> Self {
        SeasonConfig {
            simulations: 10_000,
            relegation: std::collections::HashMap::new(),
        }
    }
}

/// Graded predictions a visitor's track record counts (the newest).
pub const GRADED_LIMIT: i64 = 10_000;

/// Top places counted ("top 4").
pub const TOP_PLACES: usize = 4;
/// Relegation places of a league not named in `RELEGATION_PLACES`.
pub const RELEGATION_PLACES: usize = 3;

impl SeasonConfig {
    /// The rules of one league's simulation.
    pub fn rules(&self, league: &str) -> fp_model::season::SeasonRules {
        fp_model::season::SeasonRules {
            simulations: self.simulations.max(1),
            top: TOP_PLACES,
            relegated: self
                .relegation
                .get(league)
                .copied()
                .unwrap_or(RELEGATION_PLACES),
            ..Default::default()
        }
    }

    /// Parses `D1=2,E0=3`.
    pub fn parse_relegation(
        text: &str,
    ) -> Result<std::collections::HashMap<String, usize>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (code, n) = p
                    .split_once('=')
                    .ok_or_else(|| format!("\"{p}\" is not CODE=PLACES"))?;
                let n: usize = n
                    .trim()
                    .parse()
                    .map_err(|_| format!("\"{p}\": places must be a whole number"))?;
                Ok((code.trim().to_string(), n))
            })
            .collect()
    }
}
