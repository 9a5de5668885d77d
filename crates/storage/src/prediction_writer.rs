//! Group commit for predictions. Callers hand their rows to one writer, which saves whatever
//! has queued up in a single transaction and answers each caller once its row is committed:
//! a saved prediction is in its owner's history when `save` returns, while the database sees
//! few, larger transactions under load.
//!
//! On a SQLite file the writer is one connection of its own, used by one drain task at a
//! time: callers queue their rows, the first to find no drain running starts one, and the
//! drain saves each batch inside `BEGIN IMMEDIATE … COMMIT` with one prepared multi-row INSERT
//! (up to 32 rows a statement) right on the runtime (a batch takes tens of microseconds), yielding
//! between batches so that the requests being handled meanwhile join the next one. No thread
//! hand-off per batch, no SQL text built per batch. The automatic checkpoint is off on this
//! connection: every [`CHECKPOINT_COMMITS`] commits a PASSIVE checkpoint runs beside the
//! writer on a connection of its own, and every [`FULL_CHECKPOINT_EVERY`]th by the writer
//! between two commits, so that the log starts over. What can take long runs on the blocking
//! pool: the checkpoints, and a batch that finds the database locked by another writer (it
//! then waits up to the busy timeout there).
//! Elsewhere (PostgreSQL, an in-memory SQLite database) the writer is a task that saves each
//! batch with [`Store::insert_predictions`].
//!
//! A first visit's new session travels with its prediction: the sessions of a batch are
//! inserted in the batch's transaction (SQLite) or statement pair (PostgreSQL), before the
//! predictions, so a first visit costs no write of its own.
//!
//! If a batch fails, its rows are retried one by one, so one bad row does not fail the others.

use crate::error::{Result, StorageError};
use crate::predictions::{INSERT_CHUNK, INSERT_COLUMNS, NewPrediction};
use crate::sessions::{INSERT_SESSION, NewSession};
use crate::store::Store;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

type Reply = oneshot::Sender<Result<i64, Failure>>;

/// Why a row was not saved, as every waiting caller is told: the database could not be
/// reached (the caller answers 503), or anything else.
#[derive(Debug, Clone)]
enum Failure {
    Unavailable(String),
    Other(String),
}

impl Failure {
    fn of(e: &StorageError) -> Self {
        if e.is_unavailable() {
            Failure::Unavailable(e.to_string())
        } else {
            Failure::Other(e.to_string())
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unavailable(m) | Failure::Other(m) => f.write_str(m),
        }
    }
}

impl From<Failure> for StorageError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Unavailable(m) => StorageError::Unavailable(m),
            Failure::Other(m) => StorageError::Write(m),
        }
    }
}

/// A row to save, the new session it is saved under (if the session is new), and who waits.
struct Job {
    row: NewPrediction,
    session: Option<NewSession>,
    reply: Reply,
}

/// A batch taken from the queue.
fn split(batch: Vec<Job>) -> (Vec<NewPrediction>, Vec<NewSession>, Vec<Reply>) {
    let mut rows = Vec::with_capacity(batch.len());
    let mut sessions = Vec::new();
    let mut replies = Vec::with_capacity(batch.len());
    for j in batch {
        rows.push(j.row);
        sessions.extend(j.session);
        replies.push(j.reply);
    }
    (rows, sessions, replies)
}

/// The most turns of the runtime a drain lets pass, while rows keep arriving, before it
/// saves what has queued up.
const GATHER_TURNS: usize = 4;

/// Rows waiting for the task writer before `save` waits for room.
const QUEUE: usize = 8192;

/// How long a batch waits for the database's write lock (held by another writer), off the
/// runtime.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Commits between two checkpoints of the write-ahead log (about a thousand log pages).
const CHECKPOINT_COMMITS: u32 = 200;

/// Every this many checkpoints, the writer checkpoints itself, between two commits: the
/// others run beside the writer (PASSIVE, on their own connection) and cannot reach the end
/// of a log that grows meanwhile, so this one lets the next commit start the log over.
const FULL_CHECKPOINT_EVERY: u32 = 8;

/// A handle on the writer; clones share it.
#[derive(Clone)]
pub struct PredictionWriter {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Sqlite(Arc<SqliteWriter>),
    Task(mpsc::Sender<Job>),
}

