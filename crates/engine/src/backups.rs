//! Scheduled backups: a timestamped file in the backup folder, then rotation (the newest
//! `keep` backups stay).

use crate::EngineError;
use chrono::{DateTime, Utc};
use fp_storage::{Backend, BackupReport, Store};
use std::path::{Path, PathBuf};

const PREFIX: &str = "football-predictor-";

/// The file extension of a backend's backups.
pub fn extension(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite3",
        Backend::Postgres => "pgdump",
    }
}

/// `DIR/football-predictor-20261202T030000Z.sqlite3`.
pub fn file_name(dir: &Path, backend: Backend, at: DateTime<Utc>) -> PathBuf {
    dir.join(format!(
        "{PREFIX}{}.{}",
        at.format("%Y%m%dT%H%M%SZ"),
        extension(backend)
    ))
}

/// What a scheduled backup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotatedBackup {
    pub written: BackupReport,
    pub removed: Vec<PathBuf>,
}

/// Backs up into `dir` (created when missing) and removes all but the newest `keep` backups
/// of this backend found there (other files are left alone).
pub async fn backup_and_rotate(
    store: &Store,
    url: &str,
    dir: &Path,
    keep: usize,
) -> Result<RotatedBackup, EngineError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        EngineError::Invalid(format!(
            "cannot create the backup folder {}: {e}",
            dir.display()
        ))
    })?;
    let out = file_name(dir, store.backend(), Utc::now());
    let written = store.backup_to(&out, url).await?;
    let removed = rotate(dir, store.backend(), keep.max(1))?;
    Ok(RotatedBackup { written, removed })
}

/// Removes the oldest backups of `backend` in `dir` beyond `keep`; the removed files.
pub fn rotate(dir: &Path, backend: Backend, keep: usize) -> Result<Vec<PathBuf>, EngineError> {
    let suffix = format!(".{}", extension(backend));
    let entries = std::fs::read_dir(dir).map_err(|e| {
        EngineError::Invalid(format!(
            "cannot read the backup folder {}: {e}",
            dir.display()
        ))
    })?;
    // The timestamp in the name sorts as the time does.
    let mut backups: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(&suffix))
        })
        .collect();
    backups.sort();
    let excess = backups.len().saturating_sub(keep);
    let mut removed = Vec::with_capacity(excess);
    for old in backups.into_iter().take(excess) {
        std::fs::remove_file(&old).map_err(|e| {
            EngineError::Invalid(format!(
                "cannot remove the old backup {}: {e}",
                old.display()
            ))
        })?;
        removed.push(old);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rotation_keeps_the_newest_of_this_backend_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let at = |day| Utc.with_ymd_and_hms(2026, 11, day, 3, 0, 0).single();
        let mut names = Vec::new();
        for day in 1..=5 {
            let Some(t) = at(day) else { panic!("date") };
            let f = file_name(dir.path(), Backend::Sqlite, t);
            std::fs::write(&f, "x").unwrap_or_else(|e| panic!("{e}"));
            names.push(f);
        }
        let other = dir.path().join("notes.txt");
        let pg = file_name(dir.path(), Backend::Postgres, at(1).unwrap_or_default());
        std::fs::write(&other, "keep me").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&pg, "x").unwrap_or_else(|e| panic!("{e}"));
        let removed = rotate(dir.path(), Backend::Sqlite, 2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(removed, names[..3].to_vec());
        assert!(names[3].exists() && names[4].exists());
        assert!(other.exists() && pg.exists());
    }
}
