//! Everything the server needs to answer a prediction without touching the database:
//! leagues, teams, results and the current model of every league, loaded once and swapped
//! whole when the data or the models change.

use crate::EngineError;
use crate::refit::{Evaluation, StoredModel, game_of, load_current_models};
use chrono::NaiveDate;
use fp_model::elo::EloRatings;
use fp_model::facts::{self, FormEntry, HeadToHead, TeamRecord};
use fp_model::markets::{Markets, ScoreMatrix};
use fp_model::predictor::Forecast;
use fp_model::{Game, TeamId};
use fp_storage::{League, ModelVersion, Store, StoredFixture, Team};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// One league's data in memory.
pub struct LeagueEntry {
    pub league: League,
    pub teams: Vec<Team>,
    by_name: Lookup<String>,
    by_id: Lookup<i64>,
    /// All results, oldest first.
    pub games: Vec<Game>,
    pub model: Option<(ModelVersion, StoredModel)>,
    /// Elo rating after each match, per team: (date, rating).
    pub rating_history: HashMap<i64, Vec<(NaiveDate, f64)>>,
    /// Indices into `games` of each team's matches, oldest first.
    by_team: HashMap<TeamId, Vec<usize>>,
    /// Fixtures without a result, soonest first.
    pub fixtures: Vec<StoredFixture>,
    /// The season odds, once computed (see `LeagueEntry::season_outlook`).
    pub(crate) outlook: std::sync::OnceLock<Option<crate::outlook::SeasonOutlook>>,
    /// The current season's teams, once asked for (see `LeagueEntry::current_team_ids`).
    pub(crate) current_teams: std::sync::OnceLock<std::collections::BTreeSet<i64>>,
}

/// Two teams of a league with a model, checked but not yet predicted.
#[derive(Clone, Copy)]
pub struct Fixture<'a> {
    pub league: &'a LeagueEntry,
    pub home: &'a Team,
    pub away: &'a Team,
    pub version: &'a ModelVersion,
    model: &'a StoredModel,
}

impl<'a> Fixture<'a> {
    /// Runs the model (the costly part: a score matrix per member model).
    pub fn forecast(&self) -> Forecast {
        self.model
            .model
            .predict(self.home.id as TeamId, self.away.id as TeamId)
    }

    /// Names this fixture under this model version: the same key gives the same forecast.
    pub fn cache_key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.league.league.id, self.home.id, self.away.id, self.version.id
        )
    }

    /// The fixture with its forecast (from [`Fixture::forecast`], usually through a cache).
    pub fn with_forecast(self, forecast: Arc<Forecast>) -> FixturePrediction<'a> {
        FixturePrediction {
            league: self.league,
            home: self.home,
            away: self.away,
            version: self.version,
            forecast,
        }
    }
}

/// A prediction for two teams of a league, with the facts shown next to it.
pub struct FixturePrediction<'a> {
    pub league: &'a LeagueEntry,
    pub home: &'a Team,
    pub away: &'a Team,
    pub forecast: Arc<Forecast>,
    pub version: &'a ModelVersion,
}

/// Why a prediction request cannot be answered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LookupError {
    #[error("unknown league \"{0}\"")]
    UnknownLeague(String),
    #[error("unknown team \"{team}\" in league {league}")]
    UnknownTeam { league: String, team: String },
    #[error("home and away team must differ")]
    SameTeam,
    #[error("league {0} has no fitted model yet (run `football-predictor refit`)")]
    NoModel(String),
}

/// Positions by name or id, looked up on every request (a prediction looks up its league and
/// both teams): hashed with ahash, keyed per process like SipHash but cheaper.
type Lookup<K> = HashMap<K, usize, ahash::RandomState>;

#[derive(Default)]
pub struct Catalog {
    /// Different for every catalog this process loads: anything derived from a catalog can be
    /// kept under its serial and is never mistaken for the figures of a later load.
    serial: u64,
    pub leagues: Vec<LeagueEntry>,
    by_code: Lookup<String>,
    league_by_id: Lookup<i64>,
    pub total_matches: i64,
    pub total_teams: i64,
}