impl PredictionWriter {
    /// Starts the writer for `store` (on a SQLite file its own connection, otherwise a task;
    /// both need a Tokio runtime when rows are saved).
    pub fn start(store: &Store) -> Result<PredictionWriter> {
        let kind = match &store.sqlite_file {
            Some(file) => Kind::Sqlite(Arc::new(SqliteWriter {
                queue: Mutex::new(Vec::new()),
                draining: AtomicBool::new(false),
                conn: Mutex::new(Writer {
                    conn: open(file)?,
                    commits: 0,
                    beside: 0,
                }),
                checkpointer: Mutex::new(open(file)?),
                checkpointing: AtomicBool::new(false),
            })),
            None => {
                let (tx, rx) = mpsc::channel::<Job>(QUEUE);
                tokio::spawn(task_loop(store.clone(), rx));
                Kind::Task(tx)
            }
        };
        Ok(PredictionWriter { kind })
    }

    /// Saves one prediction; returns its id once committed.
    pub async fn save(&self, row: NewPrediction) -> Result<i64> {
        self.save_with_session(row, None).await
    }

    /// Saves one prediction, and first the new session it is saved under (if given: a first
    /// visit), in the same batch; returns the prediction's id once committed.
    pub async fn save_with_session(
        &self,
        row: NewPrediction,
        session: Option<NewSession>,
    ) -> Result<i64> {
        let stopped = || StorageError::Write("the prediction writer has stopped".into());
        let (reply, answer) = oneshot::channel();
        let job = Job {
            row,
            session,
            reply,
        };
        match &self.kind {
            Kind::Sqlite(w) => w.queue(job),
            // Boxed: the channel's wait for room stays out of the caller's future.
            Kind::Task(tx) => Box::pin(tx.send(job)).await.map_err(|_| stopped())?,
        }
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(StorageError::from)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The SQLite writer: the queue, whether a drain task runs, and the connection.
struct SqliteWriter {
    queue: Mutex<Vec<Job>>,
    draining: AtomicBool,
    conn: Mutex<Writer>,
    /// Runs the checkpoints beside the writer.
    checkpointer: Mutex<Connection>,
    checkpointing: AtomicBool,
}

struct Writer {
    conn: Connection,
    /// Commits since the last checkpoint.
    commits: u32,
    /// Checkpoints beside the writer since the writer's own.
    beside: u32,
}

impl SqliteWriter {
    /// Queues a row and makes sure a drain task will save it.
    fn queue(self: &Arc<Self>, job: Job) {
        lock(&self.queue).push(job);
        if !self.draining.swap(true, Ordering::AcqRel) {
            tokio::spawn(self.clone().drain());
        }
    }

    /// Saves batches until the queue is empty.
    async fn drain(self: Arc<Self>) {
        loop {
            self.gather().await;
            let batch = std::mem::take(&mut *lock(&self.queue));
            if batch.is_empty() {
                self.draining.store(false, Ordering::Release);
                // A row queued after the take but before the flag was cleared found a drain
                // running and started none: take it up unless another drain did.
                if lock(&self.queue).is_empty() || self.draining.swap(true, Ordering::AcqRel) {
                    return;
                }
                continue;
            }
            let (rows, sessions, replies) = split(batch);
            let results = match self.try_save(&rows, &sessions) {
                Some(results) => results,
                // Locked by another writer, or time for a checkpoint: off the runtime.
                None => {
                    let this = self.clone();
                    tokio::task::spawn_blocking(move || this.save_waiting(&rows, &sessions))
                        .await
                        .unwrap_or_else(|e| {
                            vec![
                                Err(Failure::Other(format!("the writer failed: {e}")));
                                replies.len()
                            ]
                        })
                }
            };
            answer(replies.into_iter().zip(results));
        }
    }

    /// Lets the requests that are ready to run reach the queue first: under load the batch
    /// grows (fewer, larger commits), as long as each turn brings more rows, up to
    /// [`GATHER_TURNS`] turns of the runtime; when idle this returns after one.
    async fn gather(&self) {
        let mut queued = lock(&self.queue).len();
        for _ in 0..GATHER_TURNS {
            tokio::task::yield_now().await;
            let now = lock(&self.queue).len();
            if now == queued || now >= MAX_ROWS_PER_STATEMENT {
                return;
            }
            queued = now;
        }
    }

    /// Saves the batch now, or `None` if that could mean waiting (the database is locked by
    /// another writer, or the writer's own checkpoint is due).
    fn try_save(
        self: &Arc<Self>,
        rows: &[NewPrediction],
        sessions: &[NewSession],
    ) -> Option<Vec<Result<i64, Failure>>> {
        let mut w = lock(&self.conn);
        if w.beside >= FULL_CHECKPOINT_EVERY {
            return None;
        }
        match insert_batch(&mut w.conn, rows, sessions) {
            Err(e) if is_busy(&e) => None,
            result => {
                self.committed(&mut w);
                Some(results(&w.conn, rows, sessions, result))
            }
        }
    }

    /// Counts a commit; starts a checkpoint beside the writer when one is due.
    fn committed(self: &Arc<Self>, w: &mut Writer) {
        w.commits += 1;
        if w.commits < CHECKPOINT_COMMITS || self.checkpointing.swap(true, Ordering::AcqRel) {
            return;
        }
        w.commits = 0;
        w.beside += 1;
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            checkpoint(&lock(&this.checkpointer));
            this.checkpointing.store(false, Ordering::Release);
        });
    }

