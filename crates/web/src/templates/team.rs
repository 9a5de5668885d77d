use super::Nav;
use super::charts::LineChart;
use askama::Template;

/// A team's record at one venue (or in total).
pub struct RecordRow {
    pub venue: &'static str,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "team.html")]
pub struct TeamPage {
    pub nav: Nav,
    pub name: String,
    pub league_code: String,
    pub league_name: String,
    pub records: Vec<RecordRow>,
    pub form: Vec<super::FormLine>,
    pub ratings: String,
    pub chart: LineChart,
}
