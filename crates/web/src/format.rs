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
    fn pct_examples() {
        assert_eq!(pct(0.5571111467197948), "55.7%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(pct(1.0), "100.0%");
        assert_eq!(pct(0.08347), "8.3%");
        assert_eq!(pct(0.99996), "100.0%");
    }
}
