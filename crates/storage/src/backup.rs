//! Backups while serving, and restores into an empty database.
//!
//! SQLite: `VACUUM INTO` from a reader connection (a consistent snapshot that the writer keeps
//! writing beside), checked with `PRAGMA integrity_check`; restored with SQLite's online
//! backup API. PostgreSQL: `pg_dump --format=custom` (one snapshot), checked by listing it with
//! `pg_restore --list`; restored with `pg_restore` in one transaction. Either way the file is
//! written under a temporary name and renamed when checked, so a half-written backup never
//! carries the final name.

use crate::config::{Backend, DbConfig};
use crate::error::{Result, StorageError};
use crate::store::{Pool, Store};
use std::path::{Path, PathBuf};

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
}

fn invalid(message: impl Into<String>) -> StorageError {
    StorageError::Invalid(message.into())
}

/// `FILE.partial`, beside `file`.
fn partial(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

impl Store {
    /// Writes a backup of the whole database to `out` (which must not exist yet).
    pub async fn backup_to(&self, out: &Path, url: &str) -> Result<BackupReport> {
        if out.exists() {
            return Err(invalid(format!(
                "{} already exists: choose a new file name",
                out.display()
            )));
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(invalid(format!(
                "cannot write {}: {} is not a directory",
                out.display(),
                parent.display()
            )));
        }
        let tmp = partial(out);
        let _ = std::fs::remove_file(&tmp);
        let done = match &self.read {
            Pool::Sqlite(p) => sqlite_backup(p, &tmp).await,
            Pool::Postgres(_) => pg_dump(url, &tmp).await,
        };
        if let Err(e) = done {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, out)
            .map_err(|e| invalid(format!("cannot write {}: {e}", out.display())))?;
        let bytes = std::fs::metadata(out).map_or(0, |m| m.len());
        Ok(BackupReport {
            path: out.to_path_buf(),
            bytes,
        })
    }
}

async fn sqlite_backup(pool: &sqlx::SqlitePool, tmp: &Path) -> Result<()> {
    let name = tmp
        .to_str()
        .ok_or_else(|| invalid(format!("{} is not a UTF-8 path", tmp.display())))?;
    sqlx::query("VACUUM INTO $1")
        .bind(name)
        .execute(pool)
        .await?;
    let file = tmp.to_path_buf();
    tokio::task::spawn_blocking(move || check_sqlite_file(&file))
        .await
        .map_err(|e| invalid(format!("backup check stopped: {e}")))?
}

/// `PRAGMA integrity_check` says "ok" and the file holds this service's schema.
pub fn check_sqlite_file(file: &Path) -> Result<()> {
    let fail = |e: rusqlite::Error| invalid(format!("{}: {e}", file.display()));
    let conn = rusqlite::Connection::open_with_flags(
        file,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(fail)?;
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| invalid(format!("{} is not a SQLite database: {e}", file.display())))?;
    if verdict != "ok" {
        return Err(invalid(format!(
            "{} failed the integrity check: {verdict}",
            file.display()
        )));
    }
    let ours: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            [],
            |r| r.get(0),
        )
        .map_err(fail)?;
    if ours == 0 {
        return Err(invalid(format!(
            "{} is a SQLite database but not a football-predictor backup",
            file.display()
        )));
    }
    Ok(())
}

/// Where a PostgreSQL client tool is, or a clear error.
fn pg_tool(name: &str) -> Result<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    found.ok_or_else(|| {
        invalid(format!(
            "{name} not found on PATH: install the PostgreSQL client tools (Debian: apt-get install postgresql-client) to back up or restore a PostgreSQL database"
        ))
    })
}

/// The URL without its password, and the password (handed over in `PGPASSWORD`, so it never
/// shows in the process list).
fn split_password(url: &str) -> Result<(String, Option<String>)> {
    let mut parsed = url::Url::parse(url)
        .map_err(|e| invalid(format!("{}: {e}", fp_secrets::redact_url(url))))?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    if password.is_some() {
        let _ = parsed.set_password(None);
    }
    Ok((parsed.to_string(), password))
}

