//! Page templates (askama: compiled, type-checked, HTML-escaped by default) and the small
//! formatting helpers they share.

use crate::session::Session;
use crate::state::AppState;
use askama::Template;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A probability as a percentage with one decimal, "55.7%". Rounded in integers: a history
/// page shows hundreds of these, and formatting floats to a precision is slow.
pub fn pct(p: f64) -> String {
    let tenths = (p * 1000.0).round();
    if !tenths.is_finite() || tenths.abs() >= 1e15 {
        return format!("{:.1}%", p * 100.0);
    }
    let t = tenths as i64;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}%", t.abs() / 10, t.abs() % 10)
}

/// A time to the minute, "2026-11-30 07:05" (what `%Y-%m-%d %H:%M` gives, without parsing
/// the format for every row of a page).
pub fn minute(t: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

pub fn outcome_text(code: &str, home: &str, away: &str) -> String {
    match code {
        "H" => format!("{home} win"),
        "A" => format!("{away} win"),
        _ => "Draw".to_string(),
    }
}

/// Renders a template; a rendering failure is logged and shown as a short message.
pub fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        "<!doctype html><title>Error</title><p>This page could not be shown.</p>".to_string()
    })
}

/// What every page's header needs.
pub struct Nav {
    pub css: String,
    pub js: String,
    pub username: Option<String>,
}

impl Nav {
    pub fn new(state: &AppState, session: &Session) -> Self {
        Nav {
            css: state.assets().url("app.css"),
            js: state.assets().url("app.js"),
            username: session.username.clone(),
        }
    }

    /// For error pages rendered without request context.
    pub fn anonymous() -> Self {
        let assets = crate::assets::Assets::shared();
        Nav {
            css: assets.url("app.css"),
            js: assets.url("app.js"),
            username: None,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub nav: Nav,
    pub status: u16,
    pub title: String,
    pub message: String,
}

pub struct LeagueRow {
    pub code: String,
    pub name: String,
    pub matches: i64,
    pub last_date: String,
    pub model_rps: String,
    pub odds_rps: String,
}

pub struct RecentItem {
    pub id: i64,
    pub home_team: String,
    pub away_team: String,
    pub league_code: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub nav: Nav,
    pub hint: &'static str,
    pub leagues: Vec<LeagueRow>,
    pub teams: i64,
    pub matches: i64,
    pub predictions: i64,
    pub recent: Vec<RecentItem>,
}

pub struct LeagueOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Default, Clone)]
pub struct FormRow {
    pub home: String,
    pub away: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "predict.html")]
pub struct PredictPage {
    pub nav: Nav,
    pub leagues: Vec<LeagueOption>,
    pub league: Option<String>,
    pub teams: Vec<String>,
    pub rows: Vec<FormRow>,
    pub error: Option<String>,
}

pub struct FormLine {
    pub date: String,
    pub opponent: String,
    pub score: String,
    pub result: String,
}

pub struct Meeting {
    pub date: String,
    pub home: String,
    pub score: String,
    pub away: String,
}

pub struct ResultView {
    pub home_team: String,
    pub away_team: String,
    pub league_code: String,
    pub league_name: String,
    pub created: String,
    pub model_version: String,
    pub data_to: String,
    pub bars: String,
    pub outcome_text: String,
    pub confidence: String,
    pub xg_home: String,
    pub xg_away: String,
    pub score: String,
    pub top_scores: Vec<(String, String)>,
    pub heat_map: String,
    pub markets: Vec<(String, String)>,
    pub form: Vec<(String, Vec<FormLine>)>,
    pub h2h_summary: String,
    pub h2h_link: String,
    pub meetings: Vec<Meeting>,
}

#[derive(Template)]
#[template(path = "result.html")]
pub struct ResultPage {
    pub nav: Nav,
    pub r: ResultView,
}

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
}

pub struct Confirm {
    pub count: String,
    pub ids: Vec<i64>,
    pub all: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
pub struct HistoryView {
    pub nav: Nav,
    pub leagues: Vec<LeagueOption>,
    pub outcomes: Vec<(&'static str, &'static str, bool)>,
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

#[derive(Template)]
#[template(path = "team.html")]
pub struct TeamPage {
    pub nav: Nav,
    pub name: String,
    pub league_code: String,
    pub league_name: String,
    pub records: Vec<(&'static str, Vec<String>)>,
    pub form: Vec<FormLine>,
    pub ratings: String,
    pub chart: String,
}

#[derive(Template)]
#[template(path = "h2h.html")]
pub struct H2hPage {
    pub nav: Nav,
    pub league_code: String,
    pub teams: Vec<String>,
    pub a: String,
    pub b: String,
    pub summary: String,
    pub meetings: Vec<Meeting>,
}

#[derive(Template)]
#[template(path = "league.html")]
pub struct LeaguePage {
    pub nav: Nav,
    pub code: String,
    pub name: String,
    pub season: String,
    pub table: Vec<(i64, String, Vec<String>)>,
    pub ratings: Vec<(i64, String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub nav: Nav,
    pub leagues: Vec<AboutRow>,
}

pub struct AboutRow {
    pub name: String,
    pub model_rps: String,
    pub odds_rps: String,
    pub matches: String,
}

#[derive(Template)]
#[template(path = "auth.html")]
pub struct AuthPage {
    pub nav: Nav,
    pub title: &'static str,
    pub action: &'static str,
    pub show_username: bool,
    pub show_current: bool,
    pub username: String,
    pub error: Option<String>,
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Same text as formatting the float, but where the product lands within a rounding
        /// error of a tie (there either neighbour is right).
        #[test]
        fn pct_matches_float_formatting(p in 0.0f64..=1.0) {
            let ours = pct(p);
            let float = format!("{:.1}%", p * 100.0);
            let near_tie = ((p * 1000.0).fract() - 0.5).abs() < 1e-6;
            prop_assert!(ours == float || near_tie, "{p}: {ours} vs {float}");
        }

        #[test]
        fn minute_matches_strftime(secs in 0i64..4_102_444_800) {
            let t = chrono::DateTime::from_timestamp(secs, 0).unwrap();
            prop_assert_eq!(minute(&t), t.format("%Y-%m-%d %H:%M").to_string());
        }
    }

    #[test]
    fn pct_examples() {
        assert_eq!(pct(0.5571111467197948), "55.7%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(pct(1.0), "100.0%");
        assert_eq!(pct(0.08347), "8.3%");
        assert_eq!(pct(0.99996), "100.0%");
    }
}
