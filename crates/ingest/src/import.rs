use crate::IngestError;
use fp_storage::{ImportCounts, Store};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What happened to one file.
#[derive(Debug)]
pub struct FileOutcome {
    pub file: String,
    pub result: Result<ImportCounts, IngestError>,
}

/// The summary of an import run.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub files_ok: usize,
    pub files_failed: usize,
    pub counts: ImportCounts,
    pub errors: Vec<String>,
    pub elapsed: Duration,
}

impl ImportReport {
    pub fn success(&self) -> bool {
        self.files_failed == 0
    }

    /// Whether any match was inserted or changed (models then need a refit).
    pub fn changed_data(&self) -> bool {
        self.counts.inserted + self.counts.updated > 0
    }

    pub(crate) fn add(&mut self, outcome: &FileOutcome) {
        match &outcome.result {
            Ok(c) => {
                self.files_ok += 1;
                self.counts += *c;
            }
            Err(e) => {
                self.files_failed += 1;
                self.errors.push(e.to_string());
            }
        }
    }
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} file(s) imported, {} rejected; matches: {} inserted, {} updated, {} unchanged; {:.2}s",
            self.files_ok,
            self.files_failed,
            self.counts.inserted,
            self.counts.updated,
            self.counts.unchanged,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Parses and stores one file's bytes (one transaction). `name` appears in error messages.
pub async fn import_bytes(
    store: &Store,
    bytes: &[u8],
    name: &str,
) -> Result<ImportCounts, IngestError> {
    let records = fp_csv::parse(bytes, name)?;
    store
        .import_matches(&records)
        .await
        .map_err(|source| IngestError::Storage {
            file: name.to_string(),
            source,
        })
}

/// Imports files one by one; a rejected file does not stop the others. `progress` is called
/// after each file.
pub async fn import_files(
    store: &Store,
    files: &[PathBuf],
    mut progress: impl FnMut(&FileOutcome),
) -> ImportReport {
    let started = Instant::now();
    let mut report = ImportReport::default();
    for path in files {
        let file = path.display().to_string();
        let result = match tokio::fs::read(path).await {
            Ok(bytes) => import_bytes(store, &bytes, &file).await,
            Err(source) => Err(IngestError::Io {
                path: file.clone(),
                source,
            }),
        };
        let outcome = FileOutcome { file, result };
        report.add(&outcome);
        progress(&outcome);
    }
    report.elapsed = started.elapsed();
    report
}
