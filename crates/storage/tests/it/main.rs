//! Integration tests of fp-storage: one test binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod replica;
