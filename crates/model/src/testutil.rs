//! Simulated leagues for the tests.

use crate::game::{Game, TeamId};
use chrono::{Duration, NaiveDate};

/// SplitMix64: a small deterministic generator, enough for simulations in tests.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn poisson(&mut self, rate: f64) -> u8 {
        let (mut k, mut p, u) = (0u8, (-rate).exp(), self.next_f64());
        let mut cdf = p;
        while u > cdf && k < 20 {
            k += 1;
            p *= rate / f64::from(k);
            cdf += p;
        }
        k
    }
}

/// `seasons` double round-robins between teams `0..attack.len()` with independent Poisson
/// goals, one round a week from `start`.
pub fn simulate(
    attack: &[f64],
    defence: &[f64],
    intercept: f64,
    home: f64,
    seasons: usize,
    start: NaiveDate,
    rng: &mut Rng,
) -> Vec<Game> {
    let n = attack.len() as TeamId;
    let mut games = Vec::new();
    let per_season = (n * (n - 1)) as i64;
    for season in 0..seasons as i64 {
        let mut k = 0;
        for h in 0..n {
            for a in 0..n {
                if h == a {
                    continue;
                }
                let (hi, ai) = (h as usize, a as usize);
                let l = (intercept + home + attack[hi] + defence[ai]).exp();
                let m = (intercept + attack[ai] + defence[hi]).exp();
                let (hg, ag) = (rng.poisson(l), rng.poisson(m));
                let day = start + Duration::days(365 * season + k * 280 / per_season);
                k += 1;
                games.push(Game {
                    date: day,
                    home: h,
                    away: a,
                    home_goals: hg,
                    away_goals: ag,
                    home_sot: Some(hg + rng.poisson(2.5 * l)),
                    away_sot: Some(ag + rng.poisson(2.5 * m)),
                    market: None,
                });
            }
        }
    }
    games
}
