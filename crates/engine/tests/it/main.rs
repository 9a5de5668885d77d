//! Integration tests of fp-engine: one test binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cleanup;
mod refit;
mod reports;
mod scheduler;
