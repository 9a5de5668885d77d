//! What a prediction shows of itself, from a stored row or a new one: its figures, the
//! fixture it was made from, its result once graded, and the facts around it.

use super::forecasts::FixtureFacts;
use crate::dto::{
    FormGame, FormPair, GoalsPair, GradedResult, HeadToHead, ModelInfo, PredictionBody,
    Probabilities, ScorePair,
};
use fp_engine::{FixturePrediction, LeagueEntry};
use fp_model::Outcome;
use fp_model::markets::Markets;
use fp_storage::{NewPrediction, PredictionRow};

/// What a prediction shows of itself, from a stored row or a new one.
pub struct Figures<'a> {
    pub league: &'a str,
    pub home_team: &'a str,
    pub away_team: &'a str,
    pub probabilities: fp_model::Probabilities,
    pub outcome: Outcome,
    pub confidence: f64,
    pub xg_home: f64,
    pub xg_away: f64,
    pub score: (i64, i64),
    pub model_version_id: Option<i64>,
    pub fixture_id: Option<i64>,
    /// The final score, once graded.
    pub result: Option<(i64, i64)>,
}

impl<'a> Figures<'a> {
    pub fn of_row(r: &'a PredictionRow) -> Self {
        Figures {
            league: &r.league_code,
            home_team: &r.home_team,
            away_team: &r.away_team,
            probabilities: fp_model::Probabilities {
                home: r.p_home,
                draw: r.p_draw,
                away: r.p_away,
            },
            outcome: r.outcome,
            confidence: r.confidence,
            xg_home: r.xg_home,
            xg_away: r.xg_away,
            score: (r.predicted_home_goals, r.predicted_away_goals),
            model_version_id: r.model_version_id,
            fixture_id: r.fixture_id,
            result: r.actual_home_goals.zip(r.actual_away_goals),
        }
    }

    pub fn of_new(r: &NewPrediction, p: &'a FixturePrediction) -> Self {
        Figures {
            league: &p.league.league.code,
            home_team: &p.home.name,
            away_team: &p.away.name,
            probabilities: fp_model::Probabilities {
                home: r.p_home,
                draw: r.p_draw,
                away: r.p_away,
            },
            outcome: r.outcome,
            confidence: r.confidence,
            xg_home: r.xg_home,
            xg_away: r.xg_away,
            score: (r.predicted_home_goals, r.predicted_away_goals),
            model_version_id: r.model_version_id,
            fixture_id: r.fixture_id,
            result: None,
        }
    }

    /// The graded result: the score, the outcome, whether the most likely outcome happened,
    /// and the ranked probability score.
    pub fn graded(&self) -> Option<GradedResult> {
        let (home_goals, away_goals) = self.result?;
        GradedResult::of(&self.probabilities, home_goals, away_goals)
    }
}

/// A prediction's body, with its markets and the current facts.
pub fn prediction_body(
    entry: &LeagueEntry,
    f: &Figures,
    m: &Markets,
    facts: &FixtureFacts,
) -> PredictionBody {
    let version = entry
        .model_version()
        .filter(|v| Some(v.id) == f.model_version_id);
    PredictionBody {
        league: f.league.to_string(),
        home_team: f.home_team.to_string(),
        away_team: f.away_team.to_string(),
        probabilities: Probabilities {
            home: f.probabilities.home,
            draw: f.probabilities.draw,
            away: f.probabilities.away,
        },
        outcome: f.outcome,
        confidence: f.confidence,
        expected_goals: GoalsPair {
            home: f.xg_home,
            away: f.xg_away,
        },
        most_likely_score: ScorePair {
            home: f.score.0,
            away: f.score.1,
        },
        top_scores: m.top_scores.iter().map(Into::into).collect(),
        double_chance: (&m.double_chance).into(),
        over_under: m.over_under.iter().map(Into::into).collect(),
        both_teams_to_score: (&m.both_teams_to_score).into(),
        form: FormPair {
            home: FormGame::list(entry, &facts.home.form),
            away: FormGame::list(entry, &facts.away.form),
        },
        head_to_head: HeadToHead::of(entry, &facts.h2h),
        model: ModelInfo {
            version: f.model_version_id,
            data_to: version.map(|v| v.data_to),
            fitted_at: version.map(|v| v.fitted_at),
        },
        fixture_id: f.fixture_id,
        data_note: data_note(entry, &[f.home_team, f.away_team]),
        result: f.graded(),
    }
}

/// Which of these teams are not in the league's current season, and since when.
pub fn data_note(entry: &LeagueEntry, teams: &[&str]) -> Option<String> {
    let current = entry.current_team_ids();
    let old: Vec<String> = teams
        .iter()
        .filter_map(|name| entry.team(name))
        .filter(|t| !current.contains(&t.id))
        .map(|t| match entry.last_played(t.id) {
            Some(d) => format!(
                "{} is not in the current season; its last match here was {d}",
                t.name
            ),
            None => format!("{} has no results here", t.name),
        })
        .collect();
    (!old.is_empty()).then(|| old.join(". "))
}
