use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::NaiveDate;

/// A league with a summary of its data.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct League {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub matches: i64,
    pub teams: i64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Team {
    pub id: i64,
    pub league_id: i64,
    pub name: String,
}

const LEAGUE_SUMMARY: &str = "SELECT l.id, l.code, l.name, \
       (SELECT COUNT(*) FROM matches m WHERE m.league_id = l.id) AS matches, \
       (SELECT COUNT(*) FROM teams t WHERE t.league_id = l.id) AS teams, \
       (SELECT MIN(m.match_date) FROM matches m WHERE m.league_id = l.id) AS first_date, \
       (SELECT MAX(m.match_date) FROM matches m WHERE m.league_id = l.id) AS last_date \
     FROM leagues l";

impl Store {
    /// Every league with its match and team counts and data range, by code.
    pub async fn leagues(&self) -> Result<Vec<League>> {
        let sql = format!("{LEAGUE_SUMMARY} ORDER BY l.code");
        Ok(on_pool!(self.reader(), |p| sqlx::query_as(sql.as_str())
            .fetch_all(p)
            .await?))
    }

    pub async fn league(&self, code: &str) -> Result<Option<League>> {
        let sql = format!("{LEAGUE_SUMMARY} WHERE l.code = $1");
        Ok(on_pool!(self.reader(), |p| sqlx::query_as(sql.as_str())
            .bind(code)
            .fetch_optional(p)
            .await?))
    }

    /// The teams of a league, by name.
    pub async fn teams(&self, league_id: i64) -> Result<Vec<Team>> {
        let sql = "SELECT id, league_id, name FROM teams WHERE league_id = $1 ORDER BY name";
        Ok(on_pool!(self.reader(), |p| sqlx::query_as(sql)
            .bind(league_id)
            .fetch_all(p)
            .await?))
    }

    /// Finds a team by its name or any alias.
    pub async fn team_by_name(&self, league_id: i64, name: &str) -> Result<Option<Team>> {
        let sql = "SELECT t.id, t.league_id, t.name FROM team_aliases a \
                   JOIN teams t ON t.id = a.team_id WHERE a.league_id = $1 AND a.alias = $2";
        Ok(on_pool!(self.reader(), |p| sqlx::query_as(sql)
            .bind(league_id)
            .bind(name)
            .fetch_optional(p)
            .await?))
    }

    /// Makes `alias` another spelling of `team_id`. Later imports that use the alias land on
    /// that team.
    pub async fn add_team_alias(&self, team_id: i64, alias: &str) -> Result<()> {
        let sql = "INSERT INTO team_aliases (league_id, alias, team_id) \
                   SELECT league_id, $2, id FROM teams WHERE id = $1 \
                   ON CONFLICT (league_id, alias) DO UPDATE SET team_id = excluded.team_id";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(team_id)
            .bind(alias)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }
}
