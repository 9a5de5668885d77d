//! Notification mails: plain text and HTML, each with its unsubscribe link.

use fp_storage::{DigestLine, NewMail, WeeklyReport};

/// `&`, `<`, `>`, `"` escaped for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn side(code: &str) -> &'static str {
    match code {
        "H" => "home win",
        "D" => "draw",
        "A" => "away win",
        _ => "?",
    }
}

/// A mail whose point is one link (confirm an address, reset a password): the lines as
/// paragraphs, then the link.
pub fn link_mail(kind: &str, to: &str, subject: &str, lines: &[String], link: &str) -> NewMail {
    let text = format!(
        "{}\n\n{link}\n\n-- Football Predictor\n",
        lines.join("\n\n")
    );
    let paragraphs: String = lines
        .iter()
        .map(|l| format!("<p>{}</p>", escape(l)))
        .collect();
    let link = escape(link);
    NewMail {
        kind: kind.to_string(),
        recipient: to.to_string(),
        subject: subject.to_string(),
        text_body: text,
        html_body: format!(
            "<!doctype html><html><body>{paragraphs}<p><a href=\"{link}\">{link}</a></p><p>— Football Predictor</p></body></html>"
        ),
    }
}

/// The unsubscribe link of an account (its account page when it has no token yet).
pub fn unsubscribe_link(public_url: &str, token: Option<&str>) -> String {
    match token {
        Some(t) => format!("{public_url}/unsubscribe/{t}"),
        None => format!("{public_url}/account"),
    }
}

/// One account's digest of graded predictions (`lines` all of one account).
pub fn result_digest(lines: &[DigestLine], public_url: &str) -> NewMail {
    let (name, email, token) = lines.first().map_or(("", "", None), |l| {
        (
            l.username.as_str(),
            l.email.as_str(),
            l.unsubscribe_token.as_deref(),
        )
    });
    let right = lines
        .iter()
        .filter(|l| l.actual_result.as_deref() == Some(l.outcome.as_str()))
        .count();
    let rows: Vec<String> = lines
        .iter()
        .map(|l| {
            let score = match (l.actual_home_goals, l.actual_away_goals) {
                (Some(h), Some(a)) => format!("{h}-{a}"),
                _ => "?".into(),
            };
            let verdict = if l.actual_result.as_deref() == Some(l.outcome.as_str()) {
                "right"
            } else {
                "wrong"
            };
            format!(
                "{} {} v {}: {score}. You predicted a {} (home {:.0}%, draw {:.0}%, away {:.0}%): {verdict}.",
                l.league,
                l.home,
                l.away,
                side(&l.outcome),
                l.p_home * 100.0,
                l.p_draw * 100.0,
                l.p_away * 100.0
            )
        })
        .collect();
    let unsubscribe = unsubscribe_link(public_url, token);
    let summary = format!(
        "Hello {name}, {} of your predictions {} graded: {right} right.",
        lines.len(),
        if lines.len() == 1 { "was" } else { "were" }
    );
    let text = format!(
        "{summary}\n\n{}\n\nYour track record: {public_url}/track-record\n\nStop these mails: {unsubscribe}\n",
        rows.join("\n")
    );
    let items: String = rows
        .iter()
        .map(|r| format!("<li>{}</li>", escape(r)))
        .collect();
    let html = format!(
        "<!doctype html><html><body><p>{}</p><ul>{items}</ul><p><a href=\"{}/track-record\">Your track record</a></p><p><small><a href=\"{}\">Stop these mails</a></small></p></body></html>",
        escape(&summary),
        escape(public_url),
        escape(&unsubscribe)
    );
    NewMail {
        kind: "results".into(),
        recipient: email.to_string(),
        subject: format!("Your predictions: {} results", lines.len()),
        text_body: text,
        html_body: html,
    }
}

