use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A team, as an index the caller assigns (dense small numbers are fastest).
pub type TeamId = u32;

/// A played match: what the models learn from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Game {
    pub date: NaiveDate,
    pub home: TeamId,
    pub away: TeamId,
    pub home_goals: u8,
    pub away_goals: u8,
    /// Shots on target, when the data has them.
    pub home_sot: Option<u8>,
    pub away_sot: Option<u8>,
    /// Its own pre-match market, when the data has odds (read only to predict later
    /// matches, and to show beside the model).
    #[serde(default)]
    pub market: Option<MatchMarket>,
}

impl Game {
    pub fn outcome(&self) -> Outcome {
        Outcome::from_goals(self.home_goals, self.away_goals)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    Home,
    Draw,
    Away,
}

impl Outcome {
    /// The result of a score.
    pub fn from_goals<T: Ord>(home: T, away: T) -> Self {
        match home.cmp(&away) {
            std::cmp::Ordering::Greater => Outcome::Home,
            std::cmp::Ordering::Equal => Outcome::Draw,
            std::cmp::Ordering::Less => Outcome::Away,
        }
    }

    /// `H`, `D` or `A`, as football-data.co.uk and the database write it.
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "H" => Some(Outcome::Home),
            "D" => Some(Outcome::Draw),
            "A" => Some(Outcome::Away),
            _ => None,
        }
    }

    pub fn index(self) -> usize {
        match self {
            Outcome::Home => 0,
            Outcome::Draw => 1,
            Outcome::Away => 2,
        }
    }

    pub fn code(self) -> &'static str {
        ["H", "D", "A"][self.index()]
    }
}

impl TryFrom<String> for Outcome {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Outcome::from_code(&s).ok_or_else(|| format!("outcome \"{s}\" is not H, D or A"))
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Home / draw / away probabilities (they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Probabilities {
    pub home: f64,
    pub draw: f64,
    pub away: f64,
}

impl Probabilities {
    /// Normalises three non-negative weights.
    pub fn normalised(home: f64, draw: f64, away: f64) -> Self {
        let s = home + draw + away;
        Probabilities {
            home: home / s,
            draw: draw / s,
            away: away / s,
        }
    }

    pub fn as_array(&self) -> [f64; 3] {
        [self.home, self.draw, self.away]
    }

    pub fn from_array(p: [f64; 3]) -> Self {
        Probabilities {
            home: p[0],
            draw: p[1],
            away: p[2],
        }
    }

    pub fn get(&self, o: Outcome) -> f64 {
        self.as_array()[o.index()]
    }

    /// The most likely outcome (ties go to home, then draw).
    pub fn most_likely(&self) -> Outcome {
        if self.home >= self.draw && self.home >= self.away {
            Outcome::Home
        } else if self.draw >= self.away {
            Outcome::Draw
        } else {
            Outcome::Away
        }
    }

    /// Linear mixture `w * self + (1 - w) * other`.
    pub fn mix(&self, other: &Probabilities, w: f64) -> Self {
        Probabilities {
            home: w * self.home + (1.0 - w) * other.home,
            draw: w * self.draw + (1.0 - w) * other.draw,
            away: w * self.away + (1.0 - w) * other.away,
        }
    }
}

/// A match's market, margin removed: 1X2 and (when priced) over 2.5 goals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MarketPrices {
    pub result: Probabilities,
    pub over_2_5: Option<f64>,
}

/// Expected goals implied by a market (fitted once per match).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ImpliedGoals {
    pub home: f64,
    pub away: f64,
}

/// A match's own pre-match market: its margin-free prices (shown beside the model, never
/// mixed into it) and the expected goals they imply (what later fits learn from).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MatchMarket {
    pub prices: MarketPrices,
    pub goals: ImpliedGoals,
}
