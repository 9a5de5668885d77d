use super::*;
use proptest::prelude::*;

fn standing(played: u32, points: u32, goals_for: u32, goals_against: u32) -> Standing {
    Standing {
        played,
        points,
        goals_for,
        goals_against,
    }
}

/// P(team 1 finishes first) by going through every score of the one match left.
fn exact_title_of_b(a: Standing, b: Standing, scores: &ScoreMatrix) -> f64 {
    let mut p = 0.0;
    for h in 0..SIDE {
        for g in 0..SIDE {
            // B (home) scores h, A (away) scores g.
            let (hb, ga) = (h as i64, g as i64);
            let pts = |base: u32, mine: i64, theirs: i64| {
                i64::from(base)
                    + match mine.cmp(&theirs) {
                        std::cmp::Ordering::Greater => 3,
                        std::cmp::Ordering::Equal => 1,
                        std::cmp::Ordering::Less => 0,
                    }
            };
            let key = |s: Standing, mine: i64, theirs: i64| {
                (
                    pts(s.points, mine, theirs),
                    i64::from(s.goals_for) - i64::from(s.goals_against) + mine - theirs,
                    i64::from(s.goals_for) + mine,
                )
            };
            let kb = key(b, hb, ga);
            let ka = key(a, ga, hb);
            let share = match kb.cmp(&ka) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Less => 0.0,
            };
            p += scores.get(h, g) * share;
        }
    }
    p
}

#[test]
fn two_teams_one_match_left_matches_the_exact_odds() {
    let a = standing(1, 3, 2, 1);
    let b = standing(1, 0, 1, 2);
    let scores = ScoreMatrix::dixon_coles(1.6, 0.9, -0.05);
    let rules = SeasonRules {
        simulations: 400_000,
        top: 1,
        relegated: 1,
        seed: 7,
    };
    let odds = simulate(
        &[a, b],
        &[Remaining {
            home: 1,
            away: 0,
            scores: scores.clone(),
        }],
        rules,
    );
    let exact = exact_title_of_b(a, b, &scores);
    let b_odds = odds.teams.iter().find(|t| t.team == 1).unwrap();
    // 400,000 draws: a standard error below 0.0008.
    assert!(
        (b_odds.p_title - exact).abs() < 0.004,
        "simulated {} exact {exact}",
        b_odds.p_title
    );
    assert!((b_odds.p_relegation - (1.0 - exact)).abs() < 0.004);
    let o = scores.outcome();
    let expected_b = 3.0 * o.home + o.draw;
    assert!((b_odds.expected_points - expected_b).abs() < 0.02);
    assert_eq!(odds.remaining_matches, 1);
    assert_eq!(odds.simulations, 400_000);
}

#[test]
fn teams_level_on_everything_share_the_title() {
    let s = standing(2, 4, 3, 3);
    let odds = simulate(
        &[s, s],
        &[],
        SeasonRules {
            simulations: 20_000,
            ..SeasonRules::default()
        },
    );
    for t in &odds.teams {
        assert!((t.p_title - 0.5).abs() < 0.02, "{t:?}");
        assert_eq!(t.expected_points, 4.0);
    }
}

#[test]
fn a_finished_season_is_certain() {
    let table = [
        standing(2, 6, 5, 0),
        standing(2, 3, 2, 2),
        standing(2, 0, 0, 5),
    ];
    let odds = simulate(
        &table,
        &[],
        SeasonRules {
            simulations: 100,
            top: 2,
            relegated: 1,
            seed: 1,
        },
    );
    let by_team = |i: usize| odds.teams.iter().find(|t| t.team == i).unwrap();
    assert_eq!(by_team(0).p_title, 1.0);
    assert_eq!(by_team(1).p_top, 1.0);
    assert_eq!(by_team(2).p_relegation, 1.0);
    assert_eq!(by_team(2).p_top, 0.0);
}

#[test]
fn the_same_seed_gives_the_same_odds() {
    let table = vec![standing(0, 0, 0, 0); 4];
    let games: Vec<Remaining> = (0..4)
        .flat_map(|h| (0..4).filter(move |&a| a != h).map(move |a| (h, a)))
        .map(|(home, away)| Remaining {
            home,
            away,
            scores: ScoreMatrix::dixon_coles(1.3 + home as f64 * 0.1, 1.1, 0.0),
        })
        .collect();
    let rules = SeasonRules {
        simulations: 2_000,
        ..SeasonRules::default()
    };
    assert_eq!(
        simulate(&table, &games, rules),
        simulate(&table, &games, rules)
    );
}

fn league() -> impl Strategy<Value = (Vec<Standing>, Vec<Remaining>)> {
    (2usize..9).prop_flat_map(|n| {
        let standings = proptest::collection::vec(
            (0u32..30, 0u32..60, 0u32..60)
                .prop_map(|(pl, gf, ga)| standing(pl, pl * 3 / 2, gf, ga)),
            n,
        );
        let games = proptest::collection::vec(
            (0..n, 0..n, 0.2f64..3.0, 0.2f64..3.0).prop_map(|(home, away, l, m)| Remaining {
                home,
                away,
                scores: ScoreMatrix::dixon_coles(l, m, 0.0),
            }),
            0..20,
        );
        (standings, games)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn the_odds_add_up((standings, games) in league(), seed in any::<u64>()) {
        let n = standings.len();
        let rules = SeasonRules { simulations: 300, top: 4, relegated: 3, seed };
        let odds = simulate(&standings, &games, rules);
        prop_assert_eq!(odds.teams.len(), n);
        let total = |f: fn(&TeamOdds) -> f64| odds.teams.iter().map(f).sum::<f64>();
        prop_assert!((total(|t| t.p_title) - 1.0).abs() < 1e-9);
        prop_assert!((total(|t| t.p_relegation) - 3.0f64.min(n as f64)).abs() < 1e-9);
        prop_assert!((total(|t| t.p_top) - 4.0f64.min(n as f64)).abs() < 1e-9);
        for t in &odds.teams {
            prop_assert!((t.positions.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            let games_left = games
                .iter()
                .filter(|g| g.home != g.away && (g.home == t.team || g.away == t.team))
                .count() as f64;
            let base = f64::from(t.standing.points);
            prop_assert!(t.expected_points >= base - 1e-9);
            prop_assert!(t.expected_points <= base + 3.0 * games_left + 1e-9);
        }
    }
}