/// The weekly report as a mail: the model's record per league and data freshness for
/// everyone; usage and job failures for staff too.
pub fn weekly_report(
    report: &WeeklyReport,
    to: &str,
    staff: bool,
    unsubscribe: Option<&str>,
    public_url: &str,
) -> NewMail {
    let mut lines = vec![format!(
        "Football Predictor, week {} ({} to {}).",
        report.week,
        report.from,
        report.to - chrono::Duration::days(1)
    )];
    if report.leagues.is_empty() {
        lines.push("No prediction was graded this week.".into());
    }
    for l in &report.leagues {
        let share = if l.graded > 0 {
            100.0 * l.right as f64 / l.graded as f64
        } else {
            0.0
        };
        lines.push(format!(
            "{}: {} predictions graded, predicted outcome right {share:.0}%, mean RPS {:.4}.",
            l.league, l.graded, l.mean_rps
        ));
    }
    for f in &report.freshness {
        lines.push(format!(
            "{} ({}): newest result {}.",
            f.name,
            f.league,
            f.newest_result
                .map_or_else(|| "none".to_string(), |d| d.to_string())
        ));
    }
    if staff {
        lines.push(format!(
            "Usage: {} predictions made by {} accounts and {} anonymous sessions.",
            report.predictions_made, report.active_accounts, report.active_sessions
        ));
        if report.job_failures.is_empty() {
            lines.push("No job failed.".into());
        }
        for j in &report.job_failures {
            lines.push(format!(
                "Job {} failed {} times; last: {}.",
                j.job,
                j.failures,
                j.last_message.as_deref().unwrap_or("no message")
            ));
        }
        lines.push(format!(
            "The full report: {public_url}/admin/reports/{}",
            report.week
        ));
    }
    let unsubscribe = unsubscribe_link(public_url, unsubscribe);
    let text = format!("{}\n\nStop these mails: {unsubscribe}\n", lines.join("\n"));
    let items: String = lines
        .iter()
        .map(|l| format!("<p>{}</p>", escape(l)))
        .collect();
    NewMail {
        kind: "report".into(),
        recipient: to.to_string(),
        subject: format!("Weekly report {}", report.week),
        text_body: text,
        html_body: format!(
            "<!doctype html><html><body>{items}<p><small><a href=\"{}\">Stop these mails</a></small></p></body></html>",
            escape(&unsubscribe)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(outcome: &str, result: &str) -> DigestLine {
        DigestLine {
            user_id: 1,
            username: "ann".into(),
            email: "ann@example.org".into(),
            unsubscribe_token: Some("ab".repeat(32)),
            prediction_id: 1,
            league: "E0".into(),
            home: "Arsenal".into(),
            away: "<Chelsea>".into(),
            outcome: outcome.into(),
            p_home: 0.5,
            p_draw: 0.3,
            p_away: 0.2,
            actual_home_goals: Some(2),
            actual_away_goals: Some(1),
            actual_result: Some(result.into()),
        }
    }

    #[test]
    fn a_digest_counts_lists_escapes_and_links_to_unsubscribe() {
        let m = result_digest(&[line("H", "H"), line("A", "H")], "http://fp.example");
        assert_eq!(m.recipient, "ann@example.org");
        assert!(
            m.text_body
                .contains("2 of your predictions were graded: 1 right")
        );
        assert!(m.text_body.contains("E0 Arsenal v <Chelsea>: 2-1. You predicted a home win (home 50%, draw 30%, away 20%): right."));
        assert!(m.text_body.contains(&format!(
            "http://fp.example/unsubscribe/{}",
            "ab".repeat(32)
        )));
        assert!(m.html_body.contains("&lt;Chelsea&gt;") && !m.html_body.contains("<Chelsea>"));
        assert!(m.html_body.contains("/unsubscribe/"));
    }

    #[test]
    fn a_weekly_report_mail_has_its_unsubscribe_link_and_staff_figures_for_staff_only() {
        let report = WeeklyReport {
            week: "2026-W48".into(),
            from: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
            to: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
            generated_at: chrono::Utc::now(),
            leagues: vec![fp_storage::LeagueWeek {
                league: "E0".into(),
                graded: 4,
                right: 3,
                mean_rps: 0.18,
                calibration: vec![(5, 4, 3)],
            }],
            predictions_made: 12,
            active_accounts: 2,
            active_sessions: 5,
            freshness: vec![],
            job_failures: vec![],
        };
        let token = "cd".repeat(32);
        let staff = weekly_report(
            &report,
            "s@example.org",
            true,
            Some(&token),
            "http://fp.example",
        );
        let public = weekly_report(
            &report,
            "p@example.org",
            false,
            Some(&token),
            "http://fp.example",
        );
        for m in [&staff, &public] {
            assert!(
                m.text_body
                    .contains(&format!("http://fp.example/unsubscribe/{token}"))
            );
            assert!(m.html_body.contains("/unsubscribe/"));
            assert!(m.text_body.contains(
                "E0: 4 predictions graded, predicted outcome right 75%, mean RPS 0.1800."
            ));
        }
        assert!(
            staff
                .text_body
                .contains("Usage: 12 predictions made by 2 accounts and 5 anonymous sessions.")
        );
        assert!(!public.text_body.contains("Usage"));
        assert_eq!(staff.subject, "Weekly report 2026-W48");
    }
}
