//! Integration tests of football-predictor: one test binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backtest;
mod browser;
mod cli;
mod operations;