    /// The writer's own checkpoint when due, then the batch, waiting for the write lock if
    /// need be (on the blocking pool).
    fn save_waiting(
        self: &Arc<Self>,
        rows: &[NewPrediction],
        sessions: &[NewSession],
    ) -> Vec<Result<i64, Failure>> {
        let mut w = lock(&self.conn);
        if w.beside >= FULL_CHECKPOINT_EVERY {
            w.beside = 0;
            // After the one beside, if it still runs (only one checkpoint runs at a time).
            let _beside = lock(&self.checkpointer);
            checkpoint(&w.conn);
        }
        let _ = w.conn.busy_timeout(BUSY_TIMEOUT);
        let result = insert_batch(&mut w.conn, rows, sessions);
        let _ = w.conn.busy_timeout(Duration::ZERO);
        self.committed(&mut w);
        results(&w.conn, rows, sessions, result)
    }
}

/// Copies the write-ahead log into the database file, as far as no reader still needs it.
fn checkpoint(conn: &Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "checkpoint failed; retrying later");
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Each row's id, or, when the batch failed, each row saved on its own.
fn results(
    conn: &Connection,
    rows: &[NewPrediction],
    sessions: &[NewSession],
    batch: rusqlite::Result<Vec<i64>>,
) -> Vec<Result<i64, Failure>> {
    match batch {
        Ok(ids) => ids.into_iter().map(Ok).collect(),
        Err(e) => {
            tracing::warn!(error = %e, rows = rows.len(), "batch not saved; saving its rows one by one");
            for s in sessions {
                if let Err(e) = insert_session(conn, s) {
                    tracing::warn!(error = %e, "a new session was not saved");
                }
            }
            rows.iter()
                .map(|r| insert_one(conn, r).map_err(|e| Failure::Other(e.to_string())))
                .collect()
        }
    }
}

/// Opens the writer's connection with the same settings as the pools (WAL, normal sync,
/// foreign keys), no automatic checkpoint and no waiting for locks (see [`SqliteWriter`]).
fn open(file: &Path) -> Result<Connection> {
    let fail =
        |e: rusqlite::Error| StorageError::Write(format!("cannot open {}: {e}", file.display()));
    let conn = Connection::open(file).map_err(fail)?;
    conn.busy_timeout(Duration::ZERO).map_err(fail)?;
    // One statement per batch size up to MAX_ROWS_PER_STATEMENT, and the session insert.
    conn.set_prepared_statement_cache_capacity(MAX_ROWS_PER_STATEMENT + 4);
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 0; \
         PRAGMA journal_size_limit = 67108864;",
    )
    .map_err(fail)?;
    Ok(conn)
}

/// How SQLite rows hold times: as sqlx writes a `DateTime<Utc>`, so that both read back the
/// same and sort the same.
fn sqlite_time(t: &chrono::DateTime<chrono::Utc>) -> crate::TimeText {
    crate::rfc3339(t, crate::Zone::Offset)
}

