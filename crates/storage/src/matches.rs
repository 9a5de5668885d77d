use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::NaiveDate;

/// A played match as the models and the team pages read it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct StoredMatch {
    pub id: i64,
    pub league_id: i64,
    pub season: String,
    pub match_date: NaiveDate,
    pub kickoff_time: Option<String>,
    pub home_team_id: i64,
    pub away_team_id: i64,
    pub home_team: String,
    pub away_team: String,
    pub home_goals: i64,
    pub away_goals: i64,
    #[sqlx(try_from = "String")]
    pub result: fp_model::Outcome,
    pub home_shots_on_target: Option<i64>,
    pub away_shots_on_target: Option<i64>,
    pub ps_close_home: Option<f64>,
    pub ps_close_draw: Option<f64>,
    pub ps_close_away: Option<f64>,
}

const SELECT_MATCH: &str = "SELECT m.id, m.league_id, m.season, m.match_date, m.kickoff_time, \
       m.home_team_id, m.away_team_id, h.name AS home_team, a.name AS away_team, \
       m.home_goals, m.away_goals, m.result, m.home_shots_on_target, m.away_shots_on_target, \
       m.ps_close_home, m.ps_close_draw, m.ps_close_away \
     FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id";

impl Store {
    pub async fn count_matches(&self) -> Result<i64> {
        Ok(on_pool!(self.reader(), |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM matches"
        )
        .fetch_one(p)
        .await?))
    }

    /// All matches of a league in date order (the models' training data).
    pub async fn league_matches(&self, league_id: i64) -> Result<Vec<StoredMatch>> {
        let sql = format!(
            "{SELECT_MATCH} WHERE m.league_id = $1 ORDER BY m.match_date, m.kickoff_time, m.id"
        );
        Ok(on_pool!(self.reader(), |p| sqlx::query_as(sql.as_str())
            .bind(league_id)
            .fetch_all(p)
            .await?))
    }
}
