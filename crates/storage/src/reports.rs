//! Weekly reports: per league the graded predictions of the week's matches (how often the
//! predicted outcome came true, mean RPS, calibration by confidence), usage (predictions made,
//! active accounts and sessions), data freshness (newest result per league) and the job runs
//! that failed. Measured with aggregate queries, stored as JSON, one per ISO week.

use crate::email::NewMail;
use crate::error::{Result, StorageError};
use crate::store::{Store, on_pool};
use chrono::{DateTime, NaiveDate, Utc};

/// The graded predictions of one league's matches in the week.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LeagueWeek {
    pub league: String,
    pub graded: i64,
    /// Predictions whose predicted outcome came true.
    pub right: i64,
    pub mean_rps: f64,
    /// (confidence bin 0..=9 for 0–10 % … 90–100 %, predictions, right).
    pub calibration: Vec<(i64, i64, i64)>,
}

/// A league's newest result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Freshness {
    pub league: String,
    pub name: String,
    pub newest_result: Option<NaiveDate>,
}

/// A job's failed runs in the week.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobFailures {
    pub job: String,
    pub failures: i64,
    pub last_message: Option<String>,
}

/// One week's report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WeeklyReport {
    /// ISO week, e.g. `2026-W48`.
    pub week: String,
    pub from: NaiveDate,
    /// The day after the week's last.
    pub to: NaiveDate,
    pub generated_at: DateTime<Utc>,
    pub leagues: Vec<LeagueWeek>,
    pub predictions_made: i64,
    pub active_accounts: i64,
    pub active_sessions: i64,
    pub freshness: Vec<Freshness>,
    pub job_failures: Vec<JobFailures>,
}

/// RPS of a three-way forecast in SQL (0.5 × the squared cumulative differences).
const RPS: &str = "0.5 * ((p.p_home - CASE WHEN p.actual_result = 'H' THEN 1.0 ELSE 0.0 END) \
    * (p.p_home - CASE WHEN p.actual_result = 'H' THEN 1.0 ELSE 0.0 END) \
    + (p.p_home + p.p_draw - CASE WHEN p.actual_result IN ('H', 'D') THEN 1.0 ELSE 0.0 END) \
    * (p.p_home + p.p_draw - CASE WHEN p.actual_result IN ('H', 'D') THEN 1.0 ELSE 0.0 END))";

const GRADED_OF_WEEK: &str = "FROM predictions p JOIN matches m ON m.id = p.match_id \
    JOIN leagues l ON l.id = p.league_id \
    WHERE m.match_date >= $1 AND m.match_date < $2 AND p.actual_result IS NOT NULL";

