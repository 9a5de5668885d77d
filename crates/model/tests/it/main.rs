//! Integration tests of fp-model: one test binary, a module per area.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod market_reference;
