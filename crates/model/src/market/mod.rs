//! Engine v2: team ratings learnt from past market prices.
//!
//! The bookmakers' prices of past matches measure team strength with far less noise than
//! their results. Each past match's margin-free odds ([`implied::MarketPrices`]) are turned
//! into the expected goals they imply ([`implied::implied_goals`], once per match), and the
//! league's attack and defence ratings are fitted to those per match date, with a light
//! goals term ([`ratings::fit`]). A match's own odds are never read to predict it: the fit
//! only sees matches dated before the day it predicts.

pub mod implied;
pub mod ratings;

pub use implied::{
    ImpliedGoals, MARKET_RHO, MarketPrices, MatchMarket, PriceSources, implied_goals, margin_free,
};
pub use ratings::{MarketConfig, MarketRatings, fit};
