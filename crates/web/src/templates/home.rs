use super::Nav;
use askama::Template;

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