/// `INSERT INTO predictions (…) VALUES ` with the one column list of every prediction write.
fn insert_into() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| format!("INSERT INTO predictions ({INSERT_COLUMNS}) VALUES "))
}

/// Values bound per row.
const ROW_VALUES: usize = 17;

/// The largest statement: a batch of up to this many rows is one statement (each statement
/// costs SQLite its own cursors on every index and parent table, and its own update of the id
/// sequence), a larger one goes in statements of this many and one for the rest. A statement
/// of every size is prepared once, when first needed.
const MAX_ROWS_PER_STATEMENT: usize = 32;

/// `INSERT … VALUES (?1, …, ?17, FALSE), (?18, …)` for `n` rows (at most
/// [`MAX_ROWS_PER_STATEMENT`]), built once.
fn insert_sql(n: usize) -> &'static str {
    static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = SQL.get_or_init(|| (0..=MAX_ROWS_PER_STATEMENT).map(build_insert_sql).collect());
    &all[n.min(MAX_ROWS_PER_STATEMENT)]
}

fn build_insert_sql(n: usize) -> String {
    let mut sql = String::from(insert_into());
    for row in 0..n {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for v in 1..=ROW_VALUES {
            sql.push_str(&format!("?{}, ", row * ROW_VALUES + v));
        }
        sql.push_str("FALSE)");
    }
    sql
}

/// Inserts `rows` (at most [`MAX_ROWS_PER_STATEMENT`]) with one statement; their ids in order.
/// One statement holds the write lock throughout and every row takes the largest id plus one,
/// so the ids are the consecutive run ending at `last_insert_rowid`.
fn insert_rows(conn: &Connection, rows: &[NewPrediction]) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(insert_sql(rows.len()))?;
    for (i, r) in rows.iter().enumerate() {
        // Each value bound by its own type (no `dyn ToSql` per value), in column order.
        let at = i * ROW_VALUES;
        stmt.raw_bind_parameter(at + 1, r.owner.user_id())?;
        stmt.raw_bind_parameter(at + 2, r.owner.session_id())?;
        stmt.raw_bind_parameter(at + 3, sqlite_time(&r.created_at).as_str())?;
        stmt.raw_bind_parameter(at + 4, r.league_id)?;
        stmt.raw_bind_parameter(at + 5, r.home_team_id)?;
        stmt.raw_bind_parameter(at + 6, r.away_team_id)?;
        stmt.raw_bind_parameter(at + 7, r.p_home)?;
        stmt.raw_bind_parameter(at + 8, r.p_draw)?;
        stmt.raw_bind_parameter(at + 9, r.p_away)?;
        stmt.raw_bind_parameter(at + 10, r.predicted_home_goals)?;
        stmt.raw_bind_parameter(at + 11, r.predicted_away_goals)?;
        stmt.raw_bind_parameter(at + 12, r.xg_home)?;
        stmt.raw_bind_parameter(at + 13, r.xg_away)?;
        stmt.raw_bind_parameter(at + 14, r.outcome.code())?;
        stmt.raw_bind_parameter(at + 15, r.confidence)?;
        stmt.raw_bind_parameter(at + 16, r.model_version_id)?;
        stmt.raw_bind_parameter(at + ROW_VALUES, r.fixture_id)?;
    }
    let inserted = stmt.raw_execute()?;
    let n = rows.len() as i64;
    if inserted as i64 != n {
        return Err(rusqlite::Error::StatementChangedRows(inserted));
    }
    let last = conn.last_insert_rowid();
    Ok((last - n + 1..=last).collect())
}

fn insert_one(conn: &Connection, r: &NewPrediction) -> rusqlite::Result<i64> {
    insert_rows(conn, std::slice::from_ref(r)).map(|ids| ids[0])
}

/// Stores a new session (or leaves a stored one as it is).
fn insert_session(conn: &Connection, s: &NewSession) -> rusqlite::Result<()> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        let upsert = INSERT_SESSION
            .find(" ON CONFLICT")
            .unwrap_or(INSERT_SESSION.len());
        format!("{} ON CONFLICT (id) DO NOTHING", &INSERT_SESSION[..upsert])
    });
    conn.prepare_cached(sql)?.execute(rusqlite::params![
        s.id,
        s.data,
        sqlite_time(&s.expiry).as_str(),
        s.user_id
    ])?;
    Ok(())
}

