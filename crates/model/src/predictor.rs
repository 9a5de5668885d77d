//! A league's model: the fitted members, the learnt blend weights, and predictions.

use crate::blend;
use crate::dixon_coles::{self, DcConfig, DixonColes};
use crate::elo::{EloConfig, EloRatings};
use crate::game::{Game, Probabilities, TeamId};
use crate::market::{self, MARKET_RHO, MarketConfig, MarketRatings};
use crate::markets::{Markets, ScoreMatrix};
use crate::ordered_logit::OrderedLogit;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which forecast to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// Dixon-Coles on goals.
    DixonColes,
    /// Dixon-Coles on goals mixed with shots on target.
    DixonColesShots,
    /// Elo + ordered logit.
    Elo,
    /// The learnt blend of the three.
    Blend,
    /// Ratings learnt from past market prices (engine v2); where the data has too few
    /// prices, the blend.
    Market,
}

impl ModelKind {
    pub const ALL: [ModelKind; 5] = [
        ModelKind::DixonColes,
        ModelKind::DixonColesShots,
        ModelKind::Elo,
        ModelKind::Blend,
        ModelKind::Market,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ModelKind::DixonColes => "dixon-coles",
            ModelKind::DixonColesShots => "dixon-coles-shots",
            ModelKind::Elo => "elo",
            ModelKind::Blend => "blend",
            ModelKind::Market => "market",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        ModelKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// Settings of every member; the same for every league.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    pub window_days: i64,
    pub dc: DcConfig,
    pub dc_shots: DcConfig,
    pub elo: EloConfig,
    /// Time decay of the ordered-logit fit (per day).
    pub logit_xi: f64,
    pub market: MarketConfig,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            window_days: 730,
            dc: DcConfig::default(),
            dc_shots: DcConfig {
                sot_weight: 0.5,
                ..DcConfig::default()
            },
            elo: EloConfig::default(),
            logit_xi: 0.001,
            market: MarketConfig::default(),
        }
    }
}

/// Elo members' x: rating difference (with home advantage) in units of 100 points.
pub fn elo_x(diff_points: f64) -> f64 {
    diff_points / 100.0
}

/// Everything needed to predict a league's matches from one date on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueModel {
    /// The model that predicts: [`ModelKind::Market`] only when `market` is fitted.
    pub kind: ModelKind,
    pub fitted_for: NaiveDate,
    pub dc: DixonColes,
    pub dc_shots: DixonColes,
    pub elo: EloRatings,
    pub logit: OrderedLogit,
    /// Blend weights of (dixon-coles, dixon-coles-shots, elo).
    pub weights: Vec<f64>,
    /// The market ratings, when the league's data has enough prices.
    #[serde(default)]
    pub market: Option<MarketRatings>,
}

/// A prediction for one fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub probabilities: Probabilities,
    /// Markets from the score matrix, rescaled so that its home/draw/away match
    /// `probabilities`.
    pub markets: Markets,
    pub members: Members,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Members {
    pub dixon_coles: Probabilities,
    pub dixon_coles_shots: Probabilities,
    pub elo: Probabilities,
    /// The market-ratings model, when fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<Probabilities>,
}

impl Members {
    pub fn as_vec(&self) -> Vec<Probabilities> {
        vec![self.dixon_coles, self.dixon_coles_shots, self.elo]
    }

    pub fn pick(&self, kind: ModelKind, weights: &[f64]) -> Probabilities {
        match kind {
            ModelKind::DixonColes => self.dixon_coles,
            ModelKind::DixonColesShots => self.dixon_coles_shots,
            ModelKind::Elo => self.elo,
            ModelKind::Blend => blend::combine(&self.as_vec(), weights),
            ModelKind::Market => self
                .market
                .unwrap_or_else(|| blend::combine(&self.as_vec(), weights)),
        }
    }
}

/// Rescales the score matrix so that its home/draw/away sums equal `target`.
fn calibrate(matrix: &ScoreMatrix, target: &Probabilities) -> ScoreMatrix {
    let own = matrix.outcome();
    let side = crate::markets::MAX_GOALS + 1;
    let mut p = matrix.p.clone();
    for i in 0..side {
        for j in 0..side {
            let factor = match i.cmp(&j) {
                std::cmp::Ordering::Greater => target.home / own.home,
                std::cmp::Ordering::Equal => target.draw / own.draw,
                std::cmp::Ordering::Less => target.away / own.away,
            };
            p[i * side + j] *= factor;
        }
    }
    ScoreMatrix { p }
}

/// Markets for expected goals (λ, μ) and correction ρ, rescaled to the given home/draw/away.
pub fn calibrated_markets(
    lambda: f64,
    mu: f64,
    rho: f64,
    target: &Probabilities,
) -> (Markets, ScoreMatrix) {
    let matrix = calibrate(&ScoreMatrix::dixon_coles(lambda, mu, rho), target);
    (matrix.markets(), matrix)
}

