//! Integration tests of fp-web: one test binary, a module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod common;
mod email;
mod errors;
mod fuzz;
mod gauges;
mod hardening;
mod http;
mod matchday;
mod openapi;
mod redis;
