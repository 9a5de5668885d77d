//! How figures read on a page: percentages, times, outcomes, links with query strings.

use fp_model::Outcome;

/// A probability as a percentage with one decimal, "55.7%". Rounded in integers: a history
/// page shows hundreds of these, and formatting floats to a precision is slow.
pub fn pct(p: f64) -> String {
    let tenths = (p * 1000.0).round();
    if !tenths.is_finite() || tenths.abs() >= 1e15 {
        return format!("{:.1}%", p * 100.0);
    }
    let t = tenths as i64;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}%", t.abs() / 10, t.abs() % 10)
}

/// A time to the minute, "2026-11-30 07:05" (what `%Y-%m-%d %H:%M` gives, without parsing
/// the format for every row of a page).
/// 1234567 → "1,234,567".
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

pub fn minute(t: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// "Arsenal win", "Draw", "Chelsea win".
pub fn outcome_text(outcome: Outcome, home: &str, away: &str) -> String {
    match outcome {
        Outcome::Home => format!("{home} win"),
        Outcome::Away => format!("{away} win"),
        Outcome::Draw => "Draw".to_string(),
    }
}

/// Home win, draw, away win, as a filter lists them.
pub fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Home => "Home win",
        Outcome::Draw => "Draw",
        Outcome::Away => "Away win",
    }
}

/// Bytes as lower-case hex digits.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// `path?k=v&…`, the values form-encoded.
pub fn link(path: &str, pairs: &[(&str, &str)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Same text as formatting the float, but where the product lands within a rounding
        /// error of a tie (there either neighbour is right).
        #[test]
        fn pct_matches_float_formatting(p in 0.0f64..=1.0) {
            let ours = pct(p);
            let float = format!("{:.1}%", p * 100.0);
            let near_tie = ((p * 1000.0).fract() - 0.5).abs() < 1e-6;
            prop_assert!(ours == float || near_tie, "{p}: {ours} vs {float}");
        }

        #[test]
        fn minute_matches_strftime(secs in 0i64..4_102_444_800) {
            let t = chrono::DateTime::from_timestamp(secs, 0).unwrap();
            prop_assert_eq!(minute(&t), t.format("%Y-%m-%d %H:%M").to_string());
        }

        /// Whatever the team names, the link's query decodes to them.
        #[test]
        fn links_round_trip(a in ".*", b in ".*") {
            let l = link("/h2h", &[("home", &a), ("away", &b)]);
            let query = l.split_once('?').map(|(_, q)| q).unwrap_or("");
            let back: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            prop_assert_eq!(back, vec![("home".to_string(), a), ("away".to_string(), b)]);
        }
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(-12_345), "-12,345");
    }

    #[test]
    fn pct_examples() {
        assert_eq!(pct(0.5571111467197948), "55.7%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(pct(1.0), "100.0%");
        assert_eq!(pct(0.08347), "8.3%");
        assert_eq!(pct(0.99996), "100.0%");
    }
}

/// How recent a league's data is, in words, and whether it is plainly out of date: the
/// newest result more than 14 days old while a season is being played (August to May).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    pub text: String,
    pub stale: bool,
}

/// Days after which results count as old during a season.
pub const STALE_AFTER_DAYS: i64 = 14;

pub fn freshness(newest: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> Freshness {
    use chrono::Datelike;
    let Some(newest) = newest else {
        return Freshness {
            text: "No results in the data yet.".into(),
            stale: true,
        };
    };
    let age = (today - newest).num_days();
    let in_season = !matches!(today.month(), 6 | 7);
    let date = newest.format("%-d %b %Y");
    if in_season && age > STALE_AFTER_DAYS {
        Freshness {
            text: format!(
                "Out of date: the newest result is from {date}, {age} days ago. Matches played \
                 since are not in these figures (run `football-predictor sync` or import newer \
                 files)."
            ),
            stale: true,
        }
    } else {
        Freshness {
            text: format!("Results up to {date}."),
            stale: false,
        }
    }
}

#[cfg(test)]
mod freshness_tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn old_results_during_a_season_are_called_out() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let f = freshness(Some(d(2025, 12, 14)), d(2025, 12, 20));
        assert_eq!(
            f,
            Freshness {
                text: "Results up to 14 Dec 2025.".into(),
                stale: false
            }
        );
        let f = freshness(Some(d(2025, 12, 14)), d(2026, 1, 10));
        assert!(f.stale && f.text.contains("27 days ago"), "{f:?}");
        // The summer break: no season, no warning.
        assert!(!freshness(Some(d(2026, 5, 24)), d(2026, 7, 20)).stale);
        assert!(freshness(None, d(2026, 7, 20)).stale);
    }
}