impl Catalog {
    pub async fn load(store: &Store) -> Result<Catalog, EngineError> {
        static LOADS: AtomicU64 = AtomicU64::new(0);
        let mut models = load_current_models(store).await?;
        let mut catalog = Catalog {
            serial: LOADS.fetch_add(1, Ordering::Relaxed) + 1,
            ..Catalog::default()
        };
        for league in store.leagues().await? {
            let teams = store.teams(league.id).await?;
            let fixtures = store.upcoming_fixtures(league.id).await?;
            let matches = store.league_matches(league.id).await?;
            let games: Vec<Game> = matches.iter().map(game_of).collect();
            let by_name = teams
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name.clone(), i))
                .collect();
            let by_id = teams.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
            let model = models.remove(&league.id);
            let config = model
                .as_ref()
                .map(|(_, m)| m.model.elo.config)
                .unwrap_or_default();
            let mut elo = EloRatings::new(config);
            let mut rating_history: HashMap<i64, Vec<(NaiveDate, f64)>> = HashMap::new();
            for g in &games {
                elo.update(g);
                for t in [g.home, g.away] {
                    rating_history
                        .entry(i64::from(t))
                        .or_default()
                        .push((g.date, elo.rating(t, g.date)));
                }
            }
            let mut by_team: HashMap<TeamId, Vec<usize>> = HashMap::new();
            for (i, g) in games.iter().enumerate() {
                by_team.entry(g.home).or_default().push(i);
                by_team.entry(g.away).or_default().push(i);
            }
            catalog.total_matches += league.matches;
            catalog.total_teams += league.teams;
            catalog
                .by_code
                .insert(league.code.clone(), catalog.leagues.len());
            catalog
                .league_by_id
                .insert(league.id, catalog.leagues.len());
            catalog.leagues.push(LeagueEntry {
                league,
                teams,
                by_name,
                by_id,
                games,
                model,
                rating_history,
                by_team,
                fixtures,
                outlook: std::sync::OnceLock::new(),
                current_teams: std::sync::OnceLock::new(),
            });
        }
        Ok(catalog)
    }

    /// See the field: 0 for an empty catalog that was not loaded, then 1, 2, … per load.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    pub fn league(&self, code: &str) -> Option<&LeagueEntry> {
        self.by_code.get(code).map(|&i| &self.leagues[i])
    }

    pub fn league_by_id(&self, id: i64) -> Option<&LeagueEntry> {
        self.league_by_id.get(&id).map(|&i| &self.leagues[i])
    }

    /// Leagues that have a model and can be predicted.
    pub fn has_models(&self) -> bool {
        self.leagues.iter().any(|l| l.model.is_some())
    }

    /// Checks a fixture by league code and team names, without running the model.
    pub fn fixture(
        &self,
        league: &str,
        home: &str,
        away: &str,
    ) -> Result<Fixture<'_>, LookupError> {
        let entry = self
            .league(league)
            .ok_or_else(|| LookupError::UnknownLeague(league.to_string()))?;
        let find = |name: &str| {
            entry.team(name).ok_or_else(|| LookupError::UnknownTeam {
                league: league.to_string(),
                team: name.to_string(),
            })
        };
        let (h, a) = (find(home)?, find(away)?);
        entry.fixture(h, a)
    }
}

impl LeagueEntry {
    pub fn team(&self, name: &str) -> Option<&Team> {
        self.by_name.get(name).map(|&i| &self.teams[i])
    }

    pub fn team_by_id(&self, id: i64) -> Option<&Team> {
        self.by_id.get(&id).map(|&i| &self.teams[i])
    }

