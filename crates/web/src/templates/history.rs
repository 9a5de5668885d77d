use super::Nav;
use askama::Template;

pub struct HistoryItem {
    pub id: i64,
    pub created: String,
    pub league_code: String,
    pub home_team: String,
    pub away_team: String,
    pub home: String,
    pub draw: String,
    pub away: String,
    pub summary: String,
    /// "2-1 · favourite won · RPS 0.145" once graded, else "–".
    pub result: String,
}

/// The question asked before deleting.
pub struct Confirm {
    pub count: String,
    pub ids: Vec<i64>,
    pub all: bool,
}

/// One choice of the outcome filter.
pub struct OutcomeOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
pub struct HistoryView {
    pub nav: Nav,
    pub leagues: Vec<super::LeagueOption>,
    pub outcomes: Vec<OutcomeOption>,
    /// The graded filter as sent: `yes`, `no` or empty.
    pub graded: String,
    pub query: String,
    pub confirm: Option<Confirm>,
    pub message: Option<String>,
    pub filtered: bool,
    pub total: i64,
    pub first: i64,
    pub last: i64,
    pub page: i64,
    pub pages: i64,
    pub items: Vec<HistoryItem>,
    pub prev: Option<String>,
    pub next: Option<String>,
}