async fn run_tool(tool: &str, args: &[&std::ffi::OsStr], url: &str) -> Result<String> {
    let program = pg_tool(tool)?;
    let (url, password) = split_password(url)?;
    let mut command = tokio::process::Command::new(program);
    command.args(args).arg(format!("--dbname={url}"));
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    let out = command
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| invalid(format!("cannot run {tool}: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(invalid(format!("{tool} failed: {}", stderr.trim())));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn pg_dump(url: &str, tmp: &Path) -> Result<()> {
    let file = format!("--file={}", tmp.display());
    let args: [&std::ffi::OsStr; 3] = [
        "--format=custom".as_ref(),
        "--no-password".as_ref(),
        file.as_ref(),
    ];
    run_tool("pg_dump", &args, url).await?;
    // A readable archive lists its contents.
    let lister = pg_tool("pg_restore")?;
    let out = tokio::process::Command::new(lister)
        .arg("--list")
        .arg(tmp)
        .output()
        .await
        .map_err(|e| invalid(format!("cannot run pg_restore: {e}")))?;
    if !out.status.success() || !String::from_utf8_lossy(&out.stdout).contains("_sqlx_migrations") {
        return Err(invalid(format!(
            "the dump {} cannot be read back: {}",
            tmp.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Whether the target held tables that were replaced (`--force`).
    pub replaced: bool,
}

/// Restores `file` (a backup of the same backend) into the database of `config`. A target
/// that already holds tables is refused unless `force`; then it is replaced. Stop the servers
/// using the target first.
pub async fn restore(config: &DbConfig, file: &Path, force: bool) -> Result<RestoreReport> {
    if !file.is_file() {
        return Err(invalid(format!("{}: no such backup file", file.display())));
    }
    let store = Store::connect(config).await?;
    let tables = store.table_count().await?;
    store.close().await;
    if tables > 0 && !force {
        return Err(invalid(format!(
            "the target database is not empty ({tables} tables): restore into an empty database, or pass --force to replace it"
        )));
    }
    match Backend::of_url(&config.url)? {
        Backend::Sqlite => {
            let target = store
                .sqlite_file
                .clone()
                .ok_or_else(|| invalid("cannot restore into an in-memory SQLite database"))?;
            let source = file.to_path_buf();
            tokio::task::spawn_blocking(move || sqlite_restore(&source, &target))
                .await
                .map_err(|e| invalid(format!("restore stopped: {e}")))??;
        }
        Backend::Postgres => {
            let archive = file.as_os_str();
            let mut args: Vec<&std::ffi::OsStr> = vec![
                "--no-owner".as_ref(),
                "--no-privileges".as_ref(),
                "--single-transaction".as_ref(),
                "--exit-on-error".as_ref(),
                "--no-password".as_ref(),
            ];
            if tables > 0 {
                args.extend([
                    std::ffi::OsStr::new("--clean"),
                    std::ffi::OsStr::new("--if-exists"),
                ]);
            }
            args.push(archive);
            run_tool("pg_restore", &args, &config.url).await?;
        }
    }
    Ok(RestoreReport {
        replaced: tables > 0,
    })
}

fn sqlite_restore(source: &Path, target: &Path) -> Result<()> {
    check_sqlite_file(source)?;
    let fail =
        |e: rusqlite::Error| invalid(format!("cannot restore into {}: {e}", target.display()));
    let mut conn = rusqlite::Connection::open(target).map_err(fail)?;
    conn.restore(
        rusqlite::DatabaseName::Main,
        source,
        None::<fn(rusqlite::backup::Progress)>,
    )
    .map_err(fail)?;
    Ok(())
}

impl Store {
    /// Tables in the database (0: empty).
    pub async fn table_count(&self) -> Result<i64> {
        Ok(match &self.write {
            Pool::Sqlite(p) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
                    .fetch_one(p)
                    .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()",
                )
                .fetch_one(p)
                .await?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() -> Result<()> {
        let (url, password) = split_password("postgres://fp:s%40cret@db:5432/prod")?;
        assert_eq!(url, "postgres://fp@db:5432/prod");
        assert_eq!(password.as_deref(), Some("s@cret"));
        let (url, password) = split_password("postgres://postgres@127.0.0.1/test")?;
        assert_eq!(url, "postgres://postgres@127.0.0.1/test");
        assert_eq!(password, None);
        Ok(())
    }
}