impl Forecast {
    /// "Confidence" is the probability of the predicted (most likely) outcome.
    pub fn confidence(&self) -> f64 {
        self.probabilities.get(self.probabilities.most_likely())
    }
}

impl LeagueModel {
    /// Member forecasts for one fixture.
    pub fn members(&self, home: TeamId, away: TeamId) -> (Members, ScoreMatrix) {
        let (l, m) = self.dc.rates(home, away);
        let dc_matrix = ScoreMatrix::dixon_coles(l, m, self.dc.rho);
        let (ls, ms) = self.dc_shots.rates(home, away);
        let shots_matrix = ScoreMatrix::dixon_coles(ls, ms, self.dc_shots.rho);
        let x = elo_x(self.elo.difference(home, away, self.fitted_for));
        let market_matrix = self.market.as_ref().map(|m| m.matrix(home, away));
        let members = Members {
            dixon_coles: dc_matrix.outcome(),
            dixon_coles_shots: shots_matrix.outcome(),
            elo: self.logit.predict(x),
            market: market_matrix.as_ref().map(ScoreMatrix::outcome),
        };
        let matrix = match (self.kind, market_matrix) {
            (ModelKind::DixonColes, _) => dc_matrix,
            (ModelKind::Market, Some(m)) => m,
            _ => shots_matrix,
        };
        (members, matrix)
    }

    pub fn predict(&self, home: TeamId, away: TeamId) -> Forecast {
        self.predict_with_matrix(home, away).0
    }

    /// The forecast and its (calibrated) score matrix.
    pub fn predict_with_matrix(&self, home: TeamId, away: TeamId) -> (Forecast, ScoreMatrix) {
        let (members, matrix) = self.members(home, away);
        let probabilities = members.pick(self.kind, &self.weights);
        let matrix = calibrate(&matrix, &probabilities);
        let forecast = Forecast {
            probabilities,
            markets: matrix.markets(),
            members,
        };
        (forecast, matrix)
    }

    /// ρ of the goal model whose score matrix this model shows.
    pub fn rho(&self) -> f64 {
        match self.kind {
            ModelKind::DixonColes => self.dc.rho,
            ModelKind::Market if self.market.is_some() => MARKET_RHO,
            _ => self.dc_shots.rho,
        }
    }

    /// A team's (attack, defence) on the log scale of the model that predicts, with the goal
    /// models' sign: a higher attack scores more, a higher defence concedes more.
    pub fn team_ratings(&self, team: TeamId) -> (f64, f64) {
        match (self.kind, &self.market) {
            (ModelKind::Market, Some(m)) => {
                let (attack, defence) = m.rating(team);
                (attack, -defence)
            }
            _ => self.dc_shots.team_ratings(team),
        }
    }

    /// Expected goals (home, away) of the model that predicts.
    pub fn rates(&self, home: TeamId, away: TeamId) -> (f64, f64) {
        match (self.kind, &self.market) {
            (ModelKind::DixonColes, _) => self.dc.rates(home, away),
            (ModelKind::Market, Some(m)) => m.rates(home, away),
            _ => self.dc_shots.rates(home, away),
        }
    }
}

/// Fits every member on `games` (any order; only those before `at` and inside the window
/// are used by the goal models and the market ratings, all before `at` by Elo). Asked for
/// [`ModelKind::Market`] where the window has too few prices, it gives the blend.
pub fn fit_league(
    games: &[Game],
    at: NaiveDate,
    config: &ModelConfig,
    kind: ModelKind,
    weights: Vec<f64>,
) -> Option<LeagueModel> {
    let mut sorted: Vec<Game> = games.iter().copied().filter(|g| g.date < at).collect();
    sorted.sort_by_key(|g| g.date);
    let from = at - chrono::Duration::days(config.window_days);
    let window: Vec<Game> = sorted.iter().copied().filter(|g| g.date >= from).collect();
    let dc = dixon_coles::fit(&window, at, &config.dc, None)?;
    let dc_shots = dixon_coles::fit(&window, at, &config.dc_shots, None)?;
    let mut elo = EloRatings::new(config.elo);
    let mut logit_data = Vec::new();
    for g in &sorted {
        if g.date >= from {
            let x = elo_x(elo.difference(g.home, g.away, g.date));
            let w = (-config.logit_xi * (at - g.date).num_days() as f64).exp();
            logit_data.push((x, g.outcome(), w));
        }
        elo.update(g);
    }
    let logit = OrderedLogit::fit(&logit_data, OrderedLogit::default());
    let market = (kind == ModelKind::Market)
        .then(|| market::fit(&window, at, &config.market))
        .flatten();
    let kind = match (kind, &market) {
        (ModelKind::Market, None) => ModelKind::Blend,
        _ => kind,
    };
    Some(LeagueModel {
        kind,
        fitted_for: at,
        dc,
        dc_shots,
        elo,
        logit,
        weights,
        market,
    })
}
