//! Football prediction models. Pure: no I/O, no async, no database.
//!
//! * [`dixon_coles`]: the Dixon-Coles goal model with exponential time decay, fitted by
//!   weighted maximum likelihood (Newton steps with the analytic gradient), with a shrinkage
//!   prior that keeps newly promoted teams sensible;
//! * [`elo`]: Elo ratings with home advantage, a goal-difference multiplier and regression to
//!   the mean between seasons, mapped to home/draw/away by an [`ordered_logit`] link;
//! * [`market`]: team ratings learnt from the prices of past matches (engine v2, served by
//!   default where the data has odds), the goal models being the fallback;
//! * [`blend`]: a mixture of the two whose weight is learnt on past predictions only;
//! * [`markets`]: from a score matrix to everything users ask for;
//! * [`metrics`] and [`odds`]: forecast scores and bookmaker margin removal;
//! * [`facts`]: form, head-to-head and records from results;
//! * [`backtest`]: the walk-forward evaluation.

pub mod backtest;
pub mod blend;
pub mod dixon_coles;
pub mod elo;
pub mod facts;
mod game;
mod linalg;
pub mod market;
pub mod markets;
pub mod metrics;
pub mod odds;
pub mod ordered_logit;
pub mod predictor;
pub mod season;

#[cfg(test)]
mod testutil;

pub use game::{Game, Outcome, Probabilities, TeamId};
