use super::Nav;
use askama::Template;

/// A table's row count.
pub struct TableCount {
    pub table: String,
    pub rows: String,
}

/// The stats job's latest measurement, as shown.
pub struct DatabaseFigures {
    pub backend: String,
    pub size: String,
    pub wal: Option<String>,
    pub active: String,
    pub archived: String,
    pub sessions: String,
    pub accounts: String,
    pub oldest: String,
    pub measured: String,
    pub tables: Vec<TableCount>,
}

/// What this instance sees of the services it uses.
pub struct ServiceLines {
    pub database: String,
    pub replica: Option<String>,
    pub cache: String,
    pub generation: u64,
    pub models: usize,
    pub leagues: usize,
    pub data_version: i64,
    pub mail: String,
}

/// One mail of the outbox.
pub struct MailLine {
    pub id: i64,
    pub queued: String,
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i32,
    pub error: String,
    pub failed: bool,
}

/// A job and its last run.
pub struct JobLine {
    pub name: String,
    pub schedule: String,
    pub last: String,
}

/// One recorded run.
pub struct RunLine {
    pub job: String,
    pub started: String,
    pub took: String,
    pub status: String,
    pub instance: String,
    pub message: String,
}

/// One admin action.
pub struct ActionLine {
    pub at: String,
    pub who: String,
    pub action: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
pub struct AdminPage {
    pub nav: Nav,
    pub message: Option<String>,
    pub figures: Option<DatabaseFigures>,
    /// The database size by day, drawn.
    pub size_chart: Option<String>,
    pub services: ServiceLines,
    pub jobs: Vec<JobLine>,
    pub runs: Vec<RunLine>,
    pub mails: Vec<MailLine>,
    /// Weeks with a stored report, newest first.
    pub reports: Vec<String>,
    pub actions: Vec<ActionLine>,
}

/// A league's line of a weekly report.
pub struct ReportLeague {
    pub league: String,
    pub graded: i64,
    pub right: String,
    pub mean_rps: String,
    /// The calibration chart (SVG).
    pub chart: String,
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    pub nav: Nav,
    pub week: String,
    pub from: String,
    pub to: String,
    pub generated: String,
    pub leagues: Vec<ReportLeague>,
    pub made: i64,
    pub accounts: i64,
    pub sessions: i64,
    /// (league, newest result).
    pub freshness: Vec<(String, String)>,
    pub failures: Vec<String>,
}
