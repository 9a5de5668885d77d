use super::Nav;
use super::charts::{HeatMap, ProbabilityBars};
use askama::Template;

pub struct FormLine {
    pub date: String,
    pub opponent: String,
    pub score: String,
    pub result: String,
}

/// One team's recent games.
pub struct FormTable {
    pub team: String,
    pub games: Vec<FormLine>,
}

pub struct Meeting {
    pub date: String,
    pub home: String,
    pub score: String,
    pub away: String,
    /// The market's home/draw/away before that match (margin removed), or "–".
    pub market: String,
}

pub struct ScoreRow {
    pub score: String,
    pub probability: String,
}

pub struct MarketRow {
    pub name: String,
    pub value: String,
}

pub struct ResultView {
    pub home_team: String,
    pub away_team: String,
    pub league_code: String,
    pub league_name: String,
    pub created: String,
    pub model_version: String,
    pub data_to: String,
    pub bars: ProbabilityBars,
    pub outcome_text: String,
    pub confidence: String,
    pub xg_home: String,
    pub xg_away: String,
    pub score: String,
    pub top_scores: Vec<ScoreRow>,
    pub heat_map: HeatMap,
    pub markets: Vec<MarketRow>,
    pub form: Vec<FormTable>,
    pub h2h_summary: String,
    pub h2h_link: String,
    pub meetings: Vec<Meeting>,
    /// "Final score 2-1: the favourite won; RPS 0.145", once graded.
    pub graded: Option<String>,
    /// How recent the data is, and whether a team has left the current season.
    pub freshness: String,
    pub stale: bool,
}

#[derive(Template)]
#[template(path = "result.html")]
pub struct ResultPage {
    pub nav: Nav,
    pub r: ResultView,
}
