use crate::IngestError;
use std::path::{Path, PathBuf};

/// Expands the paths given on the command line: files are taken as they are, folders are
/// searched recursively for `*.csv`. The result is sorted and free of duplicates. A path that
/// does not exist is an error.
pub fn collect_csv_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            for entry in walkdir::WalkDir::new(path).follow_links(true) {
                let entry = entry.map_err(|e| IngestError::Io {
                    path: path.display().to_string(),
                    source: e.into(),
                })?;
                if entry.file_type().is_file() && is_csv(entry.path()) {
                    files.push(entry.into_path());
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}
