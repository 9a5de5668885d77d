//! Team facts computed from results: form, records, head-to-head.

use crate::game::{Game, TeamId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One past match from a team's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEntry {
    pub date: NaiveDate,
    pub opponent: TeamId,
    pub at_home: bool,
    pub goals_for: u8,
    pub goals_against: u8,
    /// 'W', 'D' or 'L'.
    pub result: char,
}

fn entry(g: &Game, team: TeamId) -> Option<FormEntry> {
    let (at_home, opponent, gf, ga) = if g.home == team {
        (true, g.away, g.home_goals, g.away_goals)
    } else if g.away == team {
        (false, g.home, g.away_goals, g.home_goals)
    } else {
        return None;
    };
    let result = match gf.cmp(&ga) {
        std::cmp::Ordering::Greater => 'W',
        std::cmp::Ordering::Equal => 'D',
        std::cmp::Ordering::Less => 'L',
    };
    Some(FormEntry {
        date: g.date,
        opponent,
        at_home,
        goals_for: gf,
        goals_against: ga,
        result,
    })
}

/// The team's last `n` matches, newest first.
pub fn form(games: &[Game], team: TeamId, n: usize) -> Vec<FormEntry> {
    let mut all: Vec<FormEntry> = games.iter().filter_map(|g| entry(g, team)).collect();
    all.sort_by_key(|e| std::cmp::Reverse(e.date));
    all.truncate(n);
    all
}

/// Won/drawn/lost, goals and clean sheets over a set of matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub played: u32,
    pub won: u32,
    pub drawn: u32,
    pub lost: u32,
    pub goals_for: u32,
    pub goals_against: u32,
    pub clean_sheets: u32,
}

impl Record {
    fn add(&mut self, e: &FormEntry) {
        self.played += 1;
        match e.result {
            'W' => self.won += 1,
            'D' => self.drawn += 1,
            _ => self.lost += 1,
        }
        self.goals_for += u32::from(e.goals_for);
        self.goals_against += u32::from(e.goals_against);
        self.clean_sheets += u32::from(e.goals_against == 0);
    }

    pub fn goals_for_per_match(&self) -> f64 {
        if self.played == 0 {
            0.0
        } else {
            f64::from(self.goals_for) / f64::from(self.played)
        }
    }

    pub fn goals_against_per_match(&self) -> f64 {
        if self.played == 0 {
            0.0
        } else {
            f64::from(self.goals_against) / f64::from(self.played)
        }
    }

    pub fn points(&self) -> u32 {
        3 * self.won + self.drawn
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TeamRecord {
    pub home: Record,
    pub away: Record,
    pub total: Record,
}

/// Home, away and total records of `team` over `games`.
pub fn record(games: &[Game], team: TeamId) -> TeamRecord {
    let mut r = TeamRecord::default();
    for e in games.iter().filter_map(|g| entry(g, team)) {
        if e.at_home {
            r.home.add(&e);
        } else {
            r.away.add(&e);
        }
        r.total.add(&e);
    }
    r
}

/// Meetings of `a` and `b` in both venues, from `a`'s point of view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadToHead {
    /// Newest first, at most the requested number.
    pub meetings: Vec<Game>,
    /// Over all meetings, not only the listed ones.
    pub a_wins: u32,
    pub draws: u32,
    pub b_wins: u32,
    pub a_goals: u32,
    pub b_goals: u32,
    pub a_home_record: Record,
    pub a_away_record: Record,
}

pub fn head_to_head(games: &[Game], a: TeamId, b: TeamId, limit: usize) -> HeadToHead {
    let mut meetings: Vec<Game> = games
        .iter()
        .filter(|g| (g.home == a && g.away == b) || (g.home == b && g.away == a))
        .copied()
        .collect();
    meetings.sort_by_key(|g| std::cmp::Reverse(g.date));
    let rec = record(&meetings, a);
    meetings.truncate(limit);
    HeadToHead {
        meetings,
        a_wins: rec.total.won,
        draws: rec.total.drawn,
        b_wins: rec.total.lost,
        a_goals: rec.total.goals_for,
        b_goals: rec.total.goals_against,
        a_home_record: rec.home,
        a_away_record: rec.away,
    }
}

/// A league table row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    pub team: TeamId,
    pub record: Record,
}

/// The table of `games` (usually one season): points, then goal difference, then goals.
pub fn table(games: &[Game]) -> Vec<TableRow> {
    let mut teams: Vec<TeamId> = games.iter().flat_map(|g| [g.home, g.away]).collect();
    teams.sort_unstable();
    teams.dedup();
    let mut rows: Vec<TableRow> = teams
        .into_iter()
        .map(|t| TableRow {
            team: t,
            record: record(games, t).total,
        })
        .collect();
    rows.sort_by(|x, y| {
        let gd = |r: &Record| i64::from(r.goals_for) - i64::from(r.goals_against);
        (y.record.points(), gd(&y.record), y.record.goals_for)
            .cmp(&(x.record.points(), gd(&x.record), x.record.goals_for))
            .then(x.team.cmp(&y.team))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(d: u32, home: TeamId, away: TeamId, hg: u8, ag: u8) -> Game {
        Game {
            date: NaiveDate::from_ymd_opt(2024, 9, d).unwrap(),
            home,
            away,
            home_goals: hg,
            away_goals: ag,
            home_sot: None,
            away_sot: None,
            market: None,
        }
    }

    #[test]
    fn form_records_and_head_to_head() {
        let games = [
            g(1, 1, 2, 2, 0),
            g(8, 3, 1, 1, 1),
            g(15, 2, 1, 3, 1),
            g(22, 1, 3, 0, 0),
        ];
        let f = form(&games, 1, 3);
        assert_eq!(f.iter().map(|e| e.result).collect::<String>(), "DLD");
        assert_eq!(f[1].opponent, 2);
        let r = record(&games, 1);
        assert_eq!((r.home.won, r.home.drawn, r.home.clean_sheets), (1, 1, 2));
        assert_eq!((r.away.drawn, r.away.lost), (1, 1));
        assert_eq!((r.total.goals_for, r.total.goals_against), (4, 4));
        let h = head_to_head(&games, 1, 2, 1);
        assert_eq!(h.meetings.len(), 1);
        assert_eq!(
            (h.a_wins, h.draws, h.b_wins, h.a_goals, h.b_goals),
            (1, 0, 1, 3, 3)
        );
        let t = table(&games);
        // Team 2: 3 points, GD 0; team 1: 5 points; team 3: 2 points.
        assert_eq!(t.iter().map(|r| r.team).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(t[0].record.points(), 5);
    }
}
