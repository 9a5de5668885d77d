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

/// An upcoming fixture with the model's and the market's figures.
pub struct FixtureLine {
    pub id: i64,
    pub kickoff: String,
    pub home_team: String,
    pub away_team: String,
    pub model: [String; 3],
    pub expected_goals: String,
    /// The market's margin-free probabilities, when the fixture has odds.
    pub market: Option<[String; 3]>,
}

/// The fixtures of one day.
pub struct FixtureDay {
    pub date: String,
    pub fixtures: Vec<FixtureLine>,
}

/// A team's season odds.
pub struct SeasonLine {
    pub team: String,
    pub played: u32,
    pub points: u32,
    pub expected_points: String,
    pub title: String,
    pub top4: String,
    pub relegation: String,
}

/// The season odds section.
pub struct SeasonView {
    pub season: String,
    pub simulations: String,
    pub remaining: usize,
    pub relegation_places: usize,
    pub lines: Vec<SeasonLine>,
    pub chart: String,
}

#[derive(Template)]
#[template(path = "league.html")]
pub struct LeaguePage {
    pub nav: Nav,
    pub code: String,
    pub name: String,
    pub season: String,
    /// "Results up to …", and a warning when they are old during a season.
    pub freshness: String,
    pub stale: bool,
    pub days: Vec<FixtureDay>,
    pub odds: Option<SeasonView>,
    pub table: Vec<TableLine>,
    pub ratings: Vec<RatingLine>,
}

/// One team's bars of [`SeasonChart`].
pub struct SeasonBar {
    pub team: String,
    pub y: f64,
    pub text_y: f64,
    pub title: String,
    pub top: String,
    pub relegation: String,
    pub title_text: String,
    pub top_text: String,
    pub relegation_text: String,
}

/// Title, top-4 and relegation probabilities per team as bars.
#[derive(Template)]
#[template(path = "charts/season.svg", escape = "html")]
pub struct SeasonChart {
    pub label: String,
    pub height: f64,
    pub rows: Vec<SeasonBar>,
}

impl SeasonChart {
    /// `teams`: (name, title, top 4, relegation) probabilities, in table order.
    pub fn new(teams: &[(String, f64, f64, f64)], label: &str) -> Self {
        const WIDTH: f64 = 180.0;
        let pct = |p: f64| format!("{:.1}%", p * 100.0);
        let rows: Vec<SeasonBar> = teams
            .iter()
            .enumerate()
            .map(|(i, (team, title, top, rel))| {
                let y = 24.0 + 18.0 * i as f64;
                SeasonBar {
                    team: team.clone(),
                    y,
                    text_y: y + 11.0,
                    title: format!("{:.1}", WIDTH * title.clamp(0.0, 1.0)),
                    top: format!("{:.1}", WIDTH * top.clamp(0.0, 1.0)),
                    relegation: format!("{:.1}", WIDTH * rel.clamp(0.0, 1.0)),
                    title_text: pct(*title),
                    top_text: pct(*top),
                    relegation_text: pct(*rel),
                }
            })
            .collect();
        SeasonChart {
            label: label.to_string(),
            height: 30.0 + 18.0 * rows.len() as f64,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn season_bars_scale_and_escape() {
        let c = SeasonChart::new(
            &[("A&B".into(), 0.5, 1.0, 0.0), ("C".into(), 0.0, 0.25, 0.75)],
            "odds",
        );
        assert_eq!(c.rows[0].title, "90.0");
        assert_eq!(c.rows[1].relegation, "135.0");
        let svg = c.render().unwrap();
        assert!(!svg.contains("A&B") && svg.contains("relegation 75.0%"));
        assert!(
            SeasonChart::new(&[], "x")
                .render()
                .unwrap()
                .contains("No season odds")
        );
    }
}
