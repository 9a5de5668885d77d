use super::Nav;
use askama::Template;

#[derive(Template)]
#[template(path = "h2h.html")]
pub struct H2hPage {
    pub nav: Nav,
    pub league_code: String,
    pub teams: Vec<String>,
    pub a: String,
    pub b: String,
    pub summary: String,
    pub meetings: Vec<super::Meeting>,
}
