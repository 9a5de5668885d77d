use super::Nav;
use askama::Template;

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