impl Store {
    /// Measures the week `[from, to)` named `week`.
    pub async fn weekly_report(
        &self,
        week: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<WeeklyReport> {
        let pool = self.read_pool();
        let per_league = format!(
            "SELECT l.code, COUNT(*), SUM(CASE WHEN p.outcome = p.actual_result THEN 1 ELSE 0 END), \
             AVG({RPS}) {GRADED_OF_WEEK} GROUP BY l.code ORDER BY l.code"
        );
        let rows: Vec<(String, i64, i64, f64)> = on_pool!(pool, |p| sqlx::query_as(&per_league)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?);
        // ROUND(x - 0.5) is FLOOR(x) on both backends (SQLite may lack FLOOR).
        let bins = format!(
            "SELECT l.code, CAST(ROUND(p.confidence * 10 - 0.5) AS BIGINT), COUNT(*), \
             SUM(CASE WHEN p.outcome = p.actual_result THEN 1 ELSE 0 END) {GRADED_OF_WEEK} \
             GROUP BY l.code, CAST(ROUND(p.confidence * 10 - 0.5) AS BIGINT)"
        );
        let bins: Vec<(String, i64, i64, i64)> = on_pool!(pool, |p| sqlx::query_as(&bins)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?);
        let leagues = rows
            .into_iter()
            .map(|(league, graded, right, mean_rps)| {
                let mut calibration: Vec<(i64, i64, i64)> = Vec::new();
                for (_, bin, n, hits) in bins.iter().filter(|b| b.0 == league) {
                    let bin = (*bin).clamp(0, 9);
                    match calibration.iter_mut().find(|c| c.0 == bin) {
                        Some(c) => {
                            c.1 += n;
                            c.2 += hits;
                        }
                        None => calibration.push((bin, *n, *hits)),
                    }
                }
                calibration.sort_unstable();
                LeagueWeek {
                    league,
                    graded,
                    right,
                    mean_rps,
                    calibration,
                }
            })
            .collect();
        let start = from.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let end = to.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let (Some(start), Some(end)) = (start, end) else {
            return Err(StorageError::Invalid(format!("week {week}: bad dates")));
        };
        let (made, accounts, sessions): (i64, i64, i64) = on_pool!(pool, |p| sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT user_id), COUNT(DISTINCT session_id) \
             FROM predictions WHERE created_at >= $1 AND created_at < $2"
        )
        .bind(start)
        .bind(end)
        .fetch_one(p)
        .await?);
        let freshness: Vec<(String, String, Option<NaiveDate>)> =
            on_pool!(pool, |p| sqlx::query_as(
                "SELECT l.code, l.name, MAX(m.match_date) FROM leagues l \
                 LEFT JOIN matches m ON m.league_id = l.id GROUP BY l.code, l.name ORDER BY l.code"
            )
            .fetch_all(p)
            .await?);
        let failures: Vec<(String, i64, Option<String>)> = on_pool!(pool, |p| sqlx::query_as(
            "SELECT job, COUNT(*), MAX(message) FROM job_runs \
             WHERE status = 'failed' AND started_at >= $1 AND started_at < $2 \
             GROUP BY job ORDER BY job"
        )
        .bind(start)
        .bind(end)
        .fetch_all(p)
        .await?);
        Ok(WeeklyReport {
            week: week.to_string(),
            from,
            to,
            generated_at: Utc::now(),
            leagues,
            predictions_made: made,
            active_accounts: accounts,
            active_sessions: sessions,
            freshness: freshness
                .into_iter()
                .map(|(league, name, newest_result)| Freshness {
                    league,
                    name,
                    newest_result,
                })
                .collect(),
            job_failures: failures
                .into_iter()
                .map(|(job, failures, last_message)| JobFailures {
                    job,
                    failures,
                    last_message,
                })
                .collect(),
        })
    }

    /// Stores a report (replacing an earlier one of its week) and queues its mails, in one
    /// transaction.
    pub async fn save_report(&self, report: &WeeklyReport, mails: &[NewMail]) -> Result<()> {
        let body = serde_json::to_string(report)
            .map_err(|e| StorageError::Invalid(format!("report: {e}")))?;
        let now = Utc::now();
        on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM reports WHERE week = $1")
                .bind(&report.week)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO reports (week, created_at, body) VALUES ($1, $2, $3)")
                .bind(&report.week)
                .bind(now)
                .bind(&body)
                .execute(&mut *tx)
                .await?;
            for mail in mails {
                crate::email::insert_mail!(&mut *tx, mail, now)?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The stored report of a week.
    pub async fn report(&self, week: &str) -> Result<Option<WeeklyReport>> {
        let body: Option<String> = on_pool!(self.read_pool(), |p| sqlx::query_scalar(
            "SELECT body FROM reports WHERE week = $1"
        )
        .bind(week)
        .fetch_optional(p)
        .await?);
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    /// The weeks with a stored report, newest first.
    pub async fn report_weeks(&self, limit: i64) -> Result<Vec<String>> {
        Ok(on_pool!(self.read_pool(), |p| sqlx::query_scalar(
            "SELECT week FROM reports ORDER BY week DESC LIMIT $1"
        )
        .bind(limit)
        .fetch_all(p)
        .await?))
    }
}
