//! Where the real historical data lives.
//!
//! The files are never copied into the repository: they sit beside the checkout in
//! `../shared/data` (override with `SHARED_DATA_DIR`). Tests that need them call
//! [`football_data_dir`]: on a machine without the folder the test says so and skips, but with
//! `CI=true` a missing folder is a failure.

use std::path::PathBuf;

/// Environment variable that overrides the default `../shared/data`.
pub const ENV_VAR: &str = "SHARED_DATA_DIR";

/// The workspace root (two levels above this crate's manifest).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The shared data folder: `$SHARED_DATA_DIR`, or `../shared/data` beside the checkout.
pub fn shared_data_dir() -> PathBuf {
    match std::env::var_os(ENV_VAR) {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared/data"),
    }
}

/// `football-data/` inside the shared data folder, if it exists.
///
/// Returns `None` (after printing why) when the folder is missing, so the caller can skip.
/// Panics when it is missing and `CI=true`, because CI must run every test.
pub fn football_data_dir() -> Option<PathBuf> {
    present_or_skip(
        shared_data_dir().join("football-data"),
        "shared data",
        ENV_VAR,
    )
}

/// `Some(dir)` when it exists; otherwise says why the caller skips (or panics with `CI=true`).
fn present_or_skip(dir: PathBuf, what: &str, env_var: &str) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "CI=true but the {what} folder {} is missing (set {env_var})",
        dir.display()
    );
    eprintln!(
        "skipping: {what} folder {} not found (set {env_var} to run this test)",
        dir.display()
    );
    None
}

/// Environment variable that overrides the default `../shared/reference`.
pub const REFERENCE_ENV_VAR: &str = "SHARED_REFERENCE_DIR";

/// The reference outputs folder (`$SHARED_REFERENCE_DIR`, or `reference/` beside the shared
/// data folder), if it exists; skips or fails like [`football_data_dir`].
pub fn reference_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os(REFERENCE_ENV_VAR) {
        Some(dir) => PathBuf::from(dir),
        None => shared_data_dir().join("../reference"),
    };
    present_or_skip(dir, "reference", REFERENCE_ENV_VAR)
}
