use crate::config::DbArgs;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// ISO week, e.g. 2026-W48 (default: the last complete week)
    #[arg(long)]
    pub week: Option<String>,
    /// Also write the report as CSV to this file
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// The address of the site, for the links in the mailed reports
    #[arg(long, env = "PUBLIC_URL", default_value = "http://127.0.0.1:8000")]
    pub public_url: String,
}

/// What the weekly-report job and the command mail: one report per subscriber.
pub fn mail_for(
    public_url: &str,
) -> impl Fn(&fp_storage::WeeklyReport, &str, bool, Option<&str>) -> fp_storage::NewMail {
    let public_url = public_url.trim_end_matches('/').to_string();
    move |report, to, staff, unsubscribe| {
        fp_mail::compose::weekly_report(report, to, staff, unsubscribe, &public_url)
    }
}

pub async fn run(db: &DbArgs, args: ReportArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let week = args
        .week
        .clone()
        .unwrap_or_else(|| fp_engine::reports::last_week(chrono::Utc::now().date_naive()));
    let (report, mails) =
        fp_engine::reports::generate_weekly_report(&store, &week, mail_for(&args.public_url))
            .await?;
    println!(
        "week {} ({} to {}): {} predictions made by {} accounts and {} sessions",
        report.week,
        report.from,
        report.to - chrono::Duration::days(1),
        report.predictions_made,
        report.active_accounts,
        report.active_sessions
    );
    for l in &report.leagues {
        println!(
            "  {}: {} graded, {} right, mean RPS {:.4}",
            l.league, l.graded, l.right, l.mean_rps
        );
    }
    for j in &report.job_failures {
        println!("  job {} failed {} times", j.job, j.failures);
    }
    println!("stored; {mails} mail(s) queued for subscribers");
    if let Some(file) = &args.csv {
        std::fs::write(file, fp_engine::reports::report_csv(&report)?)
            .with_context(|| format!("cannot write {}", file.display()))?;
        println!("wrote {}", file.display());
    }
    Ok(())
}
