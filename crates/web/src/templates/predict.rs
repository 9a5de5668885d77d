use super::Nav;
use askama::Template;

pub struct LeagueOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// One match of the form, as entered, and what is wrong with it.
#[derive(Default, Clone)]
pub struct FormRow {
    pub home: String,
    pub away: String,
    pub error: Option<String>,
}

/// A team not in the current season, with the date of its newest result.
pub struct PastTeam {
    pub name: String,
    pub last_played: String,
}

#[derive(Template)]
#[template(path = "predict.html")]
pub struct PredictPage {
    pub nav: Nav,
    pub leagues: Vec<LeagueOption>,
    pub league: Option<String>,
    /// The current season's teams, then past teams (with their last season).
    pub teams: Vec<String>,
    pub past_teams: Vec<PastTeam>,
    pub rows: Vec<FormRow>,
    pub error: Option<String>,
}
