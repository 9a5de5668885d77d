//! Integration tests of fp-ingest: one test binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod import;
