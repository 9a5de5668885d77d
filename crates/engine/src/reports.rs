//! Weekly reports by ISO week (`2026-W48`): measured by the store, stored with their mails in
//! one transaction.

use crate::EngineError;
use chrono::{Datelike, NaiveDate, Weekday};
use fp_storage::{NewMail, Store, WeeklyReport};

/// The days of an ISO week: its Monday and the next Monday.
pub fn week_range(week: &str) -> Result<(NaiveDate, NaiveDate), EngineError> {
    let bad = || {
        EngineError::Invalid(format!(
            "\"{week}\" is not an ISO week (YYYY-Www, e.g. 2026-W48)"
        ))
    };
    let (year, number) = week.split_once("-W").ok_or_else(bad)?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    let number: u32 = number.parse().map_err(|_| bad())?;
    let monday = NaiveDate::from_isoywd_opt(year, number, Weekday::Mon).ok_or_else(bad)?;
    Ok((monday, monday + chrono::Duration::days(7)))
}

/// The ISO week of a day.
pub fn week_of(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The last complete week before `today`.
pub fn last_week(today: NaiveDate) -> String {
    week_of(today - chrono::Duration::days(7))
}

/// Measures and stores the report of `week`, with the mails `mails` makes of it (one per
/// subscriber: address, staff, unsubscribe token).
pub async fn generate_weekly_report(
    store: &Store,
    week: &str,
    mails: impl Fn(&WeeklyReport, &str, bool, Option<&str>) -> NewMail,
) -> Result<(WeeklyReport, usize), EngineError> {
    let (from, to) = week_range(week)?;
    let report = store.weekly_report(week, from, to).await?;
    let subscribers = store.weekly_subscribers().await?;
    let outgoing: Vec<NewMail> = subscribers
        .iter()
        .map(|(to, staff, token)| mails(&report, to, *staff, token.as_deref()))
        .collect();
    store.save_report(&report, &outgoing).await?;
    Ok((report, outgoing.len()))
}

/// A text cell that a spreadsheet will not run: one starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return is a formula (or can become one) in Excel, LibreOffice and Google
/// Sheets, so it gets a leading `'` (OWASP's advice for CSV injection).
pub fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The report as CSV, one measure per row: `section,league,measure,value`.
pub fn report_csv(r: &WeeklyReport) -> Result<String, EngineError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| EngineError::Invalid(format!("CSV: {e}"));
    w.write_record(["week", "section", "league", "measure", "value"])
        .map_err(fail)?;
    let mut row = |section: &str, league: &str, measure: &str, value: String| {
        w.write_record([
            r.week.as_str(),
            section,
            &text_cell(league),
            measure,
            &value,
        ])
    };
    for l in &r.leagues {
        row("model", &l.league, "graded", l.graded.to_string()).map_err(fail)?;
        row("model", &l.league, "right", l.right.to_string()).map_err(fail)?;
        row("model", &l.league, "mean_rps", format!("{:.6}", l.mean_rps)).map_err(fail)?;
        for (bin, n, hits) in &l.calibration {
            let measure = format!("calibration_{}_{}", bin * 10, bin * 10 + 10);
            row("model", &l.league, &measure, format!("{hits}/{n}")).map_err(fail)?;
        }
    }
    for f in &r.freshness {
        let newest = f.newest_result.map(|d| d.to_string()).unwrap_or_default();
        row("data", &f.league, "newest_result", newest).map_err(fail)?;
    }
    row(
        "usage",
        "",
        "predictions_made",
        r.predictions_made.to_string(),
    )
    .map_err(fail)?;
    row(
        "usage",
        "",
        "active_accounts",
        r.active_accounts.to_string(),
    )
    .map_err(fail)?;
    row(
        "usage",
        "",
        "active_sessions",
        r.active_sessions.to_string(),
    )
    .map_err(fail)?;
    for j in &r.job_failures {
        row(
            "jobs",
            "",
            &format!("failed_{}", j.job),
            j.failures.to_string(),
        )
        .map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| EngineError::Invalid(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| EngineError::Invalid(format!("CSV: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_name_their_days() {
        let (from, to) = week_range("2026-W48").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            from,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
        );
        assert_eq!(
            to,
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
        );
        assert_eq!(week_of(from), "2026-W48");
        // 1 January 2027 is a Friday: ISO week 53 of 2026.
        assert_eq!(
            week_of(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default()),
            "2026-W53"
        );
        assert_eq!(
            last_week(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default()),
            "2026-W48"
        );
        for bad in ["2026", "2026-W", "2026-W54", "x-W01", "2026-w01"] {
            assert!(week_range(bad).is_err(), "{bad}");
        }
    }
}