    pub fn fixture<'a>(
        &'a self,
        home: &'a Team,
        away: &'a Team,
    ) -> Result<Fixture<'a>, LookupError> {
        if home.id == away.id {
            return Err(LookupError::SameTeam);
        }
        let (version, model) = self
            .model
            .as_ref()
            .ok_or_else(|| LookupError::NoModel(self.league.code.clone()))?;
        Ok(Fixture {
            league: self,
            home,
            away,
            version,
            model,
        })
    }

    /// A team's matches, oldest first (from the per-team index: no scan of the league).
    fn team_games(&self, team: TeamId) -> impl DoubleEndedIterator<Item = &Game> {
        self.by_team
            .get(&team)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.games[i])
    }

    /// The date of a team's newest result.
    pub(crate) fn team_last_game(&self, team: TeamId) -> Option<NaiveDate> {
        self.team_games(team).next_back().map(|g| g.date)
    }

    pub fn form(&self, team: i64, n: usize) -> Vec<FormEntry> {
        let t = team as TeamId;
        let recent: Vec<Game> = self.team_games(t).rev().take(n).copied().collect();
        facts::form(&recent, t, n)
    }

    pub fn record(&self, team: i64) -> TeamRecord {
        let t = team as TeamId;
        let games: Vec<Game> = self.team_games(t).copied().collect();
        facts::record(&games, t)
    }

    pub fn head_to_head(&self, a: i64, b: i64, n: usize) -> HeadToHead {
        let (ta, tb) = (a as TeamId, b as TeamId);
        let meetings: Vec<Game> = self
            .team_games(ta)
            .filter(|g| g.home == tb || g.away == tb)
            .copied()
            .collect();
        facts::head_to_head(&meetings, ta, tb, n)
    }

    pub fn team_name(&self, id: TeamId) -> &str {
        self.team_by_id(i64::from(id))
            .map_or("?", |t| t.name.as_str())
    }

    /// The season of the latest result, e.g. `2025-26`, and its table.
    pub fn current_table(&self) -> Option<(String, Vec<facts::TableRow>)> {
        let last = self.games.last()?;
        let season_start = if chrono::Datelike::month(&last.date) >= 7 {
            chrono::Datelike::year(&last.date)
        } else {
            chrono::Datelike::year(&last.date) - 1
        };
        let from = NaiveDate::from_ymd_opt(season_start, 7, 1)?;
        let games: Vec<Game> = self
            .games
            .iter()
            .filter(|g| g.date >= from)
            .copied()
            .collect();
        Some((
            format!("{season_start}-{:02}", (season_start + 1) % 100),
            facts::table(&games),
        ))
    }

    /// Teams of the current season ranked by the model (attack minus defence, best first).
    pub fn ratings(&self) -> Vec<RankedTeam<'_>> {
        let Some((_, table)) = self.current_table() else {
            return Vec::new();
        };
        let mut rows: Vec<_> = table
            .iter()
            .filter_map(|r| self.team_by_id(i64::from(r.team)))
            .filter_map(|team| {
                Some(RankedTeam {
                    team,
                    ratings: self.team_ratings(team.id)?,
                })
            })
            .collect();
        rows.sort_by(|x, y| {
            (y.ratings.attack - y.ratings.defence)
                .total_cmp(&(x.ratings.attack - x.ratings.defence))
        });
        rows
    }

    /// A team's ratings under the league's current model, if it has one.
    pub fn team_ratings(&self, team: i64) -> Option<TeamRatings> {
        let (version, stored) = self.model.as_ref()?;
        let model = &stored.model;
        let (attack, defence) = model.team_ratings(team as TeamId);
        Some(TeamRatings {
            attack,
            defence,
            elo: model.elo.rating(team as TeamId, model.fitted_for),
            model_version: version.id,
            data_to: version.data_to,
        })
    }

    /// The current model's version, if the league has a model.
    pub fn model_version(&self) -> Option<&ModelVersion> {
        self.model.as_ref().map(|(v, _)| v)
    }

    /// How the current model did out of sample, if measured.
    pub fn evaluation(&self) -> Option<&Evaluation> {
        self.model.as_ref().and_then(|(_, m)| m.evaluation.as_ref())
    }

    /// Markets of a stored prediction, rebuilt from its expected goals and probabilities with
    /// the league's current low-score correction.
    pub fn stored_markets(
        &self,
        xg_home: f64,
        xg_away: f64,
        p: &fp_model::Probabilities,
    ) -> (Markets, ScoreMatrix) {
        let rho = self.model.as_ref().map_or(0.0, |(_, m)| m.model.rho());
        stored_markets(xg_home, xg_away, rho, p)
    }
}

/// A team's strength under a league's current model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TeamRatings {
    /// Attack of the goal model (log scale, 0 = league average).
    pub attack: f64,
    /// Defence of the goal model (log scale; lower is better).
    pub defence: f64,
    pub elo: f64,
    pub model_version: i64,
    pub data_to: NaiveDate,
}

/// A team with its ratings, for a league's ranking.
pub struct RankedTeam<'a> {
    pub team: &'a Team,
    pub ratings: TeamRatings,
}

/// Markets for a stored prediction: from its expected goals and probabilities.
pub fn stored_markets(
    xg_home: f64,
    xg_away: f64,
    rho: f64,
    p: &fp_model::Probabilities,
) -> (Markets, ScoreMatrix) {
    fp_model::predictor::calibrated_markets(xg_home.max(0.01), xg_away.max(0.01), rho, p)
}
