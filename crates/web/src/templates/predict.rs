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