/// The batch's new sessions, then its rows, in one transaction; the rows' ids in order.
///
/// A batch of returning visitors' rows that fits one statement is that statement alone, its
/// own transaction: inside `BEGIN … COMMIT` SQLite keeps a statement journal for a multi-row
/// INSERT (a copy of every page it changes, spilled to a temporary file past 64 KiB, so that
/// a failing row could undo the statement without the transaction), which one statement that
/// is the whole transaction does not need.
fn insert_batch(
    conn: &mut Connection,
    rows: &[NewPrediction],
    sessions: &[NewSession],
) -> rusqlite::Result<Vec<i64>> {
    if sessions.is_empty() && rows.len() <= MAX_ROWS_PER_STATEMENT {
        return insert_rows(conn, rows);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for s in sessions {
        insert_session(&tx, s)?;
    }
    let mut ids = Vec::with_capacity(rows.len());
    let mut rest = rows;
    while !rest.is_empty() {
        let n = MAX_ROWS_PER_STATEMENT.min(rest.len());
        let (now, later) = rest.split_at(n);
        ids.extend(insert_rows(&tx, now)?);
        rest = later;
    }
    tx.commit()?;
    Ok(ids)
}

/// Answers the waiting callers and counts what was saved.
fn answer(results: impl Iterator<Item = (Reply, Result<i64, Failure>)>) {
    let (mut saved, mut failed) = (0u64, 0u64);
    for (reply, result) in results {
        match &result {
            Ok(_) => saved += 1,
            Err(e) => {
                failed += 1;
                tracing::error!(error = %e, "saving a prediction failed");
            }
        }
        let _ = reply.send(result);
    }
    metrics::counter!("predictions_saved_total").increment(saved);
    if failed > 0 {
        metrics::counter!("prediction_save_errors_total").increment(failed);
    }
    metrics::histogram!("prediction_write_batch_size").record((saved + failed) as f64);
}

/// The writer as a task, for PostgreSQL and in-memory SQLite.
async fn task_loop(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut rows: Vec<NewPrediction> = Vec::with_capacity(INSERT_CHUNK);
    let mut sessions: Vec<NewSession> = Vec::new();
    let mut replies: Vec<Reply> = Vec::with_capacity(INSERT_CHUNK);
    while let Some(job) = rx.recv().await {
        rows.push(job.row);
        sessions.extend(job.session);
        replies.push(job.reply);
        // Let the requests that are ready to run reach the queue too: under load the batch
        // grows (fewer, larger transactions); when idle this returns at once.
        tokio::task::yield_now().await;
        while rows.len() < INSERT_CHUNK {
            match rx.try_recv() {
                Ok(job) => {
                    rows.push(job.row);
                    sessions.extend(job.session);
                    replies.push(job.reply);
                }
                Err(_) => break,
            }
        }
        // The sessions first: a prediction is never stored without its session.
        if let Err(e) = store.insert_sessions(&sessions).await {
            tracing::warn!(error = %e, sessions = sessions.len(), "new sessions not saved; saving them one by one");
            for s in &sessions {
                if let Err(e) = store.insert_sessions(std::slice::from_ref(s)).await {
                    tracing::warn!(error = %e, "a new session was not saved");
                }
            }
        }
        sessions.clear();
        match store.insert_predictions(&rows).await {
            Ok(ids) => answer(replies.drain(..).zip(ids.into_iter().map(Ok))),
            Err(e) => {
                tracing::warn!(error = %e, rows = rows.len(), "batch not saved; saving its rows one by one");
                let mut one_by_one = Vec::with_capacity(rows.len());
                for r in &rows {
                    one_by_one.push(
                        store
                            .insert_predictions(std::slice::from_ref(r))
                            .await
                            .map_err(|e| Failure::of(&e))
                            .and_then(|ids| {
                                ids.first()
                                    .copied()
                                    .ok_or_else(|| Failure::Other("no id returned".into()))
                            }),
                    );
                }
                answer(replies.drain(..).zip(one_by_one));
            }
        }
        rows.clear();
    }
}
