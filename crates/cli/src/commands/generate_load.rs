//! `generate-load`: fills the database with synthetic predictions for load tests, and
//! creates one visitor holding a known number of them.

use crate::config::DbArgs;
use crate::progress;
use anyhow::Context;
use chrono::{Duration, Utc};
use clap::Args;
use fp_storage::{NewPrediction, Owner};

#[derive(Debug, Args)]
pub struct GenerateLoadArgs {
    /// Predictions to create in all
    #[arg(long, default_value_t = 1_000_000)]
    pub predictions: u64,
    /// Predictions of the one visitor whose session id is printed (for history benchmarks)
    #[arg(long, default_value_t = 1_000)]
    pub visitor_predictions: u64,
    /// Predictions per other (anonymous) visitor
    #[arg(long, default_value_t = 20)]
    pub per_visitor: u64,
}

pub async fn run(db: &DbArgs, args: GenerateLoadArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let leagues = store.leagues().await?;
    let league = leagues
        .iter()
        .find(|l| l.teams >= 2)
        .context("import data first: no league with teams")?;
    let teams = store.teams(league.id).await?;
    let now = Utc::now();
    let visitor = format!(
        "{:032x}",
        now.timestamp_nanos_opt().unwrap_or_default() as u128 * 7919
    );
    store
        .save_session(&fp_storage::NewSession {
            id: visitor.clone(),
            data: b"{\"user_id\":null,\"username\":null}".to_vec(),
            user_id: None,
            expiry: now + Duration::days(30),
        })
        .await?;
    let bar = progress::bar(args.predictions, "generating");
    let mut made = 0u64;
    let mut batch = Vec::with_capacity(10_000);
    while made < args.predictions {
        let owner = if made < args.visitor_predictions {
            visitor.clone()
        } else {
            format!(
                "load{:028}",
                (made - args.visitor_predictions) / args.per_visitor.max(1)
            )
        };
        let i = made as usize;
        let (h, a) = (
            i % teams.len(),
            (i / teams.len() + 1 + i % teams.len()) % teams.len(),
        );
        let a = if a == h { (a + 1) % teams.len() } else { a };
        let p_home = 0.3 + (i % 40) as f64 / 100.0;
        let p_draw = 0.25;
        batch.push(NewPrediction {
            owner: Owner::Session(owner),
            created_at: now - Duration::seconds((args.predictions - made) as i64 * 7),
            league_id: league.id,
            home_team_id: teams[h].id,
            away_team_id: teams[a].id,
            p_home,
            p_draw,
            p_away: 1.0 - p_home - p_draw,
            predicted_home_goals: 1,
            predicted_away_goals: 1,
            xg_home: 1.4,
            xg_away: 1.1,
            outcome: if p_home >= 0.375 {
                fp_model::Outcome::Home
            } else {
                fp_model::Outcome::Away
            },
            confidence: p_home.max(1.0 - p_home - p_draw),
            model_version_id: None,
            fixture_id: None,
        });
        made += 1;
        if batch.len() == 10_000 || made == args.predictions {
            store.insert_predictions(&batch).await?;
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    bar.finish_and_clear();
    // A database in service is vacuumed and analysed by itself; do it now after the bulk load.
    store.analyze_predictions().await?;
    println!(
        "{} predictions in the database; visitor with {} predictions: cookie fp_session={visitor}",
        store.count_predictions().await?,
        args.visitor_predictions.min(args.predictions)
    );
    Ok(())
}
