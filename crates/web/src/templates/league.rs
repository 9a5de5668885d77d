use super::Nav;
use askama::Template;

/// A team's line of the league table.
pub struct TableLine {
    pub team_id: i64,
    pub team: String,
    pub cells: Vec<String>,
}

/// A team's line of the model's ranking.
pub struct RatingLine {
    pub team_id: i64,
    pub team: String,
    pub attack: String,
    pub defence: String,
    pub elo: String,
}

#[derive(Template)]
#[template(path = "league.html")]
pub struct LeaguePage {
    pub nav: Nav,
    pub code: String,
    pub name: String,
    pub season: String,
    pub table: Vec<TableLine>,
    pub ratings: Vec<RatingLine>,
}
